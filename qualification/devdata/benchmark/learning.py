"""The learning side of the benchmark: a timed recalibration over the sales layer's outcomes,
and the full rescore with and without the live likelihood model.

Snapshots. The sales layer writes feedback but no ``LeadSnapshot``; the live path takes one
at the first touch (``services.snapshots.lead_snapshot_take``): the criteria the stored
score shows fired, the placement, and the event windows up to that moment. This module
builds the same rows for every benchmark outcome in bulk (one grouped query joins the
events to a temporary table of per-lead cutoffs), because the per-lead rebuild of
``snapshots_backfill`` re-scores each lead as of its own instant (about 0.2 s a lead),
and that one-time catch-up is not what a weekly recalibration costs.

Likelihood overhead, without and with the live model, two ways: "nightly" (after a settling
rescore, so every score and likelihood is recomputed and next to nothing is written) and
"written" (the digests cleared first, so every lead is written, as after a new model or a
criteria change); the overheads are the ratios of the medians over rounds that alternate
without and with the model (``_rescores_alternated``), each timed rescore starting from a
vacuumed lead table and a checkpoint (``_settled_rescore``). The benchmark leaves the
database as it found it: its run is deleted, the previous live model (if any) restored, and
the leads rescored with it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from qualification.core.learning.inputs import EVENT_WINDOWS
from qualification.db.maintenance import checkpoint, table_vacuum_analyze
from qualification.devdata.benchmark.dataset import DOMAIN_SUFFIX
from qualification.devdata.benchmark.measure import peak_rss_mb, rescore_full, timed
from qualification.models import Event, Lead, LeadSnapshot, Recalibration
from qualification.models.learning import RecalibrationTrigger, SnapshotMoment
from qualification.selectors.aggregation import model_event_windows_read
from qualification.selectors.lead_inputs import stored_lead_inputs
from qualification.selectors.learning import (
    EventWindows,
    lead_input_rows_read,
    unsnapshotted_outcome_leads_read,
)
from qualification.selectors.learning_live import live_model_read
from qualification.selectors.rescoring import lead_ranges_read
from qualification.services.recalibration import recalibration_next, recalibration_run
from qualification.services.rescoring import DEFAULT_BATCH_SIZE

CHUNK = 5000
ROUNDS = 3  # alternated rescores without and with the model (``_rescores_alternated``)
_BEFORE = timedelta(microseconds=1)  # as the backfill: the touch's own events are after it
_TABLE = "bench_snapshot_cutoff"


def snapshots_from_history() -> int:
    """Replace the benchmark leads' snapshots with those the first touch would have taken."""
    LeadSnapshot.objects.filter(lead__account__domain__endswith=DOMAIN_SUFFIX).delete()
    pending = dict(unsnapshotted_outcome_leads_read())
    made = 0
    ids = sorted(pending)
    for start in range(0, len(ids), CHUNK):
        chunk = {pk: pending[pk] - _BEFORE for pk in ids[start : start + CHUNK]}
        windows = _windows_at(chunk)
        rows = lead_input_rows_read(list(chunk))
        snapshots = []
        for pk, cutoff in chunk.items():
            inputs = stored_lead_inputs(rows[pk], windows.get(pk, {}))
            snapshots.append(
                LeadSnapshot(
                    lead_id=pk,
                    moment=SnapshotMoment.FIRST_TOUCH,
                    taken_at=cutoff,
                    inputs=inputs.to_json(),
                )
            )
        with transaction.atomic():
            made += len(LeadSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True))
    return made


