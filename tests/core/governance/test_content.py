"""The snapshot's field lists and how values read (no database)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from qualification.core.governance import (
    CRITERION_FIELDS,
    POLICY_FIELDS,
    display_value,
    field_label,
)
from qualification.core.scoring import CriterionSpec, PolicySpec


def test_the_criterion_fields_are_the_engine_fields_plus_the_bookkeeping_ones():
    engine = {f.name for f in dataclasses.fields(CriterionSpec)} - {"key", "id"}
    assert set(CRITERION_FIELDS) == engine | {"description", "owner_team", "is_active"}


def test_the_policy_fields_are_the_engine_policy():
    assert list(POLICY_FIELDS) == [f.name for f in dataclasses.fields(PolicySpec)]


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        pytest.param("window_days", None, "ever", id="no-window"),
        pytest.param("half_life_days", None, "no decay", id="no-decay"),
        pytest.param("property_filter", {}, "any", id="no-filter"),
        pytest.param("value", None, "none", id="none"),
        pytest.param("value", ["de", "at"], "“de”, “at”", id="list"),
        pytest.param("value", [], "none", id="empty-list"),
        pytest.param("value", True, "yes", id="bool"),
        pytest.param("value", 2.5, "2.5", id="float"),
        pytest.param("attribute", "", "empty", id="empty-string"),
        pytest.param("operator", "not_in", "is not one of", id="choice"),
        pytest.param("operator", "weird", "weird", id="unknown-choice"),
        pytest.param("outreach_order", "parallel", "Parallel", id="order"),
        pytest.param("is_active", False, "off", id="active"),
        pytest.param(
            "property_filter", {"plan": "pro", "seats": 3}, "plan = “pro”, seats = 3", id="dict"
        ),
    ],
)
def test_display_value(field: str, value: Any, text: str):
    assert display_value(field, value) == text


def test_field_labels():
    assert field_label("tier_hot") == "Hot tier at"
    assert field_label("max_occurrences") == "occurrence cap"
    assert field_label("new_thing") == "new thing"
