"""The pure core stays pure and speaks the models' vocabulary (no database)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from qualification.models import choices
from qualification.scoring import types, validation

SCORING_DIR = Path(validation.__file__).parent


@pytest.mark.parametrize(
    "module", sorted(p.name for p in SCORING_DIR.glob("*.py")), ids=lambda name: name
)
def test_scoring_modules_import_no_django_and_no_clock(module):
    tree = ast.parse((SCORING_DIR / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"django", "qualification", "leadhub", "time"}
    source = (SCORING_DIR / module).read_text()
    assert ".now(" not in source
    assert ".today(" not in source


def values(choice_class) -> set:
    return {value for value, _label in choice_class.choices}


def constants(prefix: str) -> set:
    return {getattr(types, name) for name in dir(types) if name.startswith(prefix)}


@pytest.mark.parametrize(
    ("choice_class", "pure"),
    [
        pytest.param(choices.CriterionKind, constants("KIND_"), id="kinds"),
        pytest.param(choices.Qualification, constants("QUALIFICATION_"), id="qualifications"),
        pytest.param(choices.PQLKind, constants("PQL_") - {"user", "account"}, id="pql-kinds"),
        pytest.param(choices.Queue, constants("QUEUE_"), id="queues"),
        pytest.param(choices.Tier, set(types.TIER_NAMES), id="tiers"),
        pytest.param(choices.Operator, set(validation.OPERATORS), id="operators"),
        pytest.param(choices.Measure, set(validation.MEASURES), id="measures"),
        pytest.param(choices.PointsMode, set(validation.POINTS_MODES), id="points-modes"),
        pytest.param(choices.SignalType, set(validation.SIGNAL_TYPES), id="signal-types"),
        pytest.param(choices.CriterionScope, set(validation.SCOPES), id="scopes"),
    ],
)
def test_pure_constants_match_the_model_choices(choice_class, pure):
    assert values(choice_class) == pure


def test_tier_names_match_the_labels():
    assert {v: label.lower() for v, label in choices.Tier.choices} == types.TIER_NAMES


def test_outreach_orders_match():
    assert values(choices.OutreachOrder) == constants("ORDER_")


def test_a_model_definition_builds_a_spec_with_every_field():
    from qualification.models import Criterion

    criterion = Criterion(
        key="pricing",
        name="Pricing page",
        kind="intent",
        applies_to="mql",
        signal_type="event",
        event_name="Pricing Viewed",
        property_filter=None,
        threshold=3,
        window_days=7,
        points=10,
        points_mode="per_occurrence",
        max_occurrences=4,
        half_life_days=14.0,
        reason_template="Viewed the pricing page {times} {window}",
    )
    data = {**criterion.definition(), "key": criterion.key, "name": criterion.name}
    spec = types.CriterionSpec.from_mapping({**data, "applies_to": criterion.applies_to, "pk": 9})
    assert {name: getattr(spec, name) for name in criterion.definition()} == {
        **criterion.definition(),
        "property_filter": {},
    }
    assert (spec.key, spec.applies_to, spec.id) == ("pricing", "mql", None)
