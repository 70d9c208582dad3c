"""score_lead: tiers, MQL, PQL kinds, account-level PQL, outreach order (no database).

Disqualifiers: ``test_engine_disqualifiers.py``.
"""

from __future__ import annotations

import dataclasses

import pytest

from qualification.core.scoring import PolicySpec, meets_usage_criteria, score_lead, tier_for
from tests.core.scoring.builders import (
    ACME,
    NOW,
    attribute_criterion,
    event_criterion,
    lead_signals,
    seen,
)

POLICY = PolicySpec(
    mql_threshold=60,
    mql_min_fit=10,
    pql_usage_threshold=40,
    tier_hot=80,
    tier_warm=50,
    tier_cool=25,
    outreach_order="pql_first",
    hand_raiser_events=("Contact Sales Requested", "Chat With Sales"),
    limit_events=("Usage Limit Reached",),
    purchase_events=("Order Completed",),
    account_pql_min_users=3,
    account_pql_window_days=7,
)

FIT = attribute_criterion(
    "fintech", "account.industry", "eq", "FinTech", points=20, reason_template="Works in {industry}"
)
DEMO = event_criterion("demo", points=50, reason_template="Requested a demo {last_seen}")
REPORTS = event_criterion(
    "reports",
    kind="usage",
    points=15,
    threshold=3,
    window_days=14,
    reason_template="Ran {count} reports {window}",
)


def score(criteria, policy=POLICY, **signal_fields):
    return score_lead(criteria, lead_signals(**signal_fields), policy, NOW)


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        pytest.param(80, 4, id="hot-at-80"),
        pytest.param(79, 3, id="warm-at-79"),
        pytest.param(50, 3, id="warm-at-50"),
        pytest.param(49, 2, id="cool-at-49"),
        pytest.param(25, 2, id="cool-at-25"),
        pytest.param(24, 1, id="cold-at-24"),
        pytest.param(0, 1, id="cold-at-0"),
        pytest.param(-10, 1, id="cold-below-zero"),
    ],
)
def test_tier_boundaries(total, tier):
    assert tier_for(total, POLICY) == tier
    spec = attribute_criterion(
        "size",
        "account.employee_count",
        "gte",
        1,
        kind="negative" if total < 0 else "fit",
        points=total,
    )
    result = score([spec] if total else [])
    assert (result.total, result.tier) == (total, tier)


@pytest.mark.parametrize(
    ("fit", "intent", "mql"),
    [
        pytest.param(10, 50, True, id="at-threshold-and-min-fit"),
        pytest.param(10, 49, False, id="one-below-threshold"),
        pytest.param(9, 90, False, id="fit-below-minimum"),
        pytest.param(60, 0, True, id="fit-alone"),
    ],
)
def test_mql_threshold_and_minimum_fit(fit, intent, mql):
    criteria = [
        attribute_criterion("size", "account.employee_count", "gte", 1, points=fit),
        event_criterion("demo", points=intent),
    ]
    result = score(criteria, events={"demo": seen(1)} if intent else {})
    assert result.meets_mql is mql
    assert result.qualification == ("mql" if mql else "none")
    if mql:
        assert result.qualification_reason == (
            f"Fit and intent score {fit + intent} meets the MQL threshold of 60"
        )


def test_zero_score_never_qualifies_even_with_zero_thresholds():
    lax = dataclasses.replace(POLICY, mql_threshold=0, mql_min_fit=0, pql_usage_threshold=0)
    result = score([FIT], lax, account={**ACME, "industry": "retail"})
    assert (result.meets_mql, result.meets_pql, result.qualification) == (False, False, "none")


@pytest.mark.parametrize(
    ("policy_events", "usage_count", "kind", "queue", "first_reason"),
    [
        pytest.param(
            {"Order Completed": seen(1, last=2), "Contact Sales Requested": seen(1)},
            6,
            "self_serve",
            "cs",
            "Bought without talking to sales (Order Completed, 2 days ago)",
            id="purchase-beats-all",
        ),
        pytest.param(
            {
                "Contact Sales Requested": seen(1, last=5),
                "Chat With Sales": seen(1, last=1),
                "Usage Limit Reached": seen(1),
            },
            6,
            "hand_raiser",
            "pql",
            "Asked for sales in the product (Chat With Sales, yesterday)",
            id="hand-raiser-beats-limit-latest-event-named",
        ),
        pytest.param(
            {"Usage Limit Reached": seen(2, last=0)},
            6,
            "limit_reached",
            "pql",
            "Hit a plan limit (Usage Limit Reached, today)",
            id="limit-beats-usage",
        ),
        pytest.param(
            {},
            9,
            "usage",
            "pql",
            "Ran 9 reports in the last 14 days",
            id="usage-threshold",
        ),
        pytest.param({}, 2, "", "none", None, id="nothing"),
        pytest.param(
            {"Order Completed": seen(0)},
            2,
            "",
            "none",
            None,
            id="zero-count-is-not-seen",
        ),
        pytest.param(
            {"Some Other Event": seen(3)},
            2,
            "",
            "none",
            None,
            id="event-not-in-policy",
        ),
    ],
)
def test_pql_kinds_by_precedence(policy_events, usage_count, kind, queue, first_reason):
    usage = dataclasses.replace(REPORTS, points_mode="per_occurrence", max_occurrences=10, points=5)
    result = score([usage], events={"reports": seen(usage_count)}, policy_events=policy_events)
    assert (result.pql_kind, result.queue) == (kind, queue)
    assert result.qualification == ("pql" if kind else "none")
    assert result.pql_level == ("user" if kind else "")
    if first_reason:
        assert result.reasons[0] == first_reason


