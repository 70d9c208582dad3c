"""Rescoring: aggregate signals per batch, run the pure engine, bulk-write the results.

Every queue, reason and report reads what this writes. A batch costs a fixed number of
queries (its leads' facts and stored state, the aggregation pass, account users, one bulk
update, one bulk insert of stage transitions) whatever the number of criteria or leads.

A full rescore (``pipeline=True``) runs on three kinds of thread, each database one with
its own connection: two readers fetch batches, this thread scores them, a writer stores
them. Measured on 2 cores, that keeps both busy; see the README's benchmark figures.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from queue import Queue
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from qualification.core.scoring import (
    CriterionSpec,
    PolicySpec,
    ScoreResult,
    next_stage,
    prepare_criteria,
    score_lead,
)
from qualification.core.vocabulary import SDR_QUEUES, SDR_WORKABLE_STAGES
from qualification.models import Lead, StageTransition
from qualification.models.choices import TransitionCause
from qualification.selectors.signals import (
    AccountActivity,
    BatchRows,
    LeadBatch,
    LeadRange,
    account_active_users_read,
    criteria_specs_read,
    lead_batch_build,
    lead_batch_fetch,
    policy_spec_read,
)
from qualification.services.lead_writes import (
    SCORE_COLUMNS,
    lead_marks_clear,
    lead_scores_write,
    transitions_write,
)

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000
TOP_REASONS = 4


@dataclass
class RescoreReport:
    """What a rescore did, for commands, tasks and the benchmark."""

    scored: int = 0
    written: int = 0  # scores that changed and were written
    failed: list[int] = field(default_factory=list)
    transitions: int = 0
    batches: int = 0

    def merge(self, other: RescoreReport) -> None:
        self.scored += other.scored
        self.written += other.written
        self.failed += other.failed
        self.transitions += other.transitions
        self.batches += other.batches

    def as_dict(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "written": self.written,
            "failed": self.failed,
            "transitions": self.transitions,
            "batches": self.batches,
        }


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reasons_summary(result: ScoreResult) -> list[dict[str, Any]]:
    """The strongest reasons a queue row shows: sentence, points, kind, glossary term."""
    if result.disqualified:
        items = [
            {"text": c.reason, "points": c.points, "kind": c.kind, "term": c.glossary_term}
            for c in result.disqualifiers
        ]
        return items[:TOP_REASONS]
    items = [
        {"text": c.reason, "points": c.points, "kind": c.kind, "term": c.glossary_term}
        for c in result.contributions
        if c.points != 0
    ]
    return items[:TOP_REASONS]


def _breakdown_json(result: ScoreResult) -> bytes:
    """The full itemized result as stored JSON (every field, nulls included).

    orjson writes the contribution and near-miss dataclasses (datetimes as ISO 8601)
    natively, in C: a full rescore serializes every lead's breakdown, and a hand-rolled
    conversion to dicts plus ``json.dumps`` was the largest Python cost in profiles.
    ``reasons`` is left out: the contributions carry the same sentences.
    """
    return orjson.dumps(
        {
            "fit": result.fit,
            "intent": result.intent,
            "usage": result.usage,
            "total": result.total,
            "tier": result.tier,
            "qualification": result.qualification,
            "pql_kind": result.pql_kind,
            "pql_level": result.pql_level,
            "queue": result.queue,
            "also_mql": result.also_mql,
            "meets_mql": result.meets_mql,
            "meets_pql": result.meets_pql,
            "qualification_reason": result.qualification_reason,
            "disqualified": result.disqualified,
            "contributions": result.contributions,
            "disqualifiers": result.disqualifiers,
            "disqualification_reasons": result.disqualification_reasons,
            "unknown_attributes": result.unknown_attributes,
            "near_misses": result.near_misses,
            "signed_up": result.signed_up,
            "strongest_signal_at": result.strongest_signal_at,
        },
        # A trait value orjson has no encoding for (none arrive from JSON today) is
        # stored as its text rather than failing the lead.
        default=str,
    )


def _qualified_at(state: dict[str, Any], result: ScoreResult, now: datetime) -> datetime | None:
    """When the lead (last) became qualified: kept while it stays qualified."""
    if result.qualification == "none":
        return None
    if state["qualification"] == "none" or state["qualified_at"] is None:
        return now
    return state["qualified_at"]


def _row(
    lead_id: int, result: ScoreResult, decided: dict[str, Any], breakdown: bytes, now: datetime
) -> dict[str, Any]:
    """The columns to store; JSON columns travel as text (``_json``), serialized once."""
    reasons = reasons_summary(result)
    disqualified = list(result.disqualification_reasons)
    return {
        "id": lead_id,
        "fit_score": result.fit,
        "intent_score": result.intent,
        "usage_score": result.usage,
        "total_score": result.total,
        "tier": result.tier,
        "qualification": result.qualification,
        "pql_kind": result.pql_kind if result.qualification == "pql" else "",
        "reasons": reasons,
        "disqualified_reasons": disqualified,
        "scored_at": now,
        "_json": {
            "breakdown": breakdown.decode(),
            "reasons": orjson.dumps(reasons).decode(),
            "disqualified_reasons": orjson.dumps(disqualified).decode(),
        },
        **decided,
    }


_HASH_PIECE = 2047


def _digest(breakdown: bytes, decided: dict[str, Any]) -> str:
    """A fingerprint of everything a rescore stores except when it ran.

    Nightly rescores mostly recompute what is already stored; comparing fingerprints
    lets them skip writing those rows (the largest cost of a full rescore). The stored
    breakdown holds every ScoreResult field the other columns derive from, so its JSON
    plus the stage, queue and times decided here cover the whole row.
    """
    # SHA-256 runs in hardware here, twice as fast as MD5 (and fits the 32 characters).
    # Fed in pieces under 2 KB: hashlib releases the GIL for larger ones, and winning it
    # back from the reader and writer threads cost more than the hashing (measured).
    digest = hashlib.sha256()
    view = memoryview(breakdown)
    for start in range(0, len(view), _HASH_PIECE):
        digest.update(view[start : start + _HASH_PIECE])
    digest.update(orjson.dumps(decided))
    return digest.hexdigest()[:32]


def _transition(
    lead_id: int,
    stage: str,
    result: ScoreResult,
    criteria_ids: dict[str, int | None],
    now: datetime,
) -> StageTransition | None:
    target = next_stage(stage, result)
    if target is None or target == stage:
        return None
    if result.disqualified and result.disqualifiers:
        cause = result.disqualifiers[0]
        reason = cause.reason
    else:
        cause = result.contributions[0] if result.contributions else None
        reason = result.qualification_reason or (cause.reason if cause else "Signed up")
    return StageTransition(
        lead_id=lead_id,
        from_stage=stage,
        to_stage=target,
        cause=TransitionCause.CRITERION,
        criterion_id=criteria_ids.get(cause.key) if cause else None,
        reason=reason[:300],
        occurred_at=now,
    )


def _write_batch(
    rows: list[dict[str, Any]],
    unchanged: list[int],
    transitions: list[StageTransition],
    started: datetime,
) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql" and (rows or transitions):
            # Scores are derived data: a crash right after this commit could lose it, and
            # the lead would keep its rescore mark and be scored again by the sweep. Not
            # waiting for the WAL flush on each batch's commit is safe for that.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        lead_scores_write(rows, started=started)
        lead_marks_clear(unchanged, started=started)
        transitions_write(transitions)


class _BatchWriter:
    """Writes scored batches, inline or on a second connection while the next batch scores.

    A full rescore alternates Python work (scoring) with database work (the bulk write);
    on PostgreSQL a writer thread with its own connection lets the two overlap on a
    2-core machine. The thread's connection sees only committed rows, so it is used only
    when the caller is not inside a transaction; otherwise writes stay inline.
    """

    def __init__(self, *, background: bool, writers: int = 1) -> None:
        self.background = background
        self.error: BaseException | None = None
        if background:
            self.queue: Queue = Queue(maxsize=2 * writers)
            self.threads = [
                threading.Thread(target=self._run, name=f"rescore-writer-{n}", daemon=True)
                for n in range(writers)
            ]
            for thread in self.threads:
                thread.start()

    def submit(self, *batch: Any) -> None:
        if not self.background:
            _write_batch(*batch)
            return
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        if self.background:
            for _thread in self.threads:
                self.queue.put(None)
            for thread in self.threads:
                thread.join()
            if self.error is not None:
                raise self.error

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        _write_batch(*batch)
                    except BaseException as exc:  # handed to the scoring thread
                        self.error = exc
        finally:
            connection.close()  # this thread's own connection


def _read_batch(
    batch: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    account_activity: AccountActivity | None,
) -> tuple[dict, dict]:
    """The batch's signals and the stored state its scores are compared with."""
    fetched = lead_batch_fetch(batch, criteria, policy, now)
    return lead_batch_build(fetched, criteria, policy, now, account_activity)


