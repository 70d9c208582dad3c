"""Keeping every lead's stored SLA clock equal to what its policy and calendar say.

A clock is three moments on the lead (``sla_started_at``, ``sla_warn_at``, ``sla_due_at``),
computed by the pure core from the lead's queue, tier, qualification or claim time and its
policy's calendar. They are stored so that queues sort by the real deadline across
policies and the alert scan is an index range, not a clock per row. Whoever changes an
input recomputes: the rescore (queue, tier, qualification), claims and assignments (for
policies that start at assignment), first touch (the figures it stops at), and a policy,
calendar or holiday edit (every open clock, in chunks on Celery).

A clock stops at the first touch, or when the lead leaves the SDR queues untouched
(``sla_stopped_at``): it is then kept, not cleared, and judged at that moment, so a lead
that breached and was then disqualified, recycled or passed to sales still counts as a miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from qualification.core.sla import ClockTimes, SLASpec, business_minutes_between, clock_times
from qualification.core.vocabulary import SDR_QUEUES
from qualification.models import BusinessCalendar, Lead
from qualification.models.accounts import CLOCK_RUNNING
from qualification.selectors.sla import PolicyMap, sla_policies_read
from qualification.services.rescore_requests import enqueue_safely

CHUNK = 5_000
# The stored clock's columns (a ``StoredClock`` in this order); the rescore writes them too.
CLOCK_COLUMNS = ("sla_started_at", "sla_warn_at", "sla_due_at", "sla_stopped_at")
_INPUTS = ("id", "queue", "tier", "qualified_at", "claimed_at", *CLOCK_COLUMNS)


def clock_start(
    spec: SLASpec, *, qualified_at: datetime | None, claimed_at: datetime | None
) -> datetime | None:
    """When the clock starts: at qualification, or (per policy) once someone owns the lead.

    A lead that is assigned before it qualifies starts at qualification even under an
    assignment policy: nobody can be late for a lead that was not yet in a queue.
    """
    if qualified_at is None:
        return None
    if spec.starts_at == "assignment":
        return None if claimed_at is None else max(claimed_at, qualified_at)
    return qualified_at


def lead_clock(
    policies: PolicyMap,
    *,
    queue: str,
    tier: int,
    qualified_at: datetime | None,
    claimed_at: datetime | None,
) -> ClockTimes | None:
    """The clock a lead with these inputs has (None: no policy or not started)."""
    spec = policies.get((queue, tier))
    if spec is None:
        return None
    start = clock_start(spec, qualified_at=qualified_at, claimed_at=claimed_at)
    return None if start is None else clock_times(start, spec)


class StoredClock(NamedTuple):
    """A lead's stored clock: its columns, in ``CLOCK_COLUMNS`` order."""

    started_at: datetime | None = None
    warn_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None


NO_CLOCK = StoredClock()


def next_clock(
    policies: PolicyMap,
    stored: StoredClock,
    *,
    queue: str,
    tier: int,
    qualified_at: datetime | None,
    claimed_at: datetime | None,
    now: datetime,
) -> StoredClock:
    """The clock an untouched lead holds once its inputs are these.

    In an SDR queue the policy decides (a lead back in a queue runs a clock again). Out of
    the queues, a clock that ran stops now and is kept as it stood, and a stopped one stays
    as it is: both are history, like a touched lead's. A lead still in a queue whose
    policy went away (or starts at assignment and lost its owner) has no clock.
    """
    if queue not in SDR_QUEUES and stored.due_at is not None:
        return stored if stored.stopped_at is not None else stored._replace(stopped_at=now)
    clock = lead_clock(
        policies, queue=queue, tier=tier, qualified_at=qualified_at, claimed_at=claimed_at
    )
    return StoredClock(clock.started_at, clock.warn_at, clock.due_at) if clock else NO_CLOCK


@dataclass(frozen=True)
class TouchFigures:
    """What a first touch records: business minutes it took and whether it was in time."""

    business_minutes: int | None
    met: bool | None


