"""Criteria previews: what a draft would do to every lead, before anyone publishes it.

``preview_request`` only checks and records: the role, that the draft is one and passes
validation (the problems name criterion and field), then a queued ``CriteriaPreview`` row,
and a ``preview_run`` task sent once that commits. The request answers at once; the page
polls the row. With the broker away the row is marked failed in plain words so the page
offers to run it again, rather than showing a preview that never starts.

``preview_run_chunks`` is what the task (and ``criteria_preview``) runs. It scores every
current lead under the published and the draft rules with one read of signals
(``selectors.preview``), tallies the differences (``core.governance.PreviewTally``),
writes nothing to leads, and works through the leads in id chunks. A lead the draft
provably leaves alone (``selectors.preview.draft_result_reusable``) is scored once. After each chunk it
stores the tally, the cursor and the count in one UPDATE, so a worker that dies resumes
where the last chunk ended (every lead is scored at the run's fixed ``scored_at``, so the
resumed half agrees with the first). The leads with a sales outcome are scored in that
same pass; what the backtest needs of them (each side's total, tier and queue) is kept
with the tally between chunks, so the backtest reads and scores nothing again (a second
pass over 40,000 outcome leads was two fifths of a preview). A failure is stored on the
row as one plain line and not retried: the page offers "Run again", which is a new preview.

On PostgreSQL outside a transaction the chunks are fetched on the rescore's reader threads
(``rescoring.pipeline.prefetched``), so PostgreSQL aggregates the next chunk while this
thread scores; elsewhere they are fetched inline.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from qualification.core.governance import OutcomeLead, PreviewTally, backtest
from qualification.core.governance.backtest import Side
from qualification.core.scoring import LeadSignals, ScoreResult, score_lead
from qualification.models import CriteriaPreview, CriteriaVersion, PreviewStatus, VersionStatus
from qualification.selectors.aggregation import LeadRange
from qualification.selectors.preview import (
    PreviewInput,
    PreviewRules,
    draft_result_reusable,
    leads_after_count,
    outcome_leads_read,
    preview_activity_read,
    preview_batch_build,
    preview_batch_fetch,
    preview_rules_read,
)
from qualification.selectors.rescoring import lead_ranges_read
from qualification.selectors.signals import BatchRows
from qualification.services.rescore_requests import enqueue_safely
from qualification.services.rescoring.pipeline import prefetched, sparse_collections
from qualification.services.versions import (
    GovernanceError,
    NotAllowed,
    draft_check,
    published_version_ensure,
)

logger = logging.getLogger(__name__)

PREVIEW_PERM = "qualification.add_criteriapreview"
# Leads per chunk: per stored progress step, and per aggregation query.
PREVIEW_CHUNK = 5000
# Where the state kept between chunks holds the backtest's rows.
BACKTEST_KEY = "backtest_rows"
QUEUE_DOWN = "Could not reach the task queue; try again in a minute"


def preview_request(*, user: AbstractBaseUser | None, draft: CriteriaVersion) -> CriteriaPreview:
    """Record a queued preview of the draft and send its task once this commits."""
    preview_permission_check(user)
    preview = preview_create(draft=draft, requested_by=user)
    transaction.on_commit(lambda: _enqueue(preview))
    return preview


def preview_permission_check(user: AbstractBaseUser | None) -> None:
    if user is None or not user.has_perm(PREVIEW_PERM):
        raise NotAllowed("Your role does not allow you to preview criteria drafts.")


def preview_create(
    *, draft: CriteriaVersion, requested_by: AbstractBaseUser | None = None
) -> CriteriaPreview:
    """A queued preview row for a valid draft, against the published version (no task).

    Callers check the role first (``preview_request`` does; a command acting for the
    server's operator may not). The draft's status and content stamp are read afresh:
    edits bump the stamp with a set-based update, so an instance in hand may be stale.
    """
    fresh = CriteriaVersion.objects.filter(pk=draft.pk).values("status", "content_changed_at")
    row = fresh.first()
    if row is None:
        raise GovernanceError("This draft no longer exists.")
    if row["status"] != VersionStatus.DRAFT:
        label = VersionStatus(row["status"]).label.lower()
        raise GovernanceError(
            f"{draft.label} is {label}: only drafts are previewed. Make a draft from it to "
            "try a change."
        )
    draft_check(draft)
    return CriteriaPreview.objects.create(
        version_id=draft.pk,
        base=published_version_ensure(),
        requested_by=requested_by,
        status=PreviewStatus.QUEUED,
        content_stamp=row["content_changed_at"],
    )


def _enqueue(preview: CriteriaPreview) -> None:
    if enqueue_safely("qualification.preview_run", preview.pk):
        return
    CriteriaPreview.objects.filter(pk=preview.pk, status=PreviewStatus.QUEUED).update(
        status=PreviewStatus.FAILED, error=QUEUE_DOWN, finished_at=timezone.now()
    )
    preview.status, preview.error = PreviewStatus.FAILED, QUEUE_DOWN


def preview_run_chunks(
    preview_id: int, *, chunk: int = PREVIEW_CHUNK, max_chunks: int | None = None
) -> CriteriaPreview:
    """Run (or resume) a preview to the end; see the module docstring.

    ``max_chunks`` stops after that many chunks and leaves the preview running, to be
    resumed by another call (as after a crash). A finished preview is returned as is, so
    a redelivered task does nothing. A failure is stored, not raised; only a database
    that cannot even store it raises (the task retries a few times, then gives up).
    """
    preview = CriteriaPreview.objects.get(pk=preview_id)
    if preview.is_finished:
        return preview
    try:
        with sparse_collections():
            _run(preview, chunk=chunk, max_chunks=max_chunks)
    except Exception as exc:
        logger.exception("Preview %s failed", preview_id)
        CriteriaPreview.objects.filter(pk=preview_id).update(
            status=PreviewStatus.FAILED, error=_one_line(exc), finished_at=timezone.now()
        )
    return CriteriaPreview.objects.filter(pk=preview_id).first() or preview


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


def _run(preview: CriteriaPreview, *, chunk: int, max_chunks: int | None) -> None:
    rows = CriteriaPreview.objects.filter(pk=preview.pk)
    now = preview.scored_at or timezone.now()  # fixed once: a resumed run scores alike
    rows.update(
        status=PreviewStatus.RUNNING,
        started_at=preview.started_at or timezone.now(),
        scored_at=now,
        total=preview.done + leads_after_count(preview.cursor),
    )
    rules = preview_rules_read(preview.base_id, preview.version_id)
    if preview.state:
        tally = PreviewTally.from_state(preview.state)
    else:
        tally = PreviewTally(rules.changed_keys, rules.names, rules.aliases)
    activity = preview_activity_read(rules, now)
    # Outcomes as of this run's start (a resumed run reads them again for the leads it has
    # still to score); the rows kept so far come back with the tally.
    outcomes = {lead.id: lead.positive for lead in outcome_leads_read()}
    tested: list[list[Any]] = list((preview.state or {}).get(BACKTEST_KEY, []))
    ranges: Iterator[LeadRange] = lead_ranges_read(batch_size=chunk, after=preview.cursor)
    if max_chunks is not None:
        ranges = itertools.islice(ranges, max_chunks)

    def fetch(batch: LeadRange) -> BatchRows:  # on a reader thread: only the queries
        return preview_batch_fetch(batch, rules, now)

    cursor = preview.cursor
    for batch, fetched in _fetched_in_order(ranges, fetch):
        inputs = preview_batch_build(fetched, rules, now, activity)
        _tally(tally, inputs, rules, now, outcomes, tested)
        cursor = batch.last
        state = {**tally.state(), BACKTEST_KEY: tested}
        if not rows.update(state=state, cursor=cursor, done=tally.leads):
            return  # the draft (and its previews) was deleted meanwhile
    if max_chunks is not None and leads_after_count(cursor):
        return  # stopped on purpose; the next call resumes from the cursor
    rows.update(
        status=PreviewStatus.DONE,
        figures=tally.figures(),
        backtest=backtest(_backtest_rows(tested)),
        state={},
        done=tally.leads,
        total=tally.leads,
        finished_at=timezone.now(),
    )


def _tally(
    tally: PreviewTally,
    inputs: Iterable[PreviewInput],
    rules: PreviewRules,
    now: datetime,
    outcomes: dict[int, bool],
    tested: list[list[Any]],
) -> None:
    """Add each lead to the tally; keep what the backtest needs of the leads with outcomes:
    ``[id, positive, published total, tier, queue, draft total, tier, queue]``."""
    for lead, before, after in inputs:
        published, draft = _scored(rules, before, after, now)
        tally.add(lead, published, draft)
        positive = outcomes.get(lead.id)
        if positive is not None:
            sides = (published.total, published.tier, published.queue)
            tested.append([lead.id, positive, *sides, draft.total, draft.tier, draft.queue])


def _backtest_rows(tested: Iterable[list[Any]]) -> list[tuple[OutcomeLead, Side, Side]]:
    """The kept rows as ``core.governance.backtest`` reads them, in id order."""
    return [
        (OutcomeLead(row[0], row[1]), Side(*row[2:5]), Side(*row[5:8]))
        for row in sorted(tested, key=itemgetter(0))
    ]


def _scored(
    rules: PreviewRules, before: LeadSignals, after: LeadSignals, now: datetime
) -> tuple[ScoreResult, ScoreResult]:
    """A lead's result under the published rules and under the draft's (the same result
    when the draft provably changes nothing for the lead)."""
    published = score_lead(rules.published, before, rules.published_policy, now)
    if draft_result_reusable(rules, before, after):
        return published, published
    return published, score_lead(rules.draft, after, rules.draft_policy, now)


def _fetched_in_order(
    ranges: Iterator[LeadRange], fetch: Callable[[LeadRange], BatchRows]
) -> Iterator[tuple[LeadRange, BatchRows]]:
    """``(range, fetch(range))`` in id order, on reader threads where that is possible.

    The readers finish in any order; the cursor stored after a chunk must mean "every
    lead up to here is tallied", so a chunk that arrives early waits for the ones before.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for batch in ranges:  # reader threads would not see this transaction's rows
            yield batch, fetch(batch)
        return
    taken: deque[LeadRange] = deque()

    def in_order_taken() -> Iterator[LeadRange]:
        for batch in ranges:  # advanced under prefetched's lock: ``taken`` is in id order
            taken.append(batch)
            yield batch

    waiting: dict[LeadRange, BatchRows] = {}
    for batch, fetched in prefetched(in_order_taken(), fetch):
        waiting[batch] = fetched
        while taken and taken[0] in waiting:
            first = taken.popleft()
            yield first, waiting.pop(first)