def _windows_at(cutoffs: dict[int, datetime]) -> dict[int, EventWindows]:
    """Per lead, event name -> counts in the learning windows ending at its own cutoff.

    The set-based form of ``selectors.learning.event_windows_read`` for many cutoffs: the
    window starts go into a temporary table, joined to the events in one ``GROUP BY``.
    """
    adapt = connection.ops.adapt_datetimefield_value
    starts = [f"w{days}" for days in EVENT_WINDOWS]
    longest = f"w{max(EVENT_WINDOWS)}"
    kind = "timestamp with time zone" if connection.vendor == "postgresql" else "text"
    events = Event._meta.db_table
    counts = ", ".join(f"SUM(CASE WHEN e.occurred_at >= c.{w} THEN 1 ELSE 0 END)" for w in starts)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        columns = ", ".join(f"{w} {kind}" for w in starts)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TABLE} "
            f"(lead_id bigint PRIMARY KEY, cutoff {kind}, {columns})"
        )
        cursor.executemany(
            f"INSERT INTO {_TABLE} VALUES (%s, %s, {', '.join('%s' for _ in starts)})",
            [
                (pk, adapt(cut), *(adapt(cut - timedelta(days=d)) for d in EVENT_WINDOWS))
                for pk, cut in cutoffs.items()
            ],
        )
        cursor.execute(
            f"SELECT e.lead_id, e.name, {counts} FROM {events} e "
            f"JOIN {_TABLE} c ON c.lead_id = e.lead_id "
            f"WHERE e.occurred_at >= c.{longest} AND e.occurred_at <= c.cutoff "
            "GROUP BY e.lead_id, e.name"
        )
        found: dict[int, EventWindows] = {}
        for lead_id, name, *numbers in cursor.fetchall():
            found.setdefault(lead_id, {})[name] = tuple(int(n) for n in numbers)  # type: ignore[assignment]
        cursor.execute(f"DROP TABLE {_TABLE}")
    return found


def _rescore_every_lead_written(checkpointed: list[bool]) -> float:
    """A full rescore that writes every lead (as after a criteria change or a new model):
    the digests are cleared first (not timed), so no score is skipped as unchanged."""
    Lead.objects.update(score_digest="")
    return _settled_rescore(checkpointed)


def _settled_rescore(checkpointed: list[bool]) -> float:
    """A timed full rescore that starts where every other one does: the lead table vacuumed
    and the dirty pages written (neither timed).

    Why: each written rescore leaves a full table of dead rows and dirty pages behind. Left
    alone, whichever run came next paid for them (autovacuum landing in it, the background
    writer flushing under it), and runs of the same kind moved by 15-40% from one to the
    next, more than the 10% being measured. Whether the checkpoint ran is appended to
    ``checkpointed`` (a role without ``pg_checkpoint`` times without it).
    """
    table_vacuum_analyze(Lead)
    checkpointed.append(checkpoint())
    return rescore_full()[0]


def learning_figures(sql_aggregate_s: float | None = None) -> dict[str, Any]:
    """Recalibrate over the benchmark's outcomes and time the rescore with its model.

    With ``sql_aggregate_s`` (the bare aggregation pass of the same run), the rescores are
    also given as ratios to the bare SQL of their own reads: the pass alone without the
    model, the pass plus the model's window counts (``sql_windows_s``) with it.
    """
    snapshots_s, snapshots = timed(snapshots_from_history)
    previous = Recalibration.objects.filter(is_live=True).values_list("pk", flat=True).first()
    Recalibration.objects.filter(is_live=True).update(is_live=False)
    try:
        rescore_full()  # settle: every lead as scored without a model
        run, _ = recalibration_next(trigger=RecalibrationTrigger.COMMAND)
        total_s, run = timed(lambda: _in_process(recalibration_run, recalibration_id=run.pk))
        recalibrate_peak = peak_rss_mb()
        figures = run.figures or {}
        checkpointed: list[bool] = []
        times = _rescores_alternated(run, checkpointed) if run.is_live else {}
        windows_s = _windows_sql_seconds() if run.is_live else None
        nightly_without, nightly_with = _medians(times, "nightly")
        written_without, written_with = _medians(times, "written")
        out = {
            "learning_snapshots": snapshots,
            "learning_snapshots_s": round(snapshots_s, 2),
            # The run's own time (snapshots, reading, fitting, judging, storing), without
            # the rescore it sends when its model goes live.
            "recalibrate_s": round(float(figures.get("seconds") or total_s), 2),
            "recalibrate_status": run.status,
            "recalibrate_live": run.is_live,
            "recalibrate_error": run.error or None,
            "recalibrate_n_outcomes": run.n_outcomes,
            "recalibrate_features": len((run.model or {}).get("space", {}).get("columns", [])),
            "recalibrate_auc_likelihood": figures.get("auc_likelihood"),
            "recalibrate_model": figures.get("model"),
            "recalibrate_peak_rss_mb": recalibrate_peak,
            "rescore_nightly_no_model_s": _round(nightly_without),
            "rescore_nightly_likelihood_s": _round(nightly_with),
            "rescore_written_no_model_s": _round(written_without),
            "rescore_written_likelihood_s": _round(written_with),
            "likelihood_overhead_nightly": _overhead(nightly_with, nightly_without),
            "likelihood_overhead_written": _overhead(written_with, written_without),
            "sql_windows_s": _round(windows_s),
            **_ratios(times, sql_aggregate_s, windows_s),
            "likelihood_rounds": ROUNDS if times else 0,
            # Whether every timed rescore started from a checkpoint (``_settled_rescore``).
            "rescore_runs_checkpointed": bool(checkpointed) and all(checkpointed),
            "rescore_runs_s": {key: [round(t, 3) for t in runs] for key, runs in times.items()},
            "leads_with_likelihood": Lead.objects.exclude(likelihood=None).count(),
        }
        Recalibration.objects.filter(pk=run.pk).delete()
    finally:
        Recalibration.objects.filter(is_live=True).update(is_live=False)
        if previous is not None:
            Recalibration.objects.filter(pk=previous).update(is_live=True)
    rescore_full()  # leave every lead scored by the model live before the benchmark ran
    return out


