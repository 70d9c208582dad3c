"""The pure core stays pure and speaks the models' vocabulary (no database)."""

from __future__ import annotations

import pytest

from qualification.core import vocabulary
from qualification.core.scoring import types, validation
from qualification.models import choices


def values(choice_class) -> set:
    return {value for value, _label in choice_class.choices}


def constants(prefix: str) -> set:
    """The single values named ``<prefix>...`` (groups such as QUEUE_SCOPES are left out)."""
    found = {name: getattr(vocabulary, name) for name in dir(vocabulary) if name.startswith(prefix)}
    return {value for value in found.values() if isinstance(value, str | int)}


@pytest.mark.parametrize(
    ("choice_class", "pure"),
    [
        pytest.param(choices.CriterionKind, constants("KIND_"), id="kinds"),
        pytest.param(choices.Qualification, constants("QUALIFICATION_"), id="qualifications"),
        pytest.param(choices.PQLKind, constants("PQL_") - constants("PQL_LEVEL_"), id="pql-kinds"),
        pytest.param(choices.Queue, constants("QUEUE_"), id="queues"),
        pytest.param(choices.Tier, set(vocabulary.TIER_NAMES), id="tiers"),
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
    assert {v: label.lower() for v, label in choices.Tier.choices} == vocabulary.TIER_NAMES


def test_stages_match_the_lifecycle_choices_in_funnel_order():
    assert list(vocabulary.STAGES) == [value for value, _label in choices.LifecycleStage.choices]


def test_stage_groups_cover_every_stage_once():
    open_, closed = set(vocabulary.OPEN_STAGES), set(vocabulary.CLOSED_STAGES)
    assert open_ | closed == set(vocabulary.STAGES)
    assert not open_ & closed
    assert set(vocabulary.SDR_WORKABLE_STAGES) == open_ - {vocabulary.STAGE_NEW}
    assert set(vocabulary.SALES_STAGES) | set(vocabulary.EXIT_STAGES) == closed


def test_sdr_queues_are_stored_queues():
    assert set(vocabulary.SDR_QUEUES) < values(choices.Queue)
    assert all(set(q) <= set(vocabulary.SDR_QUEUES) for q in vocabulary.QUEUE_SCOPES.values())


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
