"""Brute-force protection and rate limits (issue 14, defect 9), turned on with small rates.

The suite runs with limits off (tests/conftest.py); each test here turns them on and gives
itself a fresh cache, so counters never leak between tests.
"""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from qualification.roles import Role
from qualification.services.api_tokens import api_token_create
from qualification.services.ingest_keys import ingest_key_create

pytestmark = pytest.mark.django_db

RATES = {"api_user": "3/m", "api_anon": "3/m", "api_failed_auth": "5/m", "tracking": "2/m"}
TRACK = {"userId": "u-1", "event": "Signed Up"}


def _fresh_cache(**extra):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
            **extra,
        }
    }


@pytest.fixture
def limits(settings):
    settings.LEADHUB_RATE_LIMITS = True
    settings.LEADHUB_RATES = dict(RATES)
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.CACHES = _fresh_cache()
    return settings


@pytest.fixture
def user(make_user):
    person = make_user(Role.SDR, username="sam")
    person.set_password("right-password-1")
    person.save()
    return person


# --- login lock-out (django-axes) --------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_locks_out_after_the_limit_and_says_for_how_long(limits, client, user, url):
    wrong = {"username": "sam", "password": "guess"}
    statuses = [client.post(url, wrong).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    locked = client.post(url, {"username": "sam", "password": "right-password-1"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked" in page
    assert "locked for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(limits, client, user):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "sam", "password": "guess"})
    other_address = client.post(
        "/accounts/login/",
        {"username": "sam", "password": "right-password-1"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_lock(limits, client, user):
    """The address is the connection's (axes' default REMOTE_ADDR), never a header the client sets."""
    for n in range(3):
        client.post(
            "/accounts/login/",
            {"username": "sam", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"8.8.8.{n}",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "sam", "password": "right-password-1"},
        HTTP_X_FORWARDED_FOR="8.8.4.77",
    )
    assert locked.status_code == 429


def test_with_limits_off_nobody_is_locked_out(client, user):
    for _ in range(10):
        assert (
            client.post("/accounts/login/", {"username": "sam", "password": "x"}).status_code == 200
        )
    ok = client.post("/accounts/login/", {"username": "sam", "password": "right-password-1"})
    assert ok.status_code == 302


# --- REST API ----------------------------------------------------------------------------


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t')[1]}")
    return client


def test_the_rest_api_throttles_each_user(limits, user):
    client = _token_client(user)
    assert [client.get("/api/leads/").status_code for _ in range(3)] == [200] * 3
    throttled = client.get("/api/leads/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_200_guessed_tokens_are_throttled(limits, user):
    client = APIClient()
    statuses = []
    for n in range(200):
        client.credentials(HTTP_AUTHORIZATION=f"Token guess{n:035d}")
        statuses.append(client.get("/api/leads/"))
    assert [r.status_code for r in statuses[:5]] == [401] * 5
    assert {r.status_code for r in statuses[5:]} == {429}
    assert int(statuses[-1]["Retry-After"]) > 0
    # Even the right token waits out the window from a guessing address.
    assert _token_client(user).get("/api/leads/").status_code == 429


def test_with_limits_off_neither_users_nor_guesses_are_throttled(settings, user):
    settings.LEADHUB_RATES = dict(RATES)
    settings.CACHES = _fresh_cache()
    client = _token_client(user)
    assert {client.get("/api/leads/").status_code for _ in range(6)} == {200}
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert {guesser.get("/api/leads/").status_code for _ in range(10)} == {401}


# --- tracking API ------------------------------------------------------------------------


def test_the_tracking_api_limits_each_key_with_429_and_retry_after(limits, send):
    assert [send("track", TRACK).status_code for _ in range(2)] == [200, 200]
    limited = send("track", TRACK)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert "retry in" in limited.json()["message"]
    assert int(limited["Retry-After"]) > 0
    other_key = ingest_key_create(name="Other", source="product")[1]
    assert send("track", TRACK, key=other_key).status_code == 200


def test_with_limits_off_the_tracking_api_is_not_limited(settings, send):
    settings.LEADHUB_RATES = dict(RATES)
    settings.CACHES = _fresh_cache()
    assert {send("track", TRACK).status_code for _ in range(5)} == {200}


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "leadhub.ratelimits.FailOpenRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_the_counters_live_in_redis_shared_by_every_worker(limits, redis_url, send):
    limits.CACHES = _redis_cache(redis_url)
    assert [send("track", TRACK).status_code for _ in range(3)] == [200, 200, 429]


def test_a_redis_outage_lets_requests_through(limits, send, client, user):
    """Nothing listens on port 1: every cache call fails, and the limits fail open."""
    limits.CACHES = _redis_cache("redis://127.0.0.1:1/0")
    assert {send("track", TRACK).status_code for _ in range(3)} == {200}
    assert _token_client(user).get("/api/leads/").status_code == 200
