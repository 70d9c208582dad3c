"""Small builders for admin tests: valid rows of every model, with overridable fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from django.contrib.auth.models import User

from qualification.models import (
    Account,
    AnonymousId,
    Criterion,
    Event,
    EventType,
    Feedback,
    GlossaryTerm,
    IngestKey,
    Lead,
    LeadActivity,
    MessageTemplate,
    QualificationPolicy,
    SLAPolicy,
    StageTransition,
    UserProfile,
)
from qualification.services.ingest_keys import ingest_key_create

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
_seq = count(1)


def _n() -> int:
    return next(_seq)


def account(**fields: Any) -> Account:
    n = _n()
    defaults = {"name": f"Acme {n}", "domain": f"acme{n}.example", "country": "DE"}
    return Account.objects.create(**{**defaults, **fields})


def lead(**fields: Any) -> Lead:
    n = _n()
    defaults = {"email": f"person{n}@example.com", "first_name": "Pat", "last_name": f"Doe {n}"}
    return Lead.objects.create(**{**defaults, **fields})


def event(**fields: Any) -> Event:
    n = _n()
    defaults = {
        "name": "Pricing Page Viewed",
        "source": "marketing",
        "occurred_at": T0 - timedelta(minutes=n),
        "message_id": f"msg-{n}",
    }
    return Event.objects.create(**{**defaults, **fields})


def transition(**fields: Any) -> StageTransition:
    defaults = {"from_stage": "new", "to_stage": "mql", "cause": "criterion", "occurred_at": T0}
    return StageTransition.objects.create(**{**defaults, **fields})


def feedback(**fields: Any) -> Feedback:
    defaults = {"outcome": "rejected", "reason": "no_budget", "note": "Budget frozen."}
    return Feedback.objects.create(**{**defaults, **fields})


def term(**fields: Any) -> GlossaryTerm:
    n = _n()
    defaults = {
        "term": f"Term {n}",
        "slug": f"term-{n}",
        "definition": "What we mean by it.",
        "owner_team": "marketing",
    }
    return GlossaryTerm.objects.create(**{**defaults, **fields})


def criterion_fields(**overrides: Any) -> dict[str, Any]:
    """A valid event criterion's fields, as the model takes them."""
    n = _n()
    fields = {
        "key": f"pricing-views-{n}",
        "name": f"Pricing page views {n}",
        "kind": "intent",
        "applies_to": "both",
        "signal_type": "event",
        "event_name": "Pricing Page Viewed",
        "property_filter": {},
        "measure": "count",
        "threshold": 3,
        "window_days": 7,
        "points": 15,
        "points_mode": "once",
        "reason_template": "Viewed the pricing page {times} {window}",
        "owner_team": "marketing",
    }
    fields.update(overrides)
    return fields


def event_type(name: str = "Pricing Page Viewed", source: str = "marketing") -> EventType:
    """A name in the tracking plan; criteria may only count events it knows."""
    return EventType.objects.get_or_create(name=name, defaults={"source": source})[0]


def criterion(**fields: Any) -> Criterion:
    made = criterion_fields(**fields)
    if made["signal_type"] == "event":
        event_type(made["event_name"])
    return Criterion.objects.create(**made)


def policy(**fields: Any) -> QualificationPolicy:
    n = _n()
    return QualificationPolicy.objects.create(**{"name": f"Policy {n}", **fields})


def sla(**fields: Any) -> SLAPolicy:
    defaults = {
        "queue": "pql",
        "tier": 4,
        "response_minutes": 60,
        "warning_minutes": 15,
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
    }
    return SLAPolicy.objects.create(**{**defaults, **fields})


def template(**fields: Any) -> MessageTemplate:
    n = _n()
    defaults = {
        "name": f"Template {n}",
        "trigger": "usage_limit",
        "subject": "About {product}",
        "body": "Hi {first_name}, saw you reached the {limit} limit.",
    }
    return MessageTemplate.objects.create(**{**defaults, **fields})


def ingest_key(**fields: Any) -> IngestKey:
    key, _raw = ingest_key_create(
        name=fields.get("name", f"Website {_n()}"), source=fields.get("source", "marketing")
    )
    return key


def user(**fields: Any) -> User:
    n = _n()
    made = User.objects.create_user(username=f"user{n}", email=f"user{n}@example.com", **fields)
    UserProfile.objects.create(user=made, team="sales")
    return made


def populate(rows: int) -> dict[str, list[Any]]:
    """``rows`` rows of every model, each with its foreign keys filled (to expose N+1 queries)."""
    made: dict[str, list[Any]] = {name: [] for name in ("account", "lead", "term", "criterion")}
    for _ in range(rows):
        owner = user()
        acc = account()
        person = lead(account=acc, owner=owner)
        gloss = term()
        crit = criterion(glossary_term=gloss)
        AnonymousId.objects.create(anonymous_id=f"anon-{_n()}", lead=person)
        event(lead=person, account=acc)
        transition(lead=person, criterion=crit, actor=owner)
        feedback(lead=person, author=owner)
        LeadActivity.objects.create(lead=person, kind="claimed", actor=owner, occurred_at=T0)
        policy(is_active=False)
        template()
        ingest_key()
        event_type(f"Feature Used {_n()}", "product")
        made["account"].append(acc)
        made["lead"].append(person)
        made["term"].append(gloss)
        made["criterion"].append(crit)
    # One SLA policy per queue and tier: add those still missing, up to ``rows``.
    taken = set(SLAPolicy.objects.values_list("queue", "tier"))
    free = [(q, t) for q in ("mql", "pql") for t in (4, 3, 2, 1) if (q, t) not in taken]
    for queue, tier in free[:rows]:
        sla(queue=queue, tier=tier)
    return made
