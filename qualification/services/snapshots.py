"""Keeping what a lead looked like when sales first acted on it (``LeadSnapshot``).

Learning must read the lead as it was *before* sales acted: events after the first touch
are the SDR's own work (a demo booked on the call) and would leak the answer. So the first
touch, or the first feedback when there was no touch, takes a snapshot once
(``lead_snapshot_take``); every later action leaves it alone.

Outcomes recorded before this existed (and the demo's or the benchmark's history) have no
snapshot; ``snapshots_backfill`` rebuilds one as of the same moment. How it rebuilds:

- event windows: the lead's events up to the cutoff only, counted by the same selector as
  a live snapshot;
- criteria fired, score, tier, qualification, queue: re-evaluated by the scoring engine as
  of the cutoff (``lead_batch_fetch(..., now=cutoff)`` ignores later events), with the
  *published* criteria, since the version in force back then is not kept per lead;
- attributes and traits: as stored now (their history is not kept).

Each lead is scored as of its own cutoff (leads that share a cutoff share the queries).
Grouping by day and scoring as of the day's earliest cutoff was cheaper, but it dropped
the very signal that brought the lead to sales: a demo asked for at 11:00 and answered at
16:00 vanished when a colleague's lead was touched at 09:00 that day, so the demo's
"asked for a demo" converted no better than the rest. The backfill is a one-time catch-up
(live snapshots are taken at the touch), so exactness wins over queries. Each group
commits on its own, so an interrupted backfill resumes with the leads still missing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from qualification.core.scoring import PolicySpec, PreparedCriteria, prepare_criteria, score_lead
from qualification.core.vocabulary import QUALIFICATION_PQL
from qualification.models import Lead, LeadSnapshot
from qualification.models.learning import SnapshotMoment
from qualification.selectors.lead_inputs import (
    criteria_fired,
    lead_inputs_build,
    stored_lead_inputs,
)
from qualification.selectors.learning import (
    event_windows_read,
    lead_input_rows_read,
    unsnapshotted_outcome_leads_read,
)
from qualification.selectors.scoring_specs import (
    criteria_specs_read,
    policy_spec_read,
    published_version_read,
)
from qualification.selectors.signals import lead_batch_build, lead_batch_fetch

logger = logging.getLogger(__name__)

BACKFILL_CHUNK = 2000
PROGRESS_EVERY = 100  # leads between progress reports
# Scored "as of" a microsecond before the cutoff: an event logged in the same
# instant as the touch is the touch's own doing.
_BEFORE = timedelta(microseconds=1)


def lead_snapshot_take(*, lead: Lead, moment: str, now: datetime) -> LeadSnapshot:
    """The lead's snapshot: taken now if it has none, else the one it has (idempotent).

    Inputs are as of ``now``: the criteria its stored score shows fired, its events in the
    learning windows up to ``now``, its attributes and traits, its stored placement. Two
    requests racing for the same lead both end with the one row: the loser's insert fails
    on the one-to-one constraint (inside a savepoint) and it reads the winner's.
    """
    if moment not in SnapshotMoment.values:
        raise ValueError(f"Unknown snapshot moment {moment!r}.")
    existing = LeadSnapshot.objects.filter(lead_id=lead.pk).first()
    if existing is not None:
        return existing
    row = lead_input_rows_read([lead.pk])[lead.pk]
    inputs = stored_lead_inputs(row, event_windows_read([lead.pk], now=now).get(lead.pk, {}))
    try:
        with transaction.atomic():
            return LeadSnapshot.objects.create(
                lead_id=lead.pk, moment=moment, taken_at=now, inputs=inputs.to_json()
            )
    except IntegrityError:
        return LeadSnapshot.objects.get(lead_id=lead.pk)


def snapshots_backfill(
    *,
    chunk_size: int = BACKFILL_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rebuild a snapshot for every lead with an outcome and none; returns how many were made.

    ``progress(done, total)`` is called after each committed chunk.
    """
    pending = unsnapshotted_outcome_leads_read()
    if not pending:
        return 0
    version = published_version_read()
    criteria = prepare_criteria(criteria_specs_read(version.pk) if version else [])
    policy = policy_spec_read(version.pk) if version else PolicySpec()
    by_cutoff: dict[datetime, list[int]] = defaultdict(list)
    for lead_id, cutoff in pending:
        by_cutoff[cutoff].append(lead_id)
    made = done = reported = 0
    for cutoff in sorted(by_cutoff):
        group = by_cutoff[cutoff]
        for start in range(0, len(group), chunk_size):
            chunk = group[start : start + chunk_size]
            made += _rebuild_chunk(chunk, cutoff - _BEFORE, criteria, policy)
            done += len(chunk)
            if progress is not None and (done - reported >= PROGRESS_EVERY or done == len(pending)):
                progress(done, len(pending))
                reported = done
    return made


def _rebuild_chunk(
    lead_ids: Sequence[int], now: datetime, criteria: PreparedCriteria, policy: PolicySpec
) -> int:
    """Score and snapshot these leads as of ``now``, in one transaction."""
    fetched = lead_batch_fetch(list(lead_ids), criteria, policy, now)
    built = lead_batch_build(fetched, criteria, policy, now)
    windows = event_windows_read(lead_ids, now=now)
    rows = {row["id"]: row for row in fetched.leads}
    snapshots = []
    for lead_id, signals in built.signals.items():
        try:
            result = score_lead(criteria, signals, policy, now)
        except Exception:  # one lead the engine cannot score must not stop the backfill
            logger.exception("Rebuilding the snapshot of lead %s failed; it is skipped", lead_id)
            continue
        inputs = lead_inputs_build(
            rows[lead_id],
            criteria=criteria_fired([*result.contributions, *result.disqualifiers]),
            events=windows.get(lead_id, {}),
            score=result.total,
            tier=result.tier,
            qualification=result.qualification,
            pql_kind=result.pql_kind if result.qualification == QUALIFICATION_PQL else "",
            queue=result.queue,
        )
        snapshots.append(
            LeadSnapshot(
                lead_id=lead_id,
                moment=SnapshotMoment.REBUILT,
                taken_at=now,
                inputs=inputs.to_json(),
            )
        )
    with transaction.atomic():
        # A snapshot taken meanwhile by a touch or feedback wins (it is the real moment).
        made = LeadSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
    return len(made)
