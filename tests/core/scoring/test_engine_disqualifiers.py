"""score_lead: disqualifiers take a lead out of every queue, and say why (no database)."""

from __future__ import annotations

import pytest

from qualification.core.scoring import PolicySpec, score_lead
from tests.core.scoring.builders import (
    ACME,
    NOW,
    attribute_criterion,
    event_criterion,
    lead_signals,
    seen,
)

POLICY = PolicySpec(mql_threshold=60, mql_min_fit=10, purchase_events=("Order Completed",))

# Fit 20 + intent 50: an MQL whenever nothing disqualifies it.
FIT = attribute_criterion(
    "fintech", "account.industry", "eq", "FinTech", points=20, reason_template="Works in {industry}"
)
DEMO = event_criterion("demo", points=50, reason_template="Requested a demo {last_seen}")

DISQUALIFIERS = {
    "country": attribute_criterion(
        "not_served",
        "account.country",
        "not_in",
        ["DE", "FR", "GB", "US"],
        kind="disqualifier",
        points=0,
        reason_template="Based in {country}, which we do not serve",
    ),
    "size": attribute_criterion(
        "too_small",
        "account.employee_count",
        "lte",
        4,
        kind="disqualifier",
        points=0,
        reason_template="Works at a {employees}-person company (too small)",
    ),
    "competitor": attribute_criterion(
        "competitor",
        "account.domain",
        "in",
        ["rivalcrm.com", "otherhub.io"],
        kind="disqualifier",
        points=0,
        reason_template="Works at a competitor ({value})",
    ),
    "personal": attribute_criterion(
        "personal_email",
        "lead.email_domain",
        "in",
        ["gmail.com", "yahoo.com", "outlook.com"],
        kind="disqualifier",
        points=0,
        reason_template="Uses a personal email address ({value})",
    ),
    "student": attribute_criterion(
        "student",
        "lead.email_domain",
        "contains",
        ".edu",
        kind="disqualifier",
        points=0,
        reason_template="Uses a student email address ({value})",
    ),
    "b2c": attribute_criterion(
        "b2c",
        "account.business_model",
        "eq",
        "b2c",
        kind="disqualifier",
        points=0,
        reason_template="Sells to consumers (B2C)",
    ),
}


def score(criteria, **signal_fields):
    return score_lead(criteria, lead_signals(**signal_fields), POLICY, NOW)


def hot_mql_signals(**changes):
    return {"events": {"demo": seen(1)}, **changes}


@pytest.mark.parametrize(
    ("rule", "lead", "account", "reason"),
    [
        pytest.param(
            "country",
            None,
            {**ACME, "country": "BR"},
            "Based in Brazil, which we do not serve",
            id="country-not-served",
        ),
        pytest.param(
            "size",
            None,
            {**ACME, "employee_count": 3},
            "Works at a 3-person company (too small)",
            id="company-too-small",
        ),
        pytest.param(
            "competitor",
            None,
            {**ACME, "domain": "RivalCRM.com"},
            "Works at a competitor (RivalCRM.com)",
            id="competitor-domain",
        ),
        pytest.param(
            "personal",
            {"email": "ada@gmail.com"},
            ACME,
            "Uses a personal email address (gmail.com)",
            id="personal-email",
        ),
        pytest.param(
            "student",
            {"email": "ada@cs.stanford.edu"},
            ACME,
            "Uses a student email address (cs.stanford.edu)",
            id="student-email",
        ),
        pytest.param(
            "b2c",
            None,
            {**ACME, "business_model": "B2C"},
            "Sells to consumers (B2C)",
            id="b2c",
        ),
    ],
)
def test_each_disqualifier_disqualifies_with_its_reason(rule, lead, account, reason):
    criteria = [FIT, DEMO, DISQUALIFIERS[rule]]
    result = score(criteria, lead=lead, account=account, **hot_mql_signals())
    assert result.disqualified
    assert (result.qualification, result.queue, result.pql_kind) == ("none", "none", "")
    assert result.disqualification_reasons == (reason,)
    assert result.reasons[0] == reason
    assert result.qualification_reason == reason
    # The score is still computed (the breakdown shows what was lost), but the tier is cold.
    assert (result.total, result.tier) == (70, 1)
    assert result.meets_mql


@pytest.mark.parametrize("rule", ["country", "size", "competitor", "personal", "student", "b2c"])
def test_a_lead_inside_the_icp_is_not_disqualified(rule):
    result = score([FIT, DEMO, DISQUALIFIERS[rule]], **hot_mql_signals())
    assert not result.disqualified
    assert (result.qualification, result.queue) == ("mql", "mql")


def test_unknown_country_does_not_disqualify_but_is_reported():
    result = score(
        [FIT, DEMO, DISQUALIFIERS["country"]],
        account={**ACME, "country": ""},
        **hot_mql_signals(),
    )
    assert not result.disqualified
    assert result.unknown_attributes == ("account.country",)


def test_disqualifier_adds_no_points_and_an_event_disqualifier_works_too():
    spam = event_criterion(
        "marked_spam", kind="disqualifier", points=-100, reason_template="Marked as spam"
    )
    result = score([FIT, spam], events={"marked_spam": seen(1)})
    assert (result.fit, result.total) == (20, 20)
    assert [c.key for c in result.contributions] == ["fintech"]
    assert [d.key for d in result.disqualifiers] == ["marked_spam"]
    assert result.disqualification_reasons == ("Marked as spam",)


def test_disqualified_purchase_is_not_routed():
    result = score(
        [DISQUALIFIERS["b2c"]],
        account={**ACME, "business_model": "b2c"},
        policy_events={"Order Completed": seen(1)},
    )
    assert (result.qualification, result.queue, result.meets_pql) == ("none", "none", True)
