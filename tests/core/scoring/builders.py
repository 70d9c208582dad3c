"""Small builders for the scoring tests: criteria, signals and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from qualification.core.scoring import CriterionSpec, EventSignal, LeadFacts, LeadSignals

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def event_criterion(key: str = "pricing", **fields: Any) -> CriterionSpec:
    values: dict[str, Any] = {
        "name": key.replace("_", " ").capitalize(),
        "kind": "intent",
        "points": 10,
        "reason_template": f"Did {key} {{times}} {{window}}",
        "signal_type": "event",
        "event_name": key.replace("_", " ").title(),
        "threshold": 1,
        "window_days": 30,
    }
    values.update(fields)
    return CriterionSpec(key=key, **values)


def attribute_criterion(
    key: str, attribute: str, operator: str, value: Any = None, **fields: Any
) -> CriterionSpec:
    values: dict[str, Any] = {
        "name": key.replace("_", " ").capitalize(),
        "kind": "fit",
        "points": 10,
        "reason_template": f"{key}: {{value}}",
        "signal_type": "attribute",
        "attribute": attribute,
        "operator": operator,
        "value": value,
    }
    values.update(fields)
    return CriterionSpec(key=key, **values)


ACME = {
    "name": "Acme",
    "domain": "acme.io",
    "industry": "fintech",
    "employee_count": 40,
    "country": "DE",
    "business_model": "b2b",
    "plan": "free",
    "traits": {},
}


def lead_signals(
    *,
    lead: dict[str, Any] | None = None,
    account: dict[str, Any] | None = ACME,
    events: dict[str, EventSignal] | None = None,
    policy_events: dict[str, EventSignal] | None = None,
    account_active_users: int = 0,
    signed_up: bool = False,
) -> LeadSignals:
    return LeadSignals(
        facts=LeadFacts(
            lead=lead if lead is not None else {"email": "ada@acme.io", "title": "CTO"},
            account=account,
        ),
        events=events or {},
        policy_events=policy_events or {},
        account_active_users=account_active_users,
        signed_up=signed_up,
    )


def seen(count: int = 1, *, last: float = 1, days: int | None = None, decayed=None) -> EventSignal:
    """An event signal: ``count`` events, the last ``last`` days ago."""
    return EventSignal(
        count=count,
        distinct_days=count if days is None else days,
        first_seen=days_ago(last + count),
        last_seen=days_ago(last),
        decayed_sum=decayed,
    )
