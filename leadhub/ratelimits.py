"""Rate-limit settings read from the environment, and a cache that fails open (issue 14, defect 9).

``LEADHUB_RATE_LIMITS=off`` turns every limit off (login lock-out, REST throttles, tracking
API per key), e.g. for a bulk load or a benchmark. Rates are ``N/period`` with the period
``s``, ``m``, ``h`` or ``d`` (``LEADHUB_RATE_API_USER=1200/m``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("leadhub.ratelimits")

DEFAULT_RATES = {
    # REST API, per signed-in user and per address for anonymous calls.
    "api_user": "1200/m",
    "api_anon": "60/m",
    # Wrong API tokens, per client address: 200 guesses must not all be answered.
    "api_failed_auth": "20/m",
    # Tracking API (/v1/), requests per ingestion key.
    "tracking": "3000/m",
}
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60): requests allowed and the window in seconds."""
    count, _, period = rate.partition("/")
    unit = period.strip()[:1].lower()
    if not count.strip().isascii() or not count.strip().isdigit() or unit not in _PERIODS:
        raise ValueError(f"A rate is N/period (s, m, h or d), e.g. 60/m; not {rate!r}.")
    return int(count), _PERIODS[unit]


def rates(environ: Mapping[str, str]) -> dict[str, str]:
    """The configured rates (``LEADHUB_RATE_<NAME>``), each checked at start-up."""
    chosen = {
        name: environ.get(f"LEADHUB_RATE_{name.upper()}", "").strip() or default
        for name, default in DEFAULT_RATES.items()
    }
    for name, rate in chosen.items():
        try:
            parse_rate(rate)
        except ValueError as exc:
            raise ValueError(f"LEADHUB_RATE_{name.upper()}: {exc}") from exc
    return chosen


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("LEADHUB_RATE_LIMITS", "on").strip().lower() not in {"off", "0", "false"}


def caches(redis_url: str | None) -> dict[str, Any]:
    """The shared cache (rate-limit counters): Redis when configured, else this process's memory."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "leadhub.ratelimits.FailOpenRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "leadhub",
            # A Redis outage costs a request at most these timeouts, never a stall.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class FailOpenRedisCache(RedisCache):
    """Redis cache whose errors are logged and treated as a miss, so a limit never 500s a request.

    The cache only holds counters and throttle histories: without Redis nobody is limited for
    a while, which is better than refusing everybody.
    """

    def _fail_open(self, op: str, exc: Exception, default: Any) -> Any:
        log.warning("cache %s failed (%s); rate limits are not enforced meanwhile", op, exc)
        return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            return self._fail_open("get", exc, default)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._fail_open("set", exc, None)

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            return self._fail_open("add", exc, False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            return self._fail_open("incr", exc, 0)
