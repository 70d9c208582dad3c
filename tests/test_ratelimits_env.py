"""Rate-limit settings from the environment (issue 14, defect 9): parsed once, errors named."""

from __future__ import annotations

import pytest

from leadhub import ratelimits


@pytest.mark.parametrize(
    ("rate", "parsed"), [("20/m", (20, 60)), ("5/s", (5, 1)), ("100/hour", (100, 3600))]
)
def test_rates_parse(rate, parsed):
    assert ratelimits.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["abc", "²/m", "10/w", "/m", "10"])
def test_a_bad_rate_names_the_variable(rate):
    with pytest.raises(ValueError, match="LEADHUB_RATE_TRACKING"):
        ratelimits.rates({"LEADHUB_RATE_TRACKING": rate})


def test_rates_default_and_can_be_set_each():
    chosen = ratelimits.rates({"LEADHUB_RATE_API_USER": "10/m"})
    assert chosen["api_user"] == "10/m"
    assert chosen["tracking"] == ratelimits.DEFAULT_RATES["tracking"]


@pytest.mark.parametrize(
    ("value", "on"), [(None, True), ("on", True), ("off", False), ("OFF", False)]
)
def test_limits_on_unless_turned_off(value, on):
    assert ratelimits.enabled({} if value is None else {"LEADHUB_RATE_LIMITS": value}) is on


def test_caches_use_redis_only_when_configured():
    assert ratelimits.caches(None)["default"]["BACKEND"].endswith("LocMemCache")
    redis = ratelimits.caches("redis://127.0.0.1:6379/0")["default"]
    assert redis["BACKEND"] == "leadhub.ratelimits.FailOpenRedisCache"
    assert redis["OPTIONS"]["socket_timeout"] <= 1
