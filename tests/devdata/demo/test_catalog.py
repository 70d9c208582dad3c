"""The demo catalog is coherent before it ever reaches a database.

Pure checks: every criterion passes the same validation the admin applies, every criterion
counts an event the generator emits, and the policy names events that exist in the demo.
"""

from __future__ import annotations

from datetime import date, timedelta

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
    assert all(1 <= p["warning_percent"] <= 99 for p in policies)
    hot_pql = next(p for p in policies if p["queue"] == Queue.PQL and p["tier"] == Tier.HOT)
    assert (hot_pql["response_minutes"], hot_pql["warning_percent"]) == (60, 75)
    # Hotter leads get shorter allowances, in both queues.
    for queue in (Queue.MQL, Queue.PQL):
        by_tier = {p["tier"]: p["response_minutes"] for p in policies if p["queue"] == queue}
        assert [by_tier[t] for t in sorted(by_tier)] == sorted(by_tier.values(), reverse=True)


def test_the_calendar_is_berlin_business_hours():
    assert catalog.CALENDAR["timezone"] == "Europe/Berlin"
    assert catalog.CALENDAR["workdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert (catalog.CALENDAR["day_start"], catalog.CALENDAR["day_end"]) == ("09:00", "17:00")


@pytest.mark.parametrize(
    ("year", "good_friday", "whit_monday"),
    [(2025, date(2025, 4, 18), date(2025, 6, 9)), (2026, date(2026, 4, 3), date(2026, 5, 25))],
)
def test_berlin_holidays_follow_easter(year, good_friday, whit_monday):
    days = dict(catalog.berlin_holidays(year))
    assert days[good_friday] == "Good Friday"
    assert days[whit_monday] == "Whit Monday"
    assert days[date(year, 12, 25)] == "Christmas Day"
    assert days[date(year, 1, 1)] == "New Year's Day"


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2026, 3, 9), date(2026, 4, 20)])
def test_a_company_day_off_falls_two_to_three_weeks_back(today):
    holidays = catalog.demo_holidays(today)
    off = [day for day, name in holidays if name == catalog.COMPANY_DAY_OFF]
    assert len(off) == 1
    assert off[0].weekday() == 4  # a Friday: a Thursday-evening lead waits until Monday
    assert timedelta(days=14) <= today - off[0] <= timedelta(days=27)
    assert len({day for day, _name in holidays}) == len(holidays)  # one name per day
    assert {date(today.year - 1, 12, 25), date(today.year + 1, 1, 1)} <= {d for d, _n in holidays}


def test_a_template_for_every_trigger_using_only_known_placeholders():
    assert {t["trigger"] for t in catalog.MESSAGE_TEMPLATES} == set(OutreachTrigger.values)
    for spec in catalog.MESSAGE_TEMPLATES:
        MessageTemplate(**spec).clean()  # raises on an unknown placeholder
