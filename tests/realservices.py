"""Which real services a test run can reach, and what to do when one is missing.

Tests that need PostgreSQL, Redis or Chromium run whenever those are reachable. When they
are not, a newcomer's quick run skips them with the reason; under .ci/run
(LEADHUB_REQUIRE_SERVICES=1) the same situation fails the test instead, so CI can never
pass with the real-service tests silently skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("LEADHUB_CHROMIUM", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("LEADHUB_REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip on a quick run; fail under CI where every real service must be present."""
    if services_required():
        pytest.fail(f"{reason} (LEADHUB_REQUIRE_SERVICES=1: real-service tests may not be skipped)")
    pytest.skip(reason)


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return CHROMIUM if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM) else None