def _rescores_alternated(run: Recalibration, checkpointed: list[bool]) -> dict[str, list[float]]:
    """Full rescores without and with the run's model, alternated ``ROUNDS`` times so that
    a machine's drift (other work, caches) falls on both sides alike: each round writes
    every lead and then runs nightly, once without the model and once with it, the side
    that goes first swapping every round (A B, B A, A B: neither side always follows the
    other). Ends with the model live (every lead has a likelihood from it)."""
    sides = [(False, "no_model"), (True, "likelihood")]
    times: dict[str, list[float]] = {}
    live = True
    for round_ in range(ROUNDS):
        for live, side in sides if round_ % 2 == 0 else sides[::-1]:
            Recalibration.objects.filter(pk=run.pk).update(is_live=live)
            written = _rescore_every_lead_written(checkpointed)
            times.setdefault(f"written_{side}", []).append(written)
            times.setdefault(f"nightly_{side}", []).append(_settled_rescore(checkpointed))
    if not live:  # the last round ended without the model: rescore with it (not timed)
        Recalibration.objects.filter(pk=run.pk).update(is_live=True)
        rescore_full()
    return times


def _medians(times: dict[str, list[float]], kind: str) -> tuple[float | None, float | None]:
    """The median rescore of ``kind`` without and with the model (None where not run)."""
    runs = (times.get(f"{kind}_no_model"), times.get(f"{kind}_likelihood"))
    return tuple(statistics.median(each) if each else None for each in runs)  # type: ignore[return-value]


def _windows_sql_seconds() -> float:
    """The live model's window counts for every lead, as the rescore reads them: the same
    statement per id range of a rescore batch (the ranges listed first, not timed), one
    packed text per lead fetched. One statement over all leads would sort every lead's
    groups at once, which no rescore does."""
    live = live_model_read()
    names = tuple(sorted(live.model.event_names)) if live is not None else ()  # as the rescore
    ranges = list(lead_ranges_read(batch_size=DEFAULT_BATCH_SIZE))
    now = timezone.now()
    seconds, _ = timed(lambda: [model_event_windows_read(each, names, now) for each in ranges])
    return seconds


def _ratios(
    times: dict[str, list[float]], sql_s: float | None, windows_s: float | None
) -> dict[str, float | None]:
    """Each median rescore over the bare SQL of what it reads, and the overhead of those
    ratios (the issue's "full-rescore ratio" with and without the likelihood)."""
    if not times or not sql_s or windows_s is None:
        return {}
    out: dict[str, float | None] = {}
    for kind in ("nightly", "written"):
        without, with_model = _medians(times, kind)
        plain = without / sql_s if without else None
        likely = with_model / (sql_s + windows_s) if with_model else None
        out[f"rescore_ratio_{kind}_no_model"] = _round(plain)
        out[f"rescore_ratio_{kind}_likelihood"] = _round(likely)
        out[f"likelihood_ratio_overhead_{kind}"] = _overhead(likely, plain)
    return out


def _in_process(action: Callable[..., Any], **kwargs: Any) -> Any:
    """Run ``action`` with the tasks it sends run here, as in the embedded mode: with a
    broker, the live model's follow-up rescore would go to whatever worker is listening
    and run beside the rescores timed next."""
    conf = current_app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = True
    try:
        return action(**kwargs)
    finally:
        conf.task_always_eager = eager


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _overhead(with_model: float | None, without: float | None) -> float | None:
    """How much longer the rescore takes with the likelihood (0.05: 5% longer)."""
    return None if not with_model or not without else round(with_model / without - 1, 3)
