"""Reads for learning from sales feedback: leads' stored rows, event windows, training rows.

What the learner sees of one lead is defined once, in ``selectors.lead_inputs``; this
module reads what it is built from, and the outcomes with their snapshots.

Event windows end at ``now`` inclusive and start ``w`` days before it, as the scoring
pass counts them (``selectors.aggregation.event_aggregates``): one grouped query per
batch of leads, every event name the leads have, never a query per lead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.db.models import Count, Min, Q

from qualification.core.learning.inputs import (
    EVENT_WINDOWS,
    CriterionInfo,
    LeadInputs,
    TrainingRow,
)
from qualification.core.learning.outcomes import LABELLED_OUTCOMES, outcome_label
from qualification.core.vocabulary import KIND_INTENT, KIND_USAGE
from qualification.db.rows import dict_rows, tuple_rows
from qualification.models import (
    AutoPublishBounds,
    Criterion,
    Event,
    EventType,
    Feedback,
    Lead,
    LeadSnapshot,
    VersionStatus,
)
from qualification.models.choices import SignalSource
from qualification.selectors.signals import LEAD_FACT_COLUMNS

# The stored placement a snapshot keeps beside the inputs (for the figures, not features).
PLACEMENT_COLUMNS = ("total_score", "tier", "qualification", "pql_kind", "queue")
LEAD_INPUT_COLUMNS = (*LEAD_FACT_COLUMNS, *PLACEMENT_COLUMNS)

EventWindows = dict[str, tuple[int, int, int]]
# Up to this many leads are read by id; more read every snapshot (nearly every snapshot
# belongs to a lead with an outcome) rather than send a list of 100,000 ids.
_ID_LIST_MAX = 5000


def lead_input_rows_read(lead_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Facts and stored placement of these leads (one query), by id."""
    rows = dict_rows(
        Lead.objects.filter(pk__in=list(lead_ids)).values(*LEAD_INPUT_COLUMNS, "breakdown")
    )
    return {row["id"]: row for row in rows}


def event_windows_read(lead_ids: Sequence[int], *, now: datetime) -> dict[int, EventWindows]:
    """Per lead, every event name it had in the 90 days up to ``now`` -> (n7, n30, n90).

    One ``GROUP BY lead, name`` query over the (lead, name, occurred_at) index. Events
    after ``now`` are not counted: for a snapshot they are what sales did next.
    """
    ids = list(lead_ids)
    if not ids:
        return {}
    longest = max(EVENT_WINDOWS)
    windows = {
        f"n{days}": Count("id", filter=Q(occurred_at__gte=now - timedelta(days=days)))
        for days in EVENT_WINDOWS
        if days != longest
    }
    query = (
        Event.objects.filter(
            lead_id__in=ids,
            occurred_at__gte=now - timedelta(days=longest),
            occurred_at__lte=now,
        )
        .values("lead_id", "name")
        .annotate(**windows, **{f"n{longest}": Count("id")})
        .order_by()
    )
    names, rows = tuple_rows(query)
    at = {name: i for i, name in enumerate(names)}
    positions = [at[f"n{days}"] for days in EVENT_WINDOWS]
    counts: dict[int, EventWindows] = {}
    for row in rows:
        counts.setdefault(row[at["lead_id"]], {})[row[at["name"]]] = tuple(  # type: ignore[assignment]
            int(row[p]) for p in positions
        )
    return counts


def unsnapshotted_outcome_leads_read(*, limit: int | None = None) -> list[tuple[int, datetime]]:
    """Leads with a labelled outcome and no snapshot, with their cutoff: (id, cutoff).

    The cutoff is the moment sales first acted: the first touch, or the first feedback of
    any kind when that came earlier (or without a touch), the moment the live path
    snapshots at (``services.snapshots``). One ``GROUP BY`` over the feedback (hash joins
    with the leads and snapshots; an ``IN`` over the leads planned as nested loops on
    fresh tables), ordered by lead id.
    """
    rows = (
        Feedback.objects.filter(lead__snapshot__isnull=True)
        .values("lead_id")
        .annotate(
            first_feedback=Min("created_at"),
            touched=Min("lead__first_touched_at"),
            labelled=Count("id", filter=Q(outcome__in=LABELLED_OUTCOMES)),
        )
        .filter(labelled__gt=0)
        .values_list("lead_id", "touched", "first_feedback")
        .order_by("lead_id")
    )
    if limit is not None:
        rows = rows[:limit]
    out = []
    for pk, touched, first_feedback in rows:
        moments = [m for m in (touched, first_feedback) if m is not None]
        out.append((pk, min(moments)))
    return out


