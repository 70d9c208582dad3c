"""The suggested opening message (pure): trigger case table, facts, fallbacks, templates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualification.core.outreach import (
    FALLBACKS,
    OutreachFacts,
    RecentEvent,
    fact_values,
    pick_trigger,
    render,
    suggest,
)


def _c(kind: str, points: int, name: str = "Criterion", key: str = "k") -> dict:
    return {"kind": kind, "points": points, "name": name, "key": key}


@pytest.mark.parametrize(
    ("pql_kind", "contributions", "trigger"),
    [
        ("limit_reached", [_c("intent", 50)], "usage_limit"),
        ("hand_raiser", [_c("usage", 50)], "hand_raise"),
        ("usage", [_c("usage", 30, "Used reports 10 times", "reports-heavy")], "heavy_usage"),
        ("usage", [_c("usage", 30, "Connected an integration", "integration")], "milestone"),
        ("", [_c("usage", 20, "Invited teammates", "invites")], "milestone"),
        ("", [_c("usage", 20, "Activation completed", "activation")], "milestone"),
        ("", [_c("intent", 30, "Downloaded the guide")], "content_interest"),
        ("", [_c("intent", 10), _c("usage", 25, "Dashboards", "dash")], "heavy_usage"),
        ("", [_c("fit", 40), _c("intent", 5)], "content_interest"),
        ("", [_c("fit", 40)], "general"),
        ("", [_c("usage", -10), _c("negative", -5)], "general"),
        ("", [], "general"),
        ("self_serve", [], "general"),
    ],
)
def test_trigger_follows_the_strongest_signal(pql_kind, contributions, trigger):
    assert (
        pick_trigger(OutreachFacts(pql_kind=pql_kind, contributions=contributions)).trigger
        == trigger
    )


EVENTS = (
    RecentEvent("Feature Used", "product", {"feature": "Reports"}),
    RecentEvent("Usage Limit Reached", "product", {"limit": "5 projects"}),
    RecentEvent("Content Downloaded", "marketing", {"title": "The PQL playbook"}),
    RecentEvent("Feature Used", "product", {"feature": "Older feature"}),
)


def test_facts_come_from_the_lead_and_its_latest_events():
    facts = OutreachFacts(
        first_name="Ada", account="Acme", sender="Sam", events=EVENTS, teammates=4
    )
    values = fact_values(facts)
    assert values == {
        "first_name": "Ada",
        "account": "Acme",
        "sender": "Sam",
        "product": "LeadHub",
        "feature": "Reports",
        "limit": "5 projects",
        "content": "The PQL playbook",
        "teammates": "4",
        # No trigger picked: when it happened and what was asked for fall back.
        "when": "recently",
        "request": "a call with our team",
    }


def test_missing_facts_fall_back():
    assert fact_values(OutreachFacts()) == FALLBACKS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {first_name}", "Hi Ada"),
        ("{{literal}} {first_name}", "{literal} Ada"),
        ("{unknown} stays", "{unknown} stays"),
        ("{0} and {} and {first_name.upper}", "{0} and {} and {first_name.upper}"),
        ("unbalanced { brace", "unbalanced { brace"),
        ("{feature}", "the product"),
        ("", ""),
    ],
)
def test_render_never_raises(text, expected):
    values = {"first_name": "Ada"}
    assert render(text, values) == expected


TEMPLATES = [
    {
        "name": "General",
        "trigger": "general",
        "subject": "{product} for {account}",
        "body": "Hi {first_name}",
    },
    {
        "name": "Limit",
        "trigger": "usage_limit",
        "subject": "Outgrown {limit}",
        "body": "Hi {first_name}, {sender}",
    },
]


def test_suggest_uses_the_trigger_template():
    facts = OutreachFacts(first_name="Ada", sender="Sam", pql_kind="limit_reached", events=EVENTS)
    suggestion = suggest(facts, TEMPLATES)
    assert suggestion is not None
    assert (suggestion.trigger, suggestion.template_name) == ("usage_limit", "Limit")
    assert suggestion.subject == "Outgrown 5 projects"
    assert suggestion.body == "Hi Ada, Sam"


def test_suggest_falls_back_to_the_general_template_then_to_nothing():
    facts = OutreachFacts(pql_kind="hand_raiser")
    suggestion = suggest(facts, TEMPLATES)
    assert suggestion is not None
    assert (suggestion.trigger, suggestion.template_name) == ("hand_raise", "General")
    assert suggestion.subject == "LeadHub for your team"
    assert suggest(facts, []) is None


# -- the freshest strong signal decides, in words still true when shown ------------------

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 3, 11, 0, tzinfo=BERLIN)


def _timed(kind: str, points: int, name: str, key: str, days: float) -> dict:
    return {**_c(kind, points, name, key), "last_seen": (NOW - timedelta(days=days)).isoformat()}


DEMO_TODAY = _timed("intent", 35, "Demo requested", "demo-requested", 0.1)
LIMIT_LAST_WEEK = _timed("usage", 25, "Usage limit reached", "usage-limit-reached", 8)
LIMIT_TEMPLATES = [
    *TEMPLATES,
    {
        "name": "Hand-raise",
        "trigger": "hand_raise",
        "subject": "Your request for {request}",
        "body": "Thanks for asking for {request} {when}.",
    },
]


def test_a_demo_asked_for_today_beats_a_limit_hit_last_week():
    facts = OutreachFacts(
        pql_kind="limit_reached",
        contributions=[_c("fit", 40), LIMIT_LAST_WEEK, DEMO_TODAY],
        now=NOW,
    )
    picked = pick_trigger(facts)
    assert (picked.trigger, picked.request) == ("hand_raise", "a demo")
    assert picked.why == "Freshest strong signal: Demo requested, today."
    suggestion = suggest(facts, LIMIT_TEMPLATES)
    assert suggestion is not None
    assert suggestion.subject == "Your request for a demo"
    assert suggestion.body == "Thanks for asking for a demo today."


def test_a_limit_hit_today_beats_a_demo_asked_for_last_week():
    limit_today = {**LIMIT_LAST_WEEK, "last_seen": (NOW - timedelta(hours=2)).isoformat()}
    demo_last_week = {**DEMO_TODAY, "last_seen": (NOW - timedelta(days=8)).isoformat()}
    facts = OutreachFacts(contributions=[demo_last_week, limit_today], now=NOW)
    assert pick_trigger(facts).trigger == "usage_limit"


def test_a_weak_signal_today_does_not_beat_a_limit_yesterday():
    page_view_today = _timed("intent", 5, "Blog reader", "blog", 0)
    limit_yesterday = {**LIMIT_LAST_WEEK, "last_seen": (NOW - timedelta(days=1)).isoformat()}
    picked = pick_trigger(OutreachFacts(contributions=[page_view_today, limit_yesterday], now=NOW))
    assert picked.trigger == "usage_limit"
    assert picked.why == "Freshest strong signal: Usage limit reached, yesterday."


def test_on_the_same_day_the_stronger_signal_wins():
    limit_this_morning = {**LIMIT_LAST_WEEK, "last_seen": (NOW - timedelta(hours=3)).isoformat()}
    facts = OutreachFacts(contributions=[limit_this_morning, DEMO_TODAY], now=NOW)
    assert pick_trigger(facts).trigger == "hand_raise"  # 35 points over 25


def test_on_the_same_day_a_limit_beats_heavier_usage():
    limit_this_morning = {**LIMIT_LAST_WEEK, "last_seen": (NOW - timedelta(hours=1)).isoformat()}
    reports_today = _timed("usage", 30, "Heavy reports use", "reports", 0.1)
    facts = OutreachFacts(contributions=[reports_today, limit_this_morning], now=NOW)
    assert pick_trigger(facts).trigger == "usage_limit"


def test_the_pql_trigger_time_counts_when_no_criterion_carries_it():
    facts = OutreachFacts(
        pql_kind="limit_reached",
        contributions=[_timed("intent", 30, "Pricing views", "pricing", 3)],
        pql_seen_at=NOW - timedelta(hours=1),
        now=NOW,
    )
    picked = pick_trigger(facts)
    assert picked.trigger == "usage_limit"
    assert picked.why == "Freshest strong signal: Free-plan limit reached, today."


def test_the_message_says_the_limit_in_words_and_when_it_happened():
    facts = OutreachFacts(
        pql_kind="limit_reached",
        contributions=[LIMIT_LAST_WEEK],
        events=[RecentEvent("Usage Limit Reached", "product", {"limit": "monthly_exports"})],
        now=NOW,
    )
    body = suggest(
        facts,
        [{"trigger": "usage_limit", "subject": "{limit}", "body": "{account} hit {limit} {when}"}],
    )
    assert body is not None
    assert (body.subject, body.body) == (
        "monthly exports",
        "your team hit monthly exports 8 days ago",
    )


_KINDS = st.sampled_from(["fit", "intent", "usage", "negative", "", None])
_WHEN = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.datetimes(timezones=st.sampled_from([UTC, BERLIN])).map(datetime.isoformat),
)
_CONTRIBUTION = st.fixed_dictionaries(
    {},
    optional={
        "kind": _KINDS,
        "points": st.one_of(st.integers(-100, 100), st.floats(allow_nan=False), st.none()),
        "name": st.text(max_size=20),
        "key": st.sampled_from(["demo-requested", "usage-limit", "reports", "x"]),
        "last_seen": _WHEN,
    },
)


@given(
    contributions=st.lists(_CONTRIBUTION, max_size=5),
    pql_kind=st.sampled_from(["", "limit_reached", "hand_raiser", "usage", "self_serve"]),
    now=st.one_of(st.none(), st.datetimes(timezones=st.sampled_from([UTC, BERLIN]))),
    limit=st.from_regex(r"\A[a-z]{1,8}(_[a-z]{1,8}){0,2}\Z"),
)
def test_the_opening_never_fails_and_never_says_a_key(contributions, pql_kind, now, limit):
    facts = OutreachFacts(
        pql_kind=pql_kind,
        contributions=contributions,
        events=[RecentEvent("Usage Limit Reached", "product", {"limit": limit})],
        now=now,
    )
    templates = [
        {"trigger": t, "subject": "{limit} {when}", "body": "{request} {when} {limit}"}
        for t in ("usage_limit", "heavy_usage", "milestone", "hand_raise", "content_interest")
    ]
    suggestion = suggest(facts, [*templates, {"trigger": "general", "subject": "", "body": ""}])
    assert suggestion is not None
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", suggestion.subject + " " + suggestion.body)