def _chunks_by_id(batch_size: int) -> Iterator[LeadRange]:
    """Every lead, in id ranges of ``batch_size`` leads, walking the primary key."""
    last_id = 0
    while True:
        chunk = list(
            Lead.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not chunk:
            return
        yield LeadRange(chunk[0], chunk[-1])
        last_id = chunk[-1]


# Reader threads of a full rescore, each with its own connection. Measured on 2 cores:
# with one reader the scoring thread waited for batches half the time while a core idled.
READERS = 2
WRITERS = 1


def _prefetching(
    batch_size: int,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    activity: AccountActivity,
    readers: int = READERS,
) -> Iterator[tuple[LeadRange, BatchRows]]:
    """Batches fetched on reader threads ahead of the scoring thread, in any order.

    The aggregation queries of the next batches run in PostgreSQL while Python scores
    this one; with two readers PostgreSQL also uses the core Python leaves idle.
    """
    ahead: Queue = Queue(maxsize=2 * readers + 1)
    stop = threading.Event()
    failure: list[BaseException] = []
    chunks = _chunks_by_id(batch_size)
    next_chunk = threading.Lock()

    def read_ahead() -> None:
        try:
            while not stop.is_set():
                with next_chunk:  # the id walk is shared; each reader takes the next range
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                # Only the queries here; the scoring thread builds the signals.
                ahead.put((chunk, lead_batch_fetch(chunk, criteria, policy, now)))
        except BaseException as exc:  # handed to the scoring thread
            failure.append(exc)
            stop.set()
        finally:
            connection.close()  # this thread's own connection
            ahead.put(None)

    threads = [
        threading.Thread(target=read_ahead, name=f"rescore-reader-{n}", daemon=True)
        for n in range(readers)
    ]
    for thread in threads:
        thread.start()
    running = readers
    try:
        while running:
            item = ahead.get()
            if item is None:
                running -= 1
            elif not stop.is_set():
                yield item
    finally:
        stop.set()  # the scoring side stopped early: let the readers wind down
        while running:
            if ahead.get() is None:
                running -= 1
        for thread in threads:
            thread.join()
    if failure:
        raise failure[0]


def _rescore_batch(
    lead_ids: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    started: datetime,
    account_activity: AccountActivity | None = None,
    writer: _BatchWriter | None = None,
    prefetched: BatchRows | None = None,
) -> RescoreReport:
    report = RescoreReport(batches=1)
    if prefetched is None:
        signals, states = _read_batch(lead_ids, criteria, policy, now, account_activity)
    else:
        signals, states = lead_batch_build(prefetched, criteria, policy, now, account_activity)
    criteria_ids = {spec.key: spec.id for spec in criteria}
    rows: list[dict[str, Any]] = []
    unchanged: list[int] = []
    transitions: list[StageTransition] = []
    for lead_id, lead_signals in signals.items():
        state = states.get(lead_id)
        if state is None:  # deleted meanwhile
            continue
        try:
            result = score_lead(criteria, lead_signals, policy, now)
            transition = _transition(lead_id, state["stage"], result, criteria_ids, now)
            stage = transition.to_stage if transition is not None else state["stage"]
            queue = result.queue
            if queue in SDR_QUEUES and stage not in SDR_WORKABLE_STAGES:
                # Sales owns the lead now (or it left the funnel): it stays scored, out of
                # the SDR queues. Customer success keeps self-serve buyers (customers).
                queue = "none"
            decided = {
                "stage": stage,
                "queue": queue,
                "qualified_at": _qualified_at(state, result, now),
                "last_signal_at": result.strongest_signal_at or state["last_signal_at"],
            }
            breakdown = _breakdown_json(result)
            digest = _digest(breakdown, decided)
            if digest == state["score_digest"]:
                unchanged.append(lead_id)
                continue
            row = _row(lead_id, result, decided, breakdown, now)
            row["score_digest"] = digest
        except Exception:  # one bad lead must not abort the batch
            logger.exception("Rescoring lead %s failed; it stays marked for rescoring", lead_id)
            report.failed.append(lead_id)
            continue
        if transition is not None:
            transitions.append(transition)
        rows.append(row)
    if writer is None:
        _write_batch(rows, unchanged, transitions, started)
    else:
        writer.submit(rows, unchanged, transitions, started)
    report.scored = len(rows) + len(unchanged)
    report.written = len(rows)
    report.transitions = len(transitions)
    return report


def lead_rescore(
    *, lead_ids: Iterable[int], now: datetime | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> RescoreReport:
    """Rescore the given leads in batches; failures are logged and reported, not raised."""
    started = timezone.now()
    now = now or started
    ids = sorted(set(lead_ids))
    criteria = prepare_criteria(criteria_specs_read())
    policy = policy_spec_read()
    report = RescoreReport()
    for chunk in _chunks(ids, batch_size):
        report.merge(_rescore_batch(chunk, criteria, policy, now, started))
    if report.failed:
        logger.warning(
            "Rescore finished with %d failed lead(s): %s", len(report.failed), report.failed[:20]
        )
    return report


def lead_rescore_all(
    *,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    pipeline: bool = False,
) -> RescoreReport:
    """Rescore every lead (windows and decay move with time), batch by batch by id.

    ``pipeline=True`` (the nightly task, the command, the benchmark) overlaps each
    batch's write with the next batch's scoring on PostgreSQL, outside a transaction.
    """
    started = timezone.now()
    now = now or started
    criteria = prepare_criteria(criteria_specs_read())
    policy = policy_spec_read()
    report = RescoreReport()
    # Every lead is scored at the same ``now``: read the account-level activity once.
    activity = account_active_users_read(None, criteria, policy, now)
    writer = _BatchWriter(
        background=pipeline
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block,
        writers=WRITERS,
    )
    try:
        if writer.background:
            for chunk, prefetched in _prefetching(batch_size, criteria, policy, now, activity):
                report.merge(
                    _rescore_batch(
                        chunk, criteria, policy, now, started, activity, writer, prefetched
                    )
                )
        else:
            for chunk in _chunks_by_id(batch_size):
                report.merge(
                    _rescore_batch(chunk, criteria, policy, now, started, activity, writer)
                )
    finally:
        writer.close()
    return report


def dirty_lead_ids_read(*, limit: int) -> list[int]:
    """Leads marked for rescoring, oldest mark first."""
    return list(
        Lead.objects.filter(needs_rescore=True)
        .order_by("rescore_requested_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


__all__ = [
    "SCORE_COLUMNS",
    "RescoreReport",
    "dirty_lead_ids_read",
    "lead_rescore",
    "lead_rescore_all",
    "lead_table_maintain",
    "reasons_summary",
]


def lead_table_maintain(*, report: RescoreReport, total_leads: int) -> bool:
    """VACUUM ANALYZE the lead table after a rescore that rewrote a large share of it.

    Rewriting most rows leaves dead tuples and a stale visibility map, which makes the
    queue pages' counts slow until autovacuum catches up; the nightly task and the
    rescore command run this right away instead. PostgreSQL only, outside transactions.
    """
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or total_leads == 0
        or report.written < max(1000, total_leads // 10)
    ):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Lead._meta.db_table)}")
    return True
