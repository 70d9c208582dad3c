"""Recalibration runs: asked for (schedule, command, ops button), run once, kept honest.

A run is a ``Recalibration`` row. ``recalibration_request`` returns the run already queued
or running instead of starting a second, and sends the task after the commit (a broker
outage leaves the queued row for the weekly schedule to pick up). ``recalibration_run``
claims the run under a row lock (queued -> running; a finished run is returned as is, so
a redelivered or retried task never runs it twice), rebuilds missing snapshots, reads one
training row per lead, fits, and stores the figures with progress on the row as it goes.

Refresh only when better: the new model goes live when its held-out AUC is at least the
live model's AUC on the *same* held-out outcomes (the live model scores them afresh);
otherwise the live model stays and ``kept_reason`` says why. Too few outcomes: the run is
done, its figures say so, nothing goes live. Any failure: the run is failed with the error
in plain words and the previous live model is untouched. A model that goes live triggers
a full rescore, so every lead's likelihood is recomputed with it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from qualification.core.learning import LikelihoodModel, TrainingRow, recalibrate
from qualification.core.learning.metrics import auc
from qualification.core.learning.model import SPLIT_MIN_ROWS, split_indices
from qualification.models import Recalibration
from qualification.models.learning import RecalibrationStatus, RecalibrationTrigger
from qualification.roles import Perm
from qualification.selectors.learning import (
    criteria_info_read,
    event_kinds_read,
    training_rows_read,
)
from qualification.services.learning_drafts import suggestions_auto_publish
from qualification.services.rescore_requests import enqueue_safely
from qualification.services.snapshots import snapshots_backfill

logger = logging.getLogger(__name__)

TASK_NAME = "qualification.recalibrate"
FULL_RESCORE_TASK = "qualification.rescore_all"
SEED = 0
# A run "running" for longer than this lost its worker (a 100,000-outcome run takes about a
# minute): it may be claimed again.
STALE_AFTER = timedelta(hours=1)
ACTIVE = (RecalibrationStatus.QUEUED, RecalibrationStatus.RUNNING)
# Where each stage's progress lands on the run's 0-100 bar.
BACKFILL_SHARE, FIT_FROM = 10, 10
_ADVISORY_KEY = 7_120_301  # serializes requests on PostgreSQL (one queued run at a time)


def recalibration_next(*, trigger: str, user=None) -> tuple[Recalibration, bool]:
    """The run queued or running now, or a new queued one: (run, created).

    Requests are serialized (an advisory lock on PostgreSQL, the database lock on
    SQLite), so two clicks or a click and the schedule never queue two runs.
    """
    if trigger not in RecalibrationTrigger.values:
        raise ValueError(f"Unknown recalibration trigger {trigger!r}.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        active = (
            Recalibration.objects.select_for_update()
            .filter(status__in=ACTIVE)
            .order_by("requested_at", "id")
            .first()
        )
        if active is not None:
            return active, False
        who = user if user is not None and user.is_authenticated else None
        return Recalibration.objects.create(trigger=trigger, requested_by=who), True


def recalibration_request(*, user, trigger: str) -> Recalibration:
    """Ask for a recalibration in the background; the run already asked for if there is one.

    The ops button (``trigger="button"``) needs ``Perm.RUN_RECALIBRATION``. The task is
    sent once the transaction commits, and a broker outage neither blocks nor fails the
    request: the queued run waits for the scheduled task.
    """
    if trigger == RecalibrationTrigger.BUTTON and (
        user is None or not user.has_perm(Perm.RUN_RECALIBRATION)
    ):
        raise PermissionDenied("Only ops can run a recalibration.")
    run, created = recalibration_next(trigger=trigger, user=user)
    if created:
        transaction.on_commit(lambda: enqueue_safely(TASK_NAME, run.pk))
    return run


def recalibration_run(
    *, recalibration_id: int, requeue_on_database_error: bool = False
) -> Recalibration:
    """Run this recalibration to the end (see the module docstring) and return its row.

    ``requeue_on_database_error`` (the task): a lost database connection puts the run
    back in the queue and re-raises, so the task's retry runs it; otherwise it fails.
    """
    run = _claim(recalibration_id)
    if run is None:
        return Recalibration.objects.get(pk=recalibration_id)
    try:
        _run(run)
    except OperationalError as exc:
        if not requeue_on_database_error:
            logger.exception("Recalibration %s failed", run.pk)
            _fail(run.pk, exc)
            return Recalibration.objects.get(pk=run.pk)
        logger.warning("Recalibration %s lost the database; requeued for a retry", run.pk)
        Recalibration.objects.filter(pk=run.pk, status=RecalibrationStatus.RUNNING).update(
            status=RecalibrationStatus.QUEUED, progress=0, progress_text="Waiting for a retry"
        )
        raise
    except Exception as exc:
        logger.exception("Recalibration %s failed", run.pk)
        _fail(run.pk, exc)
    return Recalibration.objects.get(pk=run.pk)


def _claim(recalibration_id: int) -> Recalibration | None:
    """queued -> running under a row lock; None when there is nothing to run."""
    with transaction.atomic():
        run = Recalibration.objects.select_for_update().get(pk=recalibration_id)
        now = timezone.now()
        if run.status in (RecalibrationStatus.DONE, RecalibrationStatus.FAILED):
            return None
        if run.status == RecalibrationStatus.RUNNING and (
            run.started_at is not None and run.started_at > now - STALE_AFTER
        ):
            return None
        run.status = RecalibrationStatus.RUNNING
        run.started_at = now
        run.progress, run.progress_text, run.error = 0, "Starting", ""
        run.save(update_fields=["status", "started_at", "progress", "progress_text", "error"])
        return run


def _progress(run_id: int, percent: int, text: str) -> None:
    """Store progress on the row at once (its own statement, committed outside a transaction)."""
    Recalibration.objects.filter(pk=run_id).update(
        progress=max(0, min(99, int(percent))), progress_text=text[:200]
    )


def _run(run: Recalibration) -> None:
    started = time.perf_counter()
    _progress(run.pk, 1, "Rebuilding snapshots of older outcomes")

    def backfilled(done: int, total: int) -> None:
        _progress(run.pk, 1 + (BACKFILL_SHARE - 1) * done // max(total, 1), "Rebuilding snapshots")

    snapshots_backfill(progress=backfilled)
    _progress(run.pk, FIT_FROM, "Reading outcomes")
    rows = training_rows_read()
    criteria = criteria_info_read()

    def fitting(percent: int, text: str) -> None:
        _progress(run.pk, FIT_FROM + (95 - FIT_FROM) * percent // 100, text)

    result = recalibrate(
        rows,
        criteria,
        seed=SEED,
        progress=fitting,
        clock=time.perf_counter,
        event_kinds=event_kinds_read(),
    )
    figures = dict(result.figures)
    _progress(run.pk, 96, "Comparing with the live model")
    with transaction.atomic():
        live = Recalibration.objects.select_for_update().filter(is_live=True).first()
        goes_live, kept_reason, comparison = _judge(result.model, figures, rows, live)
        figures["live_comparison"] = comparison
        figures["seconds"] = round(time.perf_counter() - started, 3)
        if goes_live and live is not None:
            Recalibration.objects.filter(pk=live.pk).update(is_live=False)
        Recalibration.objects.filter(pk=run.pk).update(
            status=RecalibrationStatus.DONE,
            finished_at=timezone.now(),
            progress=100,
            progress_text="Done",
            n_outcomes=len(rows),
            figures=figures,
            model=result.model.to_json() if result.model is not None else {},
            is_live=goes_live,
            kept_reason=kept_reason[:300],
        )
        if goes_live:
            transaction.on_commit(lambda: enqueue_safely(FULL_RESCORE_TASK))
    _auto_publish(run.pk)


def _auto_publish(run_id: int) -> None:
    """Publish what the ops bounds allow (``services.learning_drafts``) and note it on the
    run. A failure here is logged and noted; the run and its model stand."""
    try:
        outcome = suggestions_auto_publish(run_id)
    except Exception as exc:
        logger.exception("Auto-publish after recalibration %s failed", run_id)
        outcome = {"status": "failed", "reason": f"Auto-publish failed: {exc}"[:300]}
    figures = Recalibration.objects.values_list("figures", flat=True).get(pk=run_id) or {}
    Recalibration.objects.filter(pk=run_id).update(figures={**figures, "auto_publish": outcome})


def _judge(
    model: LikelihoodModel | None,
    figures: dict[str, Any],
    rows: list[TrainingRow],
    live: Recalibration | None,
) -> tuple[bool, str, dict[str, Any]]:
    """Whether the new model goes live, why not in words, and the figures compared."""
    comparison: dict[str, Any] = {"live_id": live.pk if live else None, "auc_live": None}
    if model is None:
        message = figures.get("message") or "Too few outcomes to fit a model."
        kept = "the live model stays" if live is not None else "no model is live yet"
        return False, f"{message} Nothing was published: {kept}.", comparison
    new_auc = figures.get("auc_likelihood")
    comparison["auc_new"] = new_auc
    if live is None:
        return True, "", comparison
    try:
        live_model = LikelihoodModel.from_json(live.model)
    except Exception as exc:  # a model stored by an older version that no longer loads
        logger.warning("Live model %s does not load (%s); the new one replaces it", live.pk, exc)
        return True, "", comparison
    test = held_out_index(rows)
    labels = np.array([rows[i].positive for i in test], dtype=int)
    live_auc = auc(labels, np.array(live_model.predict_many([rows[i].inputs for i in test])))
    comparison["auc_live"] = None if live_auc is None else round(live_auc, 4)
    if new_auc is None or live_auc is None:
        return (
            False,
            "The held-out outcomes cannot rank the models (one outcome only); "
            f"recalibration #{live.pk} stays live.",
            comparison,
        )
    if new_auc >= live_auc:
        return True, "", comparison
    return (
        False,
        f"Recalibration #{live.pk} stays live: on the same {len(test)} held-out outcomes it "
        f"ranks better (AUC {live_auc:.3f}) than the new model ({new_auc:.3f}).",
        comparison,
    )


def held_out_index(rows: list[TrainingRow]) -> np.ndarray:
    """The rows the new model's held-out figures come from (``core.learning.model``).

    A stratified split from ``SPLIT_MIN_ROWS`` outcomes on; below that the figures are out
    of fold over every row, so every row is held out once. The live model may have learned
    from some of them, which only favours keeping it: a refresh is never too eager.
    """
    labels = np.array([row.positive for row in rows], dtype=int)
    if len(labels) >= SPLIT_MIN_ROWS:
        return np.sort(split_indices(labels, SEED)[1])
    return np.arange(len(labels))


def _fail(run_id: int, exc: BaseException) -> None:
    text = " ".join(str(exc).split())[:400]
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    Recalibration.objects.filter(pk=run_id).update(
        status=RecalibrationStatus.FAILED,
        finished_at=timezone.now(),
        progress_text="Failed",
        error=(
            "The recalibration stopped before it finished; the live model was not changed. "
            f"({detail})"
        ),
    )
