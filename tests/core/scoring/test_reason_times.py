"""The engine stores when a reason happened, not words that go stale; evidence reads as words.

A timed reason keeps ``reason`` (as scored, for readers that know no slot) and adds
``reason_when`` (the same sentence with ``WHEN_SLOT``), so ``reason_now`` says it as it is on
the day it is shown. The PQL trigger's sentence does the same.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from qualification.core.scoring import PolicySpec, score_lead
from qualification.core.scoring.evidence import evidence_words
from qualification.core.wording import WHEN_SLOT, reason_now
from tests.core.scoring.builders import (
    NOW,
    attribute_criterion,
    event_criterion,
    lead_signals,
    seen,
)

LIMIT = event_criterion(
    "usage_limit", kind="usage", points=25, reason_template="Hit a free-plan limit {last_seen}"
)
PRICING = event_criterion("pricing", points=10, reason_template="Viewed pricing {times} {window}")
SENIOR = attribute_criterion(
    "senior", "lead.traits.seniority", "is_set", reason_template="Holds a senior role ({value})"
)


def _by_key(result):
    return {c.key: c for c in result.contributions}


def test_a_timed_reason_is_stored_with_its_slot_and_said_later_as_it_is_then():
    signals = lead_signals(events={"usage_limit": seen(1, last=0.1), "pricing": seen(4)})
    found = _by_key(score_lead([LIMIT, PRICING], signals, PolicySpec(), NOW))
    limit = found["usage_limit"]
    assert limit.reason == "Hit a free-plan limit today"
    assert limit.reason_when == f"Hit a free-plan limit {WHEN_SLOT}"
    stored = limit.to_dict()
    eight_days_later = NOW + timedelta(days=8)
    assert reason_now(stored["reason"], stored["reason_when"], stored["last_seen"], NOW) == (
        "Hit a free-plan limit today"
    )
    assert reason_now(
        stored["reason"], stored["reason_when"], stored["last_seen"], eight_days_later
    ) == ("Hit a free-plan limit 8 days ago")
    # A sentence that names no time has no slot: it is shown as scored.
    assert found["pricing"].reason_when == ""


def test_the_pql_trigger_sentence_is_stored_with_its_slot_and_the_event_in_words():
    policy = PolicySpec(limit_events=("usage_limit_reached",))
    signals = lead_signals(policy_events={"usage_limit_reached": seen(1, last=2)})
    result = score_lead([], signals, policy, NOW)
    assert result.pql_kind == "limit_reached"
    assert result.qualification_reason == "Hit a plan limit (Usage limit reached, 2 days ago)"
    assert result.qualification_reason_when == (
        f"Hit a plan limit (Usage limit reached, {WHEN_SLOT})"
    )
    assert result.qualification_seen_at == NOW - timedelta(days=2)


def test_a_reason_says_a_stored_value_in_words():
    signals = lead_signals(lead={"email": "a@acme.io", "traits": {"seniority": "c_level"}})
    result = score_lead([SENIOR], signals, PolicySpec(), NOW)
    assert result.contributions[0].reason == "Holds a senior role (C-level)"


def test_evidence_of_an_attribute_names_it_in_words():
    assert evidence_words(
        {"signal_type": "attribute", "attribute": "account.industry", "value": "Marketing agency"}
    ) == ("Industry: Marketing agency", "")


def test_evidence_of_an_event_says_counts_window_and_weight():
    assert evidence_words(
        {"signal_type": "event", "count": 4, "days": 3, "window_days": 30, "decay": 0.62}
    ) == ("4 times on 3 days", "in the last 30 days · 62% weight")
    assert evidence_words({"signal_type": "event", "count": 1, "decay": 1.0}) == (
        "once",
        "so far · full weight",
    )
    assert evidence_words({"count": 2, "occurrences": 2, "window_days": 7}) == (
        "twice",
        "in the last 7 days · 2 counted",
    )


TIMES_SIGN = "\u00d7"  # the multiplication sign the old evidence showed ("decay x1.00")
SNAKE_CASE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.lists(st.from_regex(r"\A[a-z]{1,6}(_[a-z]{1,6}){0,2}\Z"), max_size=3),
)


@given(
    contribution=st.fixed_dictionaries(
        {},
        optional={
            "signal_type": st.sampled_from(["event", "attribute", "", None]),
            "attribute": st.one_of(
                st.none(),
                st.sampled_from(["account.industry", "lead.traits.crm_used", "account.plan"]),
            ),
            # Stored values: numbers, keys, lists of keys (free text is said as written).
            "value": st.one_of(
                st.none(),
                st.integers(),
                st.floats(),
                st.from_regex(r"\A[a-z]{1,6}(_[a-z]{1,6}){1,2}\Z"),
                st.lists(st.from_regex(r"\A[a-z]{1,6}(_[a-z]{1,6}){0,2}\Z"), max_size=3),
            ),
            "count": values,
            "days": values,
            "window_days": values,
            "decay": values,
            "occurrences": values,
            "last_seen": st.one_of(st.none(), st.datetimes().map(datetime.isoformat)),
        },
    )
)
def test_evidence_never_fails_and_never_shows_keys_or_factors(contribution):
    main, detail = evidence_words(contribution)
    for words in (main, detail):
        assert TIMES_SIGN not in words
        assert "account." not in words
        assert "lead." not in words
        assert not SNAKE_CASE.search(words)
