"""Writes the sales records of demo leads: stage transitions, feedback, claims and touches.

Shared by the load (journeys the generator knew) and the story pass after scoring (leads
only the engine found qualified), so both write the same rows the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from qualification.devdata.demo.seeds import FeedbackSeed, LeadSeed, TransitionSeed
from qualification.models import Criterion, Feedback, Lead, LeadActivity, StageTransition

ROW_BATCH = 500


@dataclass
class SalesRecords:
    """What to write for one lead (the seed says who claimed and touched it, and when)."""

    lead: Lead
    seed: LeadSeed
    transitions: Sequence[TransitionSeed]
    feedback: Sequence[FeedbackSeed]
    activities: bool = True  # its claim and first touch, when it has them


def _activities(lead: Lead, seed: LeadSeed, users: dict[str, User]) -> list[LeadActivity]:
    owner = users.get(seed.owner)
    rows = []
    if seed.claimed_at is not None:
        rows.append(LeadActivity(lead=lead, kind=LeadActivity.Kind.CLAIMED, actor=owner,
                                 occurred_at=seed.claimed_at))  # fmt: skip
    if seed.first_touched_at is not None:
        rows.append(LeadActivity(lead=lead, kind=LeadActivity.Kind.FIRST_TOUCH, actor=owner,
                                 occurred_at=seed.first_touched_at))  # fmt: skip
    return rows


def sales_records_write(
    items: Iterable[SalesRecords], users: dict[str, User], criteria: dict[str, Criterion]
) -> None:
    transitions: list[StageTransition] = []
    feedback: list[tuple[Feedback, datetime]] = []
    activities: list[LeadActivity] = []
    for item in items:
        lead = item.lead
        for t in item.transitions:
            transitions.append(
                StageTransition(lead=lead, from_stage=t.from_stage, to_stage=t.to_stage,
                                cause=t.cause, criterion=criteria.get(t.criterion_key),
                                actor=users.get(t.actor), reason=t.reason,
                                occurred_at=t.occurred_at)
            )  # fmt: skip
        for f in item.feedback:
            entry = Feedback(lead=lead, outcome=f.outcome, reason=f.reason, note=f.note,
                             author=users[f.author])  # fmt: skip
            entry.full_clean()  # rejected and lost need a reason of the right kind
            feedback.append((entry, f.created_at))
        if item.activities:
            activities += _activities(lead, item.seed, users)
    StageTransition.objects.bulk_create(transitions, batch_size=ROW_BATCH)
    LeadActivity.objects.bulk_create(activities, batch_size=ROW_BATCH)
    Feedback.objects.bulk_create([entry for entry, _at in feedback], batch_size=ROW_BATCH)
    # created_at is auto_now_add, so the real moment is set after the insert.
    for entry, at in feedback:
        entry.created_at = at
    Feedback.objects.bulk_update([e for e, _at in feedback], ["created_at"], batch_size=ROW_BATCH)