def training_rows_read(*, since: datetime | None = None) -> list[TrainingRow]:
    """One row per lead with a labelled outcome and a snapshot (two queries).

    The label is ``outcome_label`` over the lead's feedback, oldest first, so feedback
    submitted twice or written again by a retried task labels the lead once; the reason
    is the latest negative feedback's when the label is negative. ``recorded_at`` is the
    labelling feedback's time; ``since`` keeps the rows labelled at or after it (drift).
    Leads without a snapshot are left out: ``services.snapshots.snapshots_backfill``
    gives them one first.
    """
    feedback = tuple_rows(
        Feedback.objects.filter(outcome__in=LABELLED_OUTCOMES, lead__snapshot__isnull=False)
        .values("lead_id", "outcome", "reason", "created_at")
        .order_by("lead_id", "created_at", "id")
    )[1]
    labels: dict[int, tuple[bool, str, datetime]] = {}
    outcomes: list[str] = []
    current: int | None = None
    for index, (lead_id, outcome, reason, created_at) in enumerate(feedback):
        if lead_id != current:
            outcomes, current = [], lead_id
        outcomes.append(outcome)
        last_of_lead = index + 1 == len(feedback) or feedback[index + 1][0] != lead_id
        if not last_of_lead:
            continue
        label = outcome_label(outcomes)
        if label is None:
            continue
        # The labelling feedback: the latest one (every outcome read here is labelled).
        labels[lead_id] = (label, "" if label else reason, created_at)
    if since is not None:
        labels = {k: v for k, v in labels.items() if v[2] >= since}
    if not labels:
        return []
    query = LeadSnapshot.objects.values("lead_id", "inputs")
    if len(labels) <= _ID_LIST_MAX:  # a few (drift since a recent fit): by id
        query = query.filter(lead_id__in=list(labels))
    rows = []
    for lead_id, data in tuple_rows(query)[1]:
        if lead_id not in labels:
            continue
        positive, reason, recorded_at = labels[lead_id]
        inputs = LeadInputs.from_json(_json(data))
        rows.append(
            TrainingRow(
                lead_id=lead_id,
                inputs=inputs,
                positive=positive,
                reason=reason,
                recorded_at=recorded_at,
                source=str(inputs.lead.get("source") or ""),
            )
        )
    rows.sort(key=lambda row: row.lead_id)
    return rows


def _json(value: Any) -> Mapping[str, Any]:
    """A JSON column's value (the fast cursor may return text where the ORM decodes)."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value or {}


def criteria_info_read() -> list[CriterionInfo]:
    """The published version's criteria as the learner sees them (one query)."""
    rows = (
        Criterion.objects.filter(version__status=VersionStatus.PUBLISHED)
        .select_related("glossary_term")
        .order_by("key")
    )
    return [
        CriterionInfo(
            key=c.key,
            name=c.name,
            kind=c.kind,
            signal_type=c.signal_type,
            event_name=c.event_name,
            attribute=c.attribute,
            operator=c.operator,
            value=c.value,
            points=c.points,
            owner_team=c.owner_team,
            glossary_term=c.glossary_term.slug if c.glossary_term else "",
            is_active=c.is_active,
        )
        for c in rows
    ]


def event_kinds_read() -> dict[str, str]:
    """Event name -> the criterion kind a new criterion on it would be (tracking plan).

    Product events are usage, marketing events intent (what a new-criterion suggestion
    on that event proposes).
    """
    return {
        name: KIND_USAGE if source == SignalSource.PRODUCT else KIND_INTENT
        for name, source in EventType.objects.values_list("name", "source")
    }


def auto_publish_bounds_read() -> AutoPublishBounds:
    """The bounds ops set for auto-publishing points (defaults, off, when never set)."""
    return (
        AutoPublishBounds.objects.select_related("changed_by").order_by("pk").first()
        or AutoPublishBounds()
    )