def test_usage_pql_reason_names_the_threshold():
    big = dataclasses.replace(REPORTS, points=45)
    result = score([big], events={"reports": seen(5)})
    assert result.qualification_reason == "Product usage score 45 meets the PQL threshold of 40"
    assert result.reasons == ("Ran 5 reports in the last 14 days",)


@pytest.mark.parametrize(
    ("users", "account", "last", "count", "expected"),
    [
        pytest.param(3, ACME, 1, 5, ("pql", "usage", "account"), id="three-users-this-week"),
        pytest.param(2, ACME, 1, 5, ("none", "", ""), id="two-users-too-few"),
        pytest.param(3, ACME, 8, 5, ("none", "", ""), id="lead-itself-not-active-this-week"),
        pytest.param(3, ACME, 1, 2, ("none", "", ""), id="lead-itself-below-threshold"),
        pytest.param(3, None, 1, 5, ("none", "", ""), id="no-account"),
    ],
)
def test_account_level_pql(users, account, last, count, expected):
    result = score(
        [REPORTS],
        account=account,
        events={"reports": seen(count, last=last)},
        account_active_users=users,
    )
    assert (result.qualification, result.pql_kind, result.pql_level) == expected
    if expected[0] == "pql":
        assert result.usage == 15  # below the user-level threshold of 40
        assert result.reasons[0] == "3 people at Acme met usage criteria in the last 7 days"
        assert result.qualification_reason == result.reasons[0]


@pytest.mark.parametrize(
    ("account_active", "last", "expected"),
    [
        # The aggregation pass's own test wins over the engine's approximation both ways.
        pytest.param(True, 10, "pql", id="pass-says-active-despite-older-signal"),
        pytest.param(False, 1, "none", id="pass-says-inactive-despite-fresh-signal"),
        pytest.param(None, 1, "pql", id="none-falls-back-to-signals"),
        pytest.param(None, 10, "none", id="none-falls-back-older-signal"),
    ],
)
def test_account_active_flag_from_the_aggregation_pass(account_active, last, expected):
    signals = lead_signals(events={"reports": seen(5, last=last)}, account_active_users=4)
    signals = dataclasses.replace(signals, account_active=account_active)
    result = score_lead([REPORTS], signals, POLICY, NOW)
    assert result.qualification == expected
    assert result.pql_level == ("account" if expected == "pql" else "")


def test_user_level_usage_beats_account_level():
    big = dataclasses.replace(REPORTS, points=40)
    result = score([big], events={"reports": seen(5)}, account_active_users=5)
    assert (result.pql_kind, result.pql_level) == ("usage", "user")


@pytest.mark.parametrize(
    ("criterion", "last", "expected"),
    [
        pytest.param(REPORTS, 6.9, True, id="usage-event-within-window"),
        pytest.param(REPORTS, 7.1, False, id="usage-event-too-old"),
        pytest.param(dataclasses.replace(REPORTS, kind="intent"), 1, False, id="intent-not-usage"),
        pytest.param(
            attribute_criterion("paid", "account.plan", "eq", "free", kind="usage"),
            1,
            False,
            id="attribute-usage-has-no-recency",
        ),
    ],
)
def test_meets_usage_criteria(criterion, last, expected):
    signals = lead_signals(events={criterion.key: seen(5, last=last)})
    assert meets_usage_criteria([criterion], signals, POLICY, NOW) is expected


BOTH = [FIT, DEMO, dataclasses.replace(REPORTS, points=45)]


@pytest.mark.parametrize(
    ("order", "qualification", "queue", "pql_kind", "also_mql"),
    [
        pytest.param("mql_first", "mql", "mql", "", False, id="mql-first"),
        pytest.param("pql_first", "pql", "pql", "usage", False, id="pql-first"),
        pytest.param("parallel", "pql", "pql", "usage", True, id="parallel"),
    ],
)
def test_outreach_order_when_both_mql_and_pql(order, qualification, queue, pql_kind, also_mql):
    policy = dataclasses.replace(POLICY, outreach_order=order)
    result = score(BOTH, policy, events={"demo": seen(1), "reports": seen(5)})
    assert (result.meets_mql, result.meets_pql) == (True, True)
    assert (result.qualification, result.queue, result.pql_kind, result.also_mql) == (
        qualification,
        queue,
        pql_kind,
        also_mql,
    )


@pytest.mark.parametrize("order", ["mql_first", "pql_first", "parallel"])
def test_only_mql_goes_to_the_mql_queue_whatever_the_order(order):
    policy = dataclasses.replace(POLICY, outreach_order=order)
    result = score(BOTH, policy, events={"demo": seen(1)})
    assert (result.qualification, result.queue, result.also_mql) == ("mql", "mql", False)


@pytest.mark.parametrize("order", ["mql_first", "pql_first", "parallel"])
def test_self_serve_purchase_goes_to_customer_success_whatever_the_order(order):
    policy = dataclasses.replace(POLICY, outreach_order=order)
    result = score(
        BOTH, policy, events={"demo": seen(1)}, policy_events={"Order Completed": seen(1)}
    )
    assert (result.qualification, result.pql_kind, result.queue) == ("pql", "self_serve", "cs")
    assert result.also_mql is (order == "parallel")


def test_hand_raise_is_the_first_reason_even_when_the_mql_queue_owns_the_lead():
    policy = dataclasses.replace(POLICY, outreach_order="mql_first")
    result = score(
        BOTH,
        policy,
        events={"demo": seen(1, last=3)},
        policy_events={"Contact Sales Requested": seen(1, last=0)},
    )
    assert (result.qualification, result.queue) == ("mql", "mql")
    assert result.reasons == (
        "Asked for sales in the product (Contact Sales Requested, today)",
        "Requested a demo 3 days ago",
        "Works in fintech",
    )