def touch_figures(lead: Lead, touched_at: datetime, policies: PolicyMap) -> TouchFigures:
    """The first touch's SLA figures for a lead as stored (its clock must be current).

    A clock that stopped when the lead left the queues was judged then: a later touch
    records none (the dashboard reads the stop instead).
    """
    spec = policies.get((lead.queue, lead.tier))
    if (
        spec is None
        or lead.sla_started_at is None
        or lead.sla_due_at is None
        or lead.sla_stopped_at is not None
    ):
        return TouchFigures(None, None)
    minutes = business_minutes_between(lead.sla_started_at, touched_at, spec)
    return TouchFigures(minutes, touched_at < lead.sla_due_at)


def _changes(rows: list[dict], policies: PolicyMap, now: datetime) -> list[Lead]:
    changed = []
    for row in rows:
        stored = StoredClock(*(row[name] for name in CLOCK_COLUMNS))
        clock = next_clock(
            policies,
            stored,
            queue=row["queue"],
            tier=row["tier"],
            qualified_at=row["qualified_at"],
            claimed_at=row["claimed_at"],
            now=now,
        )
        if clock == stored:
            continue
        # A new deadline is a new clock: its warning and breach are alerted afresh (an
        # alert is per deadline, services.sla_alerts).
        changed.append(Lead(id=row["id"], **dict(zip(CLOCK_COLUMNS, clock, strict=True))))
    return changed


def _open_clocks() -> Q:
    """Leads whose clock may still run, start, stop or need clearing: running ones."""
    return CLOCK_RUNNING & (Q(qualified_at__isnull=False) | Q(sla_due_at__isnull=False))


def sla_clocks_refresh(
    *, lead_ids: Sequence[int] | None = None, policies: PolicyMap | None = None
) -> int:
    """Recompute the clocks of these leads (untouched ones); returns how many changed.

    Touched leads keep the clock they were touched against, and stopped ones the clock
    they left with: their figures are history.
    """
    if lead_ids is not None and not lead_ids:
        return 0
    policies = sla_policies_read() if policies is None else policies
    rows = Lead.objects.filter(_open_clocks())
    if lead_ids is not None:
        rows = rows.filter(pk__in=list(lead_ids))
    changed = _changes(list(rows.values(*_INPUTS)), policies, timezone.now())
    Lead.objects.bulk_update(changed, list(CLOCK_COLUMNS), batch_size=1000)
    return len(changed)


@dataclass(frozen=True)
class ChunkResult:
    changed: int
    next_after: int | None  # None: done


def sla_clocks_refresh_chunk(*, after_id: int = 0, size: int = CHUNK) -> ChunkResult:
    """One resumable chunk of the every-open-clock refresh (leads with id > ``after_id``)."""
    ids = list(
        Lead.objects.filter(_open_clocks(), pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return ChunkResult(0, None)
    with transaction.atomic():
        changed = sla_clocks_refresh(lead_ids=ids)
    return ChunkResult(changed, ids[-1] if len(ids) == size else None)


def sla_clocks_stale() -> bool:
    """Whether a calendar, a holiday or a policy changed since the open clocks followed it.

    Holiday edits bump their calendar's ``updated_at``. The periodic alert scan asks this
    every run, so a refresh request lost to a broker outage is only late, never lost.
    """
    return BusinessCalendar.objects.filter(
        Q(clocks_refreshed_at__isnull=True)
        | Q(clocks_refreshed_at__lt=F("updated_at"))
        | Q(policies__updated_at__gt=F("clocks_refreshed_at"))
    ).exists()


def sla_clocks_mark_refreshed(*, started: datetime) -> None:
    """Every calendar's clocks follow the rules as they were at ``started``.

    An edit made while the refresh ran is newer than ``started``, so it stays owed.
    ``update()`` leaves ``updated_at`` alone.
    """
    BusinessCalendar.objects.update(clocks_refreshed_at=started)


def sla_clocks_request_refresh() -> None:
    """After a policy, calendar or holiday change: recompute every open clock on Celery.

    Sent on commit, so the worker reads the saved rules. With the broker down the request
    is logged, and the alert scan sees the clocks are stale and asks again.
    """
    started = timezone.now().isoformat()
    transaction.on_commit(lambda: enqueue_safely("qualification.sla_clocks_refresh", 0, started))
