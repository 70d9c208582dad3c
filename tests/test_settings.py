"""Settings selection: embedded default, PostgreSQL/Redis, production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from leadhub.env import alert_base_url, env_bool, secret_key, select_email, select_runtime

ROOT = Path(__file__).resolve().parent.parent


def test_no_environment_selects_embedded_default(tmp_path):
    runtime = select_runtime({}, tmp_path)
    assert runtime.database_kind == "sqlite"
    assert runtime.database["NAME"] == str(tmp_path / "leadhub.sqlite3")
    assert runtime.eager_tasks is True
    assert runtime.broker_url == "memory://"
    assert runtime.production is False


def test_database_and_redis_urls_select_real_services(tmp_path):
    runtime = select_runtime(
        {
            "DATABASE_URL": "postgres://lh:secret@db.internal:5433/leadhub",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
        },
        tmp_path,
    )
    assert runtime.database_kind == "postgresql"
    assert runtime.database["HOST"] == "db.internal"
    assert runtime.database["PORT"] == 5433
    assert runtime.database["NAME"] == "leadhub"
    # Kept connections are checked before reuse, and PostgreSQL compiles no query (JIT).
    assert runtime.database["CONN_HEALTH_CHECKS"] is True
    assert runtime.database["OPTIONS"]["options"] == "-c jit=off"
    assert runtime.eager_tasks is False
    assert runtime.broker_url == "redis://127.0.0.1:6379/2"
    assert runtime.result_backend == "redis://127.0.0.1:6379/2"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must point at PostgreSQL"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL must start with redis://"),
        ({"LEADHUB_ENV": "staging"}, "LEADHUB_ENV must be"),
    ],
    ids=["mysql", "unknown-scheme", "redis-scheme", "bad-mode"],
)
def test_bad_environment_names_the_variable(tmp_path, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        select_runtime(environ, tmp_path)


def test_production_requires_secret_key():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        secret_key({}, production=True)
    assert secret_key({"DJANGO_SECRET_KEY": "abc"}, production=True) == "abc"
    assert "insecure" in secret_key({}, production=False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("off", False), ("Yes", True), ("", False)]
)
def test_env_bool(raw, expected):
    assert env_bool({"X": raw}, "X", default=not expected) is expected


def test_env_bool_refuses_garbage():
    with pytest.raises(ImproperlyConfigured, match="X must be one of"):
        env_bool({"X": "maybe"}, "X", default=False)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LEADHUB_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        LEADHUB_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-for-tests",
        DJANGO_ALLOWED_HOSTS="leadhub.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_fails_at_start_with_a_message():
    result = _manage("check", LEADHUB_ENV="production", DJANGO_ALLOWED_HOSTS="x.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when LEADHUB_ENV=production" in result.stderr


def test_production_refuses_debug_pages():
    result = _manage(
        "check",
        LEADHUB_ENV="production",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-for-tests",
        DJANGO_ALLOWED_HOSTS="leadhub.example.com",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG cannot be on with LEADHUB_ENV=production" in result.stderr


def test_development_default_fails_check_deploy():
    """The embedded default is not production-safe, and check --deploy says so."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "DEBUG" in result.stderr


# -- outgoing mail and alert links (SLA alerts) ----------------------------------------------


def test_no_email_host_prints_mail_to_the_console():
    email = select_email({})
    assert email.backend == "django.core.mail.backends.console.EmailBackend"
    assert email.default_from == "LeadHub <leadhub@localhost>"


def test_email_host_selects_smtp_with_its_settings():
    email = select_email(
        {
            "EMAIL_HOST": "smtp.example.com",
            "EMAIL_USE_TLS": "1",
            "EMAIL_HOST_USER": "leadhub",
            "EMAIL_HOST_PASSWORD": "s3cret",
            "DEFAULT_FROM_EMAIL": "alerts@example.com",
        }
    )
    assert email.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (email.host, email.port, email.use_tls, email.use_ssl) == (
        "smtp.example.com",
        587,
        True,
        False,
    )
    assert (email.user, email.password, email.default_from) == (
        "leadhub",
        "s3cret",
        "alerts@example.com",
    )
    assert select_email({"EMAIL_HOST": "h", "EMAIL_USE_SSL": "yes"}).port == 465
    assert select_email({"EMAIL_HOST": "h", "EMAIL_PORT": "2525"}).port == 2525


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "Set only one of EMAIL_USE_TLS"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_PORT": "0"}, "EMAIL_PORT must be at least 1"),
        ({"EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS must be one of"),
    ],
    ids=["tls-and-ssl", "port-text", "port-zero", "tls-garbage"],
)
def test_bad_email_settings_name_the_variable(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        select_email(environ)


def test_alert_links_default_to_the_demo_server_and_must_be_absolute():
    assert alert_base_url({}) == "http://127.0.0.1:8000"
    assert alert_base_url({"LEADHUB_ALERT_BASE_URL": "https://lh.example.com/"}) == (
        "https://lh.example.com"
    )
    for bad in ("lh.example.com", "ftp://lh.example.com", "https://"):
        with pytest.raises(ImproperlyConfigured, match="LEADHUB_ALERT_BASE_URL must be"):
            alert_base_url({"LEADHUB_ALERT_BASE_URL": bad})


# -- LEADHUB_ENV= (empty) is unset: development (issue 14, defect 12c) ------------------------


@pytest.mark.parametrize("raw", ["", "  "], ids=["empty", "blank"])
def test_empty_leadhub_env_is_development(tmp_path, raw):
    runtime = select_runtime({"LEADHUB_ENV": raw}, tmp_path)
    assert runtime.production is False


def test_settings_load_with_an_empty_leadhub_env():
    result = _manage("check", LEADHUB_ENV="")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
