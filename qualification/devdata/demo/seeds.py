"""The plain records the generator produces and the loader writes (no ORM, no clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qualification.devdata.demo.companies import AccountSeed
from qualification.models.choices import LifecycleStage


@dataclass
class EventSeed:
    message_id: str
    name: str
    source: str
    properties: dict[str, Any]
    occurred_at: datetime
    lead_key: int | None = None
    account_domain: str | None = None
    anonymous_id: str = ""


@dataclass
class LeadSeed:
    """A person we know by email, with the journey they followed and what it produced."""

    key: int
    email: str
    first_name: str
    last_name: str
    title: str
    traits: dict[str, Any]
    account: AccountSeed | None
    journey: str = ""
    source: str = ""
    user_id: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    events: list[EventSeed] = field(default_factory=list)
    # Written by the sales history: where the lead stands and who works it.
    stage: str = LifecycleStage.NEW
    owner: str = ""  # username
    claimed_at: datetime | None = None
    first_touched_at: datetime | None = None
    transitions: list[TransitionSeed] = field(default_factory=list)
    feedback: list[FeedbackSeed] = field(default_factory=list)

    @property
    def first_seen(self) -> datetime | None:
        return self.events[0].occurred_at if self.events else None

    @property
    def last_signal_at(self) -> datetime | None:
        return self.events[-1].occurred_at if self.events else None


@dataclass
class DemoData:
    now: datetime
    accounts: list[AccountSeed]
    leads: list[LeadSeed]
    anonymous_events: list[EventSeed]

    @property
    def event_count(self) -> int:
        return sum(len(lead.events) for lead in self.leads) + len(self.anonymous_events)


@dataclass
class TransitionSeed:
    from_stage: str
    to_stage: str
    cause: str
    occurred_at: datetime
    reason: str = ""
    criterion_key: str = ""
    actor: str = ""  # username


@dataclass
class FeedbackSeed:
    outcome: str
    reason: str
    note: str
    author: str  # username
    created_at: datetime
