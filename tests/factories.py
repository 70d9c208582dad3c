"""Small builders for database tests (factory_boy for models with many fields)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import factory

from qualification.models import Account, Criterion, Event, EventType, Lead, QualificationPolicy

_message_ids = itertools.count(1)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Company {n}")
    domain = factory.Sequence(lambda n: f"company{n}.test")
    industry = "software"
    employee_count = 120
    country = "DE"
    business_model = "b2b"
    plan = "trial"


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    account = factory.SubFactory(AccountFactory)
    email = factory.Sequence(lambda n: f"person{n}@company.test")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    title = "Head of Operations"


def criterion(**fields: Any) -> Criterion:
    """Create a valid criterion (validated like the admin would) with sensible defaults."""
    defaults: dict[str, Any] = {
        "key": f"c-{next(_message_ids)}",
        "name": "Criterion",
        "kind": "intent",
        "applies_to": "both",
        "signal_type": "event",
        "event_name": "Pricing Page Viewed",
        "measure": "count",
        "threshold": 1,
        "window_days": None,
        "points": 10,
        "points_mode": "once",
        "reason_template": "Did it {times} {window}",
        "owner_team": "marketing",
    }
    defaults.update(fields)
    if defaults["signal_type"] == "event" and defaults["event_name"]:
        known_event(defaults["event_name"])
    obj = Criterion(**defaults)
    obj.full_clean()
    obj.save()
    return obj


def known_event(name: str, source: str = "product") -> EventType:
    """Put an event name in the tracking plan (criteria may only count known events)."""
    return EventType.objects.get_or_create(name=name, defaults={"source": source})[0]


def events(
    lead: Lead, name: str, times: list[datetime], source: str = "marketing", **props
) -> None:
    Event.objects.bulk_create(
        [
            Event(
                lead=lead,
                account=lead.account,
                name=name,
                source=source,
                properties=dict(props),
                occurred_at=when,
                message_id=f"m-{next(_message_ids)}",
            )
            for when in times
        ]
    )


def days_ago(now: datetime, *days: float) -> list[datetime]:
    return [now - timedelta(days=d) for d in days]


def policy(**fields: Any) -> QualificationPolicy:
    values = {"name": "Test policy", "is_active": True}
    values.update(fields)
    for key in ("hand_raiser_events", "limit_events", "purchase_events"):
        for name in values.get(key, []):
            known_event(name)
    return QualificationPolicy.objects.create(**values)
