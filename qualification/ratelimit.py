"""Counting requests against the configured rates, in the shared cache (issue 14, defect 9).

A fixed window per (scope, who): simple, one ``incr`` per request, and shared by every
gunicorn worker because it lives in Django's cache (Redis in production). When the cache is
unavailable the counter reads 0 and nobody is limited (``leadhub.ratelimits``).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from leadhub.ratelimits import parse_rate


def limits_on() -> bool:
    return bool(getattr(settings, "LEADHUB_RATE_LIMITS", False))


def rate_for(scope: str) -> tuple[int, int]:
    return parse_rate(settings.LEADHUB_RATES[scope])


def _key(scope: str, who: str, window: int) -> str:
    return f"rl:{scope}:{who}:{window}"


def retry_after(scope: str, who: str) -> int | None:
    """Seconds until ``who`` may try again if over the ``scope`` limit, else None (no count)."""
    if not limits_on():
        return None
    limit, period = rate_for(scope)
    now = time.time()
    window = int(now // period)
    count = cache.get(_key(scope, who, window)) or 0
    if count >= limit:
        return max(1, math.ceil((window + 1) * period - now))
    return None


def hit(scope: str, who: str) -> int | None:
    """Count one request; return seconds to wait if that went over the limit, else None."""
    if not limits_on():
        return None
    limit, period = rate_for(scope)
    now = time.time()
    window = int(now // period)
    key = _key(scope, who, window)
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        count = 1
    if count > limit:
        return max(1, math.ceil((window + 1) * period - now))
    return None
