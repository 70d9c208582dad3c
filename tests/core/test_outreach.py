"""The suggested opening message (pure): trigger case table, facts, fallbacks, templates."""

from __future__ import annotations

import pytest

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
