"""Small helpers that read configuration from the environment (12-factor).

Kept apart from settings.py so that tests can exercise the selection logic
(embedded default vs PostgreSQL/Redis vs production) without reloading Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """Read a boolean; refuse anything that is not clearly true or false."""
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}.")


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Runtime:
    """What the environment selected: which database, which broker, which mode."""

    production: bool
    database: dict
    database_kind: str  # "sqlite" or "postgresql"
    broker_url: str
    result_backend: str | None
    eager_tasks: bool


def select_runtime(environ: Mapping[str, str], base_dir: Path) -> Runtime:
    """Decide the runtime from the environment.

    No environment at all gives the embedded default (SQLite file in the project
    folder, Celery tasks run in-process) so the demo needs no services.
    ``DATABASE_URL`` switches the database, ``REDIS_URL`` the broker.
    """
    import dj_database_url

    # Empty is unset, as for DATABASE_URL and REDIS_URL (``LEADHUB_ENV= cmd``, a blank line
    # in an env file): development, whose banner says so on every page.
    mode = environ.get("LEADHUB_ENV", "").strip().lower() or "development"
    if mode not in {"development", "production"}:
        raise ImproperlyConfigured(
            f"LEADHUB_ENV must be 'development' or 'production', not {mode!r}."
        )
    production = mode == "production"

    database_url = environ.get("DATABASE_URL", "").strip()
    if database_url:
        try:
            # Health checks: a kept connection that died while idle (a PostgreSQL restart or
            # failover) is replaced before the request uses it instead of failing that request.
            database = dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)
            if "postgres" in database["ENGINE"]:
                # No JIT: it compiled each dashboard aggregate for 7-16 ms of a 30-100 ms
                # query, and the full rescore runs as fast without it (measured).
                database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        except ValueError as exc:  # unknown scheme and the like
            raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from exc
    else:
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(base_dir / "leadhub.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    engine = database["ENGINE"]
    if "postgresql" in engine:
        kind = "postgresql"
    elif "sqlite" in engine:
        kind = "sqlite"
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must point at PostgreSQL (postgres://...); got engine {engine}."
        )

    redis_url = environ.get("REDIS_URL", "").strip()
    if redis_url and not redis_url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis:// or rediss://, not {redis_url!r}."
        )
    eager = not redis_url
    return Runtime(
        production=production,
        database=database,
        database_kind=kind,
        broker_url=redis_url or "memory://",
        result_backend=redis_url or None,
        eager_tasks=eager,
    )


def secret_key(environ: Mapping[str, str], production: bool) -> str:
    """The secret key; production refuses to start without a real one."""
    key = environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if production:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when LEADHUB_ENV=production "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return "leadhub-insecure-development-key-do-not-use-in-production"


def current() -> Mapping[str, str]:
    """The process environment (a seam for tests)."""
    return os.environ


@dataclass(frozen=True)
class Email:
    """How outgoing mail (SLA alert emails) is sent: SMTP when a host is set, else the console."""

    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    default_from: str


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def env_int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number; refuse text or a value below ``minimum``, naming the variable."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def select_email(environ: Mapping[str, str]) -> Email:
    """SMTP settings from ``EMAIL_*``; without ``EMAIL_HOST`` mail goes to the console.

    The console backend is the embedded default's honest answer: alert emails are written
    to the log of whoever sends them (the web process in eager mode, else the worker)
    instead of failing against an SMTP server that is not there.
    """
    host = environ.get("EMAIL_HOST", "").strip()
    use_tls = env_bool(environ, "EMAIL_USE_TLS", False)
    use_ssl = env_bool(environ, "EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "Set only one of EMAIL_USE_TLS (STARTTLS, usually port 587) and "
            "EMAIL_USE_SSL (implicit TLS, usually port 465)."
        )
    return Email(
        backend=SMTP_BACKEND if host else CONSOLE_BACKEND,
        host=host or "localhost",
        port=env_int(environ, "EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25, minimum=1),
        user=environ.get("EMAIL_HOST_USER", "").strip(),
        password=environ.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        default_from=environ.get("DEFAULT_FROM_EMAIL", "").strip() or "LeadHub <leadhub@localhost>",
    )


def alert_base_url(environ: Mapping[str, str]) -> str:
    """Where emails and webhooks link to (``LEADHUB_ALERT_BASE_URL``), without a trailing slash."""
    raw = environ.get("LEADHUB_ALERT_BASE_URL", "").strip() or "http://127.0.0.1:8000"
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured(
            f"LEADHUB_ALERT_BASE_URL must be an absolute http(s):// address, not {raw!r}."
        )
    return raw.rstrip("/")
