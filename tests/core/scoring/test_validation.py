"""validate_criterion: each problem names its field (no database)."""

from __future__ import annotations

import pytest

from qualification.core.scoring import validate_criterion

EVENT = {
    "kind": "intent",
    "signal_type": "event",
    "event_name": "Pricing Viewed",
    "property_filter": {},
    "measure": "count",
    "threshold": 3,
    "window_days": 7,
    "attribute": "",
    "operator": "",
    "value": None,
    "points": 10,
    "points_mode": "once",
    "max_occurrences": None,
    "half_life_days": 14.0,
    "reason_template": "Viewed the pricing page {times} {window}",
}
ATTRIBUTE = {
    **EVENT,
    "kind": "fit",
    "signal_type": "attribute",
    "event_name": "",
    "attribute": "account.employee_count",
    "operator": "between",
    "value": [50, 500],
    "half_life_days": None,
    "reason_template": "Works at a {employees}-person company",
}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(EVENT, id="event"),
        pytest.param(ATTRIBUTE, id="attribute"),
        pytest.param({**EVENT, "window_days": None}, id="event-ever"),
        pytest.param(
            {**EVENT, "points_mode": "per_occurrence", "max_occurrences": 5}, id="per-occ-capped"
        ),
        pytest.param({**EVENT, "kind": "negative", "points": -5}, id="negative"),
        pytest.param({**ATTRIBUTE, "attribute": "account.traits.tech.crm"}, id="nested-trait"),
        pytest.param({**ATTRIBUTE, "operator": "is_set", "value": None}, id="is-set-no-value"),
        pytest.param({**EVENT, "applies_to": "pql"}, id="applies-to-given"),
        pytest.param(
            {**EVENT, "reason_template": "Literal {{braces}} are fine"}, id="escaped-braces"
        ),
    ],
)
def test_valid_definitions_have_no_errors(spec):
    assert validate_criterion(spec) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"window_days": -7}, "window_days", id="negative-window"),
        pytest.param({"window_days": 0}, "window_days", id="zero-window"),
        pytest.param(
            {"measure": "distinct_days", "window_days": None},
            "window_days",
            id="distinct-days-without-window",
        ),
        pytest.param(
            {"points_mode": "per_occurrence", "max_occurrences": None},
            "max_occurrences",
            id="per-occurrence-without-cap",
        ),
        pytest.param({"max_occurrences": 0}, "max_occurrences", id="zero-cap"),
        pytest.param({"threshold": 0}, "threshold", id="zero-threshold"),
        pytest.param({"measure": "sum"}, "measure", id="unknown-measure"),
        pytest.param({"points_mode": "double"}, "points_mode", id="unknown-points-mode"),
        pytest.param({"event_name": ""}, "event_name", id="no-event-name"),
        pytest.param({"property_filter": {"a": [1]}}, "property_filter", id="nested-filter"),
        pytest.param({"half_life_days": 0}, "half_life_days", id="zero-half-life"),
        pytest.param(
            {"reason_template": "Viewed {pages} pages"}, "reason_template", id="unknown-placeholder"
        ),
        pytest.param({"reason_template": "Viewed {} pages"}, "reason_template", id="empty-braces"),
        pytest.param({"reason_template": "Viewed {count"}, "reason_template", id="unbalanced"),
        pytest.param({"reason_template": "   "}, "reason_template", id="blank-template"),
        pytest.param({"kind": "negative", "points": 5}, "points", id="positive-points-on-negative"),
        pytest.param({"points": 0}, "points", id="zero-points-on-intent"),
        pytest.param({"points": 2.5}, "points", id="fractional-points"),
        pytest.param({"kind": "bonus"}, "kind", id="unknown-kind"),
        pytest.param({"signal_type": "webhook"}, "signal_type", id="unknown-signal-type"),
        pytest.param({"applies_to": "sales"}, "applies_to", id="unknown-scope"),
    ],
)
def test_event_criterion_errors_name_the_field(changes, field):
    errors = validate_criterion({**EVENT, **changes})
    assert field in errors
    assert all(isinstance(m, str) and m for m in errors[field])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"operator": "like"}, "operator", id="unknown-operator"),
        pytest.param({"operator": "in", "value": "DE"}, "value", id="in-needs-a-list"),
        pytest.param({"operator": "in", "value": []}, "value", id="in-empty-list"),
        pytest.param({"operator": "not_in", "value": {"DE": 1}}, "value", id="not-in-dict"),
        pytest.param({"operator": "between", "value": [50]}, "value", id="between-one-bound"),
        pytest.param({"operator": "between", "value": [500, 50]}, "value", id="between-reversed"),
        pytest.param({"operator": "between", "value": ["a", "b"]}, "value", id="between-text"),
        pytest.param({"operator": "gte", "value": "50"}, "value", id="gte-text"),
        pytest.param({"operator": "gte", "value": True}, "value", id="gte-bool"),
        pytest.param({"operator": "eq", "value": ["DE"]}, "value", id="eq-list"),
        pytest.param({"operator": "contains", "value": 5}, "value", id="contains-number"),
        pytest.param({"operator": "eq", "value": None}, "value", id="missing-value"),
        pytest.param({"attribute": "lead.password"}, "attribute", id="field-not-allowed"),
        pytest.param({"attribute": "user.email"}, "attribute", id="root-not-allowed"),
        pytest.param({"attribute": "account.traits."}, "attribute", id="empty-trait-key"),
        pytest.param({"half_life_days": 7}, "half_life_days", id="decay-on-attribute"),
    ],
)
def test_attribute_criterion_errors_name_the_field(changes, field):
    assert field in validate_criterion({**ATTRIBUTE, **changes})


def test_only_the_broken_fields_are_named():
    errors = validate_criterion({**EVENT, "window_days": -1, "reason_template": "{nope}"})
    assert set(errors) == {"window_days", "reason_template"}
