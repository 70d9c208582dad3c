"""The fast engine agrees with the reference scorer on generated criteria and leads.

``score_lead`` with prepared criteria takes shortcuts (compiled matchers, precomputed
thresholds and templates, frozen results built without their constructor); the
reference (``reference.py``) applies the rules of ``conditions.py`` one by one. Hypothesis
generates the cases: event and attribute criteria of every kind, once and per occurrence,
thresholds from 0, windows, decay, caps, negative points and disqualifiers, against leads
with and without accounts and events. Bounded to a few hundred cases, a second or two.
A failure prints the smallest case hypothesis found.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualification.core.scoring import (
    CriterionSpec,
    EventSignal,
    LeadFacts,
    LeadSignals,
    PolicySpec,
    prepare_criteria,
    score_lead,
)
from tests.core.scoring.builders import (
    NOW,
    attribute_criterion,
    event_criterion,
    lead_signals,
    seen,
)
from tests.core.scoring.reference import engine_view, reference_score

POLICY = PolicySpec()
KINDS = ("fit", "intent", "usage", "negative", "disqualifier")

# Attribute paths and the values a criterion may expect there; the leads below draw
# from the same pools, so criteria both hold and fail.
INDUSTRIES = ("fintech", "SaaS", " saas ", "retail", "")
COUNTRIES = ("DE", "us", "FR", "BR")
EMPLOYEES = (5, 40, 800, "1,200", 9000, "many")
DOMAINS = ("acme.io", "gmail.com", "uni.edu")
STACKS = (("Snowflake", "dbt"), ("dbt",), ())
ATTRIBUTE_RULES = st.one_of(
    st.tuples(
        st.just("account.industry"),
        st.sampled_from(("eq", "contains")),
        st.sampled_from(INDUSTRIES[:4]),
    ),
    st.tuples(
        st.just("account.industry"),
        st.sampled_from(("in", "not_in")),
        st.lists(st.sampled_from(INDUSTRIES[:4]), max_size=3),
    ),
    st.tuples(
        st.just("account.country"),
        st.sampled_from(("in", "not_in")),
        st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3),
    ),
    st.tuples(
        st.just("account.employee_count"),
        st.sampled_from(("gte", "lte")),
        st.sampled_from((10, 50, "1,000", 5000)),
    ),
    st.tuples(
        st.just("account.employee_count"),
        st.just("between"),
        st.tuples(st.integers(0, 2000), st.integers(0, 10000)).map(list),
    ),
    st.tuples(
        st.just("lead.email_domain"),
        st.sampled_from(("in", "contains")),
        st.sampled_from((["gmail.com"], ".edu", ["ACME.io", "x.com"])),
    ),
    st.tuples(st.just("account.traits.stack"), st.just("in"), st.just(["dbt", "looker"])),
    st.tuples(
        st.sampled_from(("lead.title", "lead.traits.seats", "team.name")),
        st.just("is_set"),
        st.none(),
    ),
    st.tuples(st.just("lead.traits.seats"), st.just("gte"), st.integers(0, 20)),
)


# Mostly a few round values, so equally strong contributions (the sort's ties) are common.
POINTS = st.sampled_from((-5, 0, 5, 10, 20)) | st.integers(-10, 60)
NEGATIVE_POINTS = st.sampled_from((-5, -10)) | st.integers(-40, -1)
SCOPES = st.sampled_from(("both", "mql", "pql"))
MEASURES = st.sampled_from(("count", "distinct_days"))
THRESHOLDS = st.integers(0, 8)
WINDOWS = st.none() | st.integers(1, 90)
FILTERS = st.sampled_from(({}, {"page": "/pricing"}, {"feature": "reports", "plan": "pro"}))
MODES = st.sampled_from(("once", "per_occurrence"))
CAPS = st.none() | st.integers(0, 5)
HALF_LIVES = st.none() | st.floats(0.5, 60) | st.integers(1, 30)
AGES = st.none() | st.floats(0, 120)


@st.composite
def criterion(draw: st.DrawFn, key: str) -> CriterionSpec:
    kind = draw(st.sampled_from(KINDS))
    common = {
        "key": key,
        "name": key.capitalize(),
        "kind": kind,
        "points": 0
        if kind == "disqualifier"
        else draw(NEGATIVE_POINTS if kind == "negative" else POINTS),
        "applies_to": draw(SCOPES),
    }
    if draw(st.booleans()):
        attribute, operator, value = draw(ATTRIBUTE_RULES)
        return CriterionSpec(
            **common,
            signal_type="attribute",
            attribute=attribute,
            operator=operator,
            value=value,
            reason_template="{value} at {account} ({country}, {employees})",
        )
    return CriterionSpec(
        **common,
        signal_type="event",
        event_name=key.title(),
        measure=draw(MEASURES),
        threshold=draw(THRESHOLDS),
        window_days=draw(WINDOWS),
        property_filter=draw(FILTERS),
        points_mode=draw(MODES),
        max_occurrences=draw(CAPS),
        half_life_days=draw(HALF_LIVES),
        reason_template="Did it {times} {window} ({days} days), {last_seen} at {account}",
    )


@st.composite
def event_signal(draw: st.DrawFn) -> EventSignal:
    count = draw(st.integers(0, 12))
    last = draw(AGES)
    return EventSignal(
        count=count,
        distinct_days=draw(st.integers(0, count)),
        first_seen=None if last is None else NOW - timedelta(days=last + 3),
        last_seen=None if last is None else NOW - timedelta(days=last),
        decayed_sum=draw(st.none() | st.floats(0, count)) if count else None,
    )


ACCOUNTS = st.fixed_dictionaries(
    {
        "name": st.sampled_from(("Acme", "")),
        "domain": st.just("acme.io"),
        "industry": st.sampled_from((*INDUSTRIES, None)),
        "employee_count": st.sampled_from((*EMPLOYEES, None)),
        "country": st.sampled_from((*COUNTRIES, None)),
        "traits": st.fixed_dictionaries({"stack": st.sampled_from(STACKS).map(list)}),
    }
)
LEADS = st.fixed_dictionaries(
    {
        "email": st.sampled_from(DOMAINS).map(lambda domain: f"ada@{domain}"),
        "title": st.sampled_from(("CTO", "", None)),
        "traits": st.fixed_dictionaries({"seats": st.none() | st.integers(0, 30)}),
    }
)
SIGNALS = event_signal()
CRITERIA = [criterion(f"c{index}") for index in range(8)]


@st.composite
def case(draw: st.DrawFn) -> tuple[list[CriterionSpec], LeadSignals]:
    """Two to eight criteria; each event criterion has events for the lead, or none; one
    lead in four has no account."""
    size = draw(st.integers(2, len(CRITERIA)))
    criteria = [draw(strategy) for strategy in CRITERIA[:size]]
    events = {
        spec.key: draw(SIGNALS)
        for spec in criteria
        if spec.signal_type == "event" and draw(st.booleans())
    }
    signals = LeadSignals(
        facts=LeadFacts(
            lead=draw(LEADS), account=draw(ACCOUNTS) if draw(st.integers(0, 3)) else None
        ),
        events=events,
        account_active_users=draw(st.integers(0, 5)),
    )
    return criteria, signals


# Equally strong, opposite signs, and the kinds ordered the other way round: the sign
# decides (rare enough in generated cases to be worth always running).
OPPOSITE_SIGNS = (
    [
        attribute_criterion("c0", "account.industry", "is_set", points=-5),
        event_criterion("c1", points=5),
    ],
    lead_signals(events={"c1": seen(1)}),
)


@settings(
    max_examples=300,
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case())
@example(OPPOSITE_SIGNS)
def test_the_engine_scores_like_the_reference(generated):
    criteria, signals = generated
    result = score_lead(prepare_criteria(criteria), signals, POLICY, NOW)
    expected = reference_score(criteria, signals, NOW)
    assert engine_view(result) == expected
    assert result.disqualified is bool(expected.disqualifiers)
    if result.disqualified:
        assert (result.qualification, result.queue, result.tier) == ("none", "none", 1)
        assert result.reasons[: len(result.disqualification_reasons)] == (
            result.disqualification_reasons
        )
    # Plain specs are prepared on the call: the same result.
    assert score_lead(criteria, signals, POLICY, NOW) == result
