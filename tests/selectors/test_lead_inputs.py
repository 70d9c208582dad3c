"""What the learner sees of a lead, built from fetched rows: one lead at a time (snapshots)
and a batch by column (the rescore's likelihood), held to the same feature matrix."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualification.core.learning.columns import EventCounts
from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.inputs import LeadInputs
from qualification.selectors.lead_inputs import (
    breakdown_fired,
    criteria_fired,
    fired_criteria,
    lead_columns_build,
    lead_inputs_build,
)

PLACEMENT = {"score": 5, "tier": 2, "qualification": "mql", "pql_kind": "", "queue": "mql"}


def test_inputs_keep_scalar_traits_and_leave_out_personal_fields():
    row = {
        "id": 1,
        "email": "ada@gmail.com",
        "first_name": "Ada",
        "title": "CTO",
        "source": "webinar",
        "traits": {"occupation": "Student", "seats": 3, "beta": True, "tags": ["a"]},
        "account_id": 7,
        "account__industry": "saas",
        "account__employee_count": 40,
        "account__country": "DE",
        "account__business_model": "b2b",
        "account__plan": "trial",
        "account__traits": {"stage": "series-a"},
    }
    inputs = lead_inputs_build(row, criteria={"k": 2}, events={"e": (1, 2, 3)}, **PLACEMENT)
    assert inputs.lead == {
        "source": "webinar",
        "title": "CTO",
        "email_domain": "gmail.com",
        "trait.occupation": "Student",
        "trait.seats": 3,
        "trait.beta": True,
    }
    assert inputs.account["employee_count"] == 40
    assert inputs.account["trait.stage"] == "series-a"
    assert "name" not in inputs.account
    no_account = lead_inputs_build({**row, "account_id": None}, criteria={}, events={}, **PLACEMENT)
    assert no_account.account == {}
    assert LeadInputs.from_json(inputs.to_json()) == inputs


def test_breakdown_fired_counts_events_and_attributes_once():
    breakdown = {
        "contributions": [
            {"key": "demo", "count": 3},
            {"key": "saas", "count": None},
            {"key": "demo", "count": 1},
        ],
        "disqualifiers": [{"key": "competitor"}],
    }
    assert breakdown_fired(breakdown) == {"demo": 3, "saas": 1, "competitor": 1}
    assert breakdown_fired(None) == {}


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["Student", "student ", "CTO", "", "  ", "12", "DE", "de"]),
    st.lists(st.sampled_from(["a", "b"]), max_size=2),
    st.dictionaries(st.just("k"), st.just("v"), max_size=1),
)
_TRAITS = st.one_of(
    st.none(),
    st.just(["not", "a", "mapping"]),
    st.dictionaries(st.sampled_from(["occupation", "seats", "beta", "plan"]), _VALUES),
)
_ROW_FIELDS = {
    "email": st.sampled_from(["ada@gmail.com", "bo@ACME.io", "", "no-at-sign", None]),
    "title": _VALUES,
    "source": _VALUES,
    "traits": _TRAITS,
    "account_id": st.sampled_from([None, 1]),
    "account__industry": _VALUES,
    "account__employee_count": _VALUES,
    "account__country": _VALUES,
    "account__business_model": _VALUES,
    "account__plan": _VALUES,
    "account__traits": _TRAITS,
}
_ROW = st.fixed_dictionaries(_ROW_FIELDS)
_ROW_KEYS = tuple(_ROW_FIELDS)
_ITEMS = st.lists(
    st.builds(
        SimpleNamespace,
        key=st.sampled_from(["demo", "pricing", "saas"]),
        count=st.one_of(st.none(), st.integers(-1, 9)),
    ),
    max_size=4,
)
_EVENTS = st.dictionaries(
    st.sampled_from(["Demo Requested", "Webinar Attended"]),
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
)


def _row(**values):
    return {**dict.fromkeys(_ROW_KEYS), **values}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(_ROW, _ITEMS, _EVENTS), min_size=1, max_size=12))
@example(
    [
        (_row(traits={"plan": "pro"}, account__traits={"size": 3}), [], {}),
        (_row(traits={"plan": ["pro", "team"]}, account__traits={"size": {"n": 1}}), [], {}),
        (_row(account_id=None, account__plan="pro", account__traits={"size": 3}), [], {}),
        (_row(account_id=1, account__plan="pro", source="ads"), [], {}),
    ]
)
def test_a_batch_by_column_makes_the_matrix_its_leads_make_one_by_one(leads):
    """The rescore's columnar path and the snapshot's per-lead path are one definition:
    whatever the rows hold (lists and dicts in traits, no account, odd e-mails, repeated
    criteria), a space fitted on the leads gives both the same matrix."""
    rows = [row for row, _, _ in leads]
    one_by_one = [
        lead_inputs_build(row, criteria=criteria_fired(items), events=events, **PLACEMENT)
        for row, items, events in leads
    ]
    space = FeatureSpace.fit(one_by_one, min_count=1)
    by_column = lead_columns_build(
        rows,
        criteria=fired_criteria(
            [
                SimpleNamespace(contributions=items[1:], disqualifiers=items[:1])
                for _, items, _ in leads
            ]
        ),
        # as the aggregation pass counts them: every name the model reads, in any order
        events=EventCounts.from_windows(
            [events for _, _, events in leads], sorted(space.event_names, reverse=True)
        ),
    )
    expected = space.transform(one_by_one)
    assert expected.shape == (len(leads), len(space))
    np.testing.assert_array_equal(space.transform_columns(by_column), expected)
