"""The demo catalog is coherent before it ever reaches a database.

Pure checks: every criterion passes the same validation the admin applies, every criterion
counts an event the generator emits, and the policy names events that exist in the demo.
"""

from __future__ import annotations

import pytest

from qualification.core.scoring.validation import validate_criterion
from qualification.devdata.demo import catalog, vocabulary
from qualification.devdata.demo.criteria import CRITERIA
from qualification.devdata.demo.glossary import TERMS
from qualification.models import MessageTemplate
from qualification.models.choices import CriterionKind, OutreachTrigger, Queue, Tier
from qualification.models.criteria import DEFINITION_FIELDS

EMITTED = vocabulary.MARKETING_EVENTS | vocabulary.PRODUCT_EVENTS


def _definition(spec: dict) -> dict:
    """What Criterion.definition() returns, with the model's defaults for unset fields."""
    defaults = {"measure": "count", "threshold": 1, "points_mode": "once", "property_filter": {}}
    return {name: spec.get(name, defaults.get(name)) for name in DEFINITION_FIELDS}


@pytest.mark.parametrize("spec", CRITERIA, ids=[c["key"] for c in CRITERIA])
def test_every_criterion_is_valid(spec):
    assert validate_criterion(_definition(spec)) == {}


def test_criteria_cover_every_kind_and_both_queues():
    assert len(CRITERIA) >= 20
    assert {c["kind"] for c in CRITERIA} == set(CriterionKind.values)
    scopes = {c["applies_to"] for c in CRITERIA}
    assert {"mql", "pql"} <= scopes
    assert len({c["key"] for c in CRITERIA}) == len(CRITERIA)


def test_event_criteria_count_events_the_generator_emits():
    named = {c["event_name"] for c in CRITERIA if c["signal_type"] == "event"}
    assert named <= EMITTED


def test_criteria_link_existing_glossary_terms():
    slugs = {t["slug"] for t in TERMS}
    assert {c["term"] for c in CRITERIA} <= slugs


def test_glossary_is_owned_by_marketing_product_and_sales():
    assert len(TERMS) >= 15
    assert {"marketing", "product", "sales"} <= {t["owner_team"] for t in TERMS}
    slugs = {t["slug"] for t in TERMS}
    wanted = {"mql", "pql", "sql", "icp", "activation", "active-user", "hand-raiser"}
    assert wanted | {"usage-limit", "recycled", "disqualified"} <= slugs
    assert len(slugs) == len(TERMS)
    assert all(t["definition"].strip() for t in TERMS)


def test_policy_names_events_the_generator_emits():
    for field in ("hand_raiser_events", "limit_events", "purchase_events"):
        assert catalog.POLICY[field]
        assert set(catalog.POLICY[field]) <= vocabulary.PRODUCT_EVENTS


def test_sla_policy_for_every_queue_and_tier_warns_before_due():
    policies = catalog.sla_policies()
    assert {(p["queue"], p["tier"]) for p in policies} == {
        (queue, tier) for queue in (Queue.MQL, Queue.PQL) for tier in Tier.values
    }
    assert all(0 < p["warning_minutes"] < p["response_minutes"] for p in policies)
    hot_pql = next(p for p in policies if p["queue"] == Queue.PQL and p["tier"] == Tier.HOT)
    assert (hot_pql["response_minutes"], hot_pql["warning_minutes"]) == (60, 15)


def test_a_template_for_every_trigger_using_only_known_placeholders():
    assert {t["trigger"] for t in catalog.MESSAGE_TEMPLATES} == set(OutreachTrigger.values)
    for spec in catalog.MESSAGE_TEMPLATES:
        MessageTemplate(**spec).clean()  # raises on an unknown placeholder
