"""Outcome data in the database for the learning services' tests.

``outcome_leads`` stores the synthetic known-drivers set (``devdata.synthetic_outcomes``)
as leads with a snapshot and their feedback, in a few bulk inserts, so the services read
the same rows the pure tests fit. ``noise_leads`` stores leads whose outcome is a coin
flip (a model fitted on them ranks nothing).
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

from qualification.core.learning.inputs import LeadInputs
from qualification.devdata.synthetic_outcomes import synthetic_rows
from qualification.models import Feedback, Lead, LeadSnapshot
from qualification.models.choices import REJECTION_REASONS

WHEN = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
_batch = itertools.count(1)


def _store(items: list[tuple[LeadInputs, bool, str]], *, prefix: str, when: datetime) -> list[int]:
    batch = next(_batch)
    leads = Lead.objects.bulk_create(
        [
            Lead(
                email=f"{prefix}{batch}-{i}@outcomes.test",
                source=str(inputs.lead.get("source") or ""),
            )
            for i, (inputs, _, _) in enumerate(items)
        ]
    )
    LeadSnapshot.objects.bulk_create(
        [
            LeadSnapshot(lead=lead, moment="feedback", taken_at=when, inputs=inputs.to_json())
            for lead, (inputs, _, _) in zip(leads, items, strict=True)
        ]
    )
    feedback = []
    for lead, (_, positive, reason) in zip(leads, items, strict=True):
        if positive:
            feedback.append(Feedback(lead=lead, outcome="accepted"))
        else:
            reason = reason or "not_icp"
            outcome = "rejected" if reason in REJECTION_REASONS else "lost"
            feedback.append(Feedback(lead=lead, outcome=outcome, reason=reason))
    Feedback.objects.bulk_create(feedback)
    Feedback.objects.filter(lead__in=leads).update(created_at=when)
    return [lead.pk for lead in leads]


def outcome_leads(n: int, *, seed: int = 0, when: datetime = WHEN) -> list[int]:
    """``n`` synthetic known-drivers outcomes as leads with snapshots and feedback."""
    rows, _ = synthetic_rows(n, seed=seed)
    items = [(row.inputs, row.positive, row.reason) for row in rows]
    return _store(items, prefix=f"s{seed}-", when=when)


def noise_leads(n: int, *, seed: int = 0, when: datetime = WHEN) -> list[int]:
    """``n`` outcomes unrelated to their inputs (a trait and an event of random values)."""
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        inputs = LeadInputs(
            events={"webinar_attended": (rng.randint(0, 2),) * 3},
            lead={"source": rng.choice(("organic", "paid")), "trait.color": rng.choice("rgb")},
        )
        items.append((inputs, rng.random() < 0.5, ""))
    return _store(items, prefix=f"n{seed}-", when=when)


def synthetic_criteria_publish() -> None:
    """The synthetic set's criteria as published criteria (validated like the admin's)."""
    from qualification.devdata.synthetic_outcomes import CRITERIA
    from tests.factories import criterion

    for info in CRITERIA:
        fields = {
            "key": info.key,
            "name": info.name,
            "kind": info.kind,
            "points": info.points,
            "signal_type": info.signal_type,
            "owner_team": info.owner_team,
        }
        if info.signal_type == "event":
            fields.update(event_name=info.event_name, reason_template=f"{info.name} {{times}}")
        else:
            fields.update(
                attribute=info.attribute,
                operator=info.operator,
                value=info.value,
                reason_template=f"{info.name}: {{value}}",
            )
        criterion(**fields)
