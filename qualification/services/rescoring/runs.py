"""A full rescore in chunks of lead ids, each its own task, resumable after any crash.

The nightly rescore and the one applying a publication are planned as a ``RescoreRun``
with one ``RescoreChunk`` per ``LEADHUB_RESCORE_CHUNK_SIZE`` consecutive lead ids
(``rescore_run_plan``); ``services.rescore_requests.rescore_run_send`` sends the chunks as
a Celery group, so every running worker takes a share, with a chord callback that sums
the report (``rescore_run_finish``). Each chunk is acknowledged late: a worker killed
mid-chunk leaves it in Redis, redelivered after the broker's visibility timeout. A chunk
records when it is done, so a redelivered or re-sent chunk that already ran costs one
query. A run that shows no progress for twice the visibility timeout (its chunks or its
callback were lost: a broker outage, a flushed Redis, retries exhausted) is picked up by
the sweep (``rescore_runs_resume``), which re-sends only the chunks not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from qualification.models import RescoreChunk, RescoreKind, RescoreRun
from qualification.selectors.aggregation import LeadRange
from qualification.selectors.rescoring import lead_ranges_read
from qualification.selectors.scoring_specs import published_version_read
from qualification.services.rescoring.orchestration import (
    lead_rescore_all,
    lead_table_maintain,
    publication_finish_check,
)
from qualification.services.rescoring.report import RescoreReport


@dataclass(frozen=True)
class RunToSend:
    """A run and the chunks of it that still have to be sent (all of them when new)."""

    run_id: int
    chunk_ids: list[int]


def rescore_run_plan(
    *,
    kind: RescoreKind,
    version_id: int | None = None,
    task_id: str | None = None,
    chunk_size: int | None = None,
) -> RunToSend:
    """Store a full rescore's run and chunks (one commit); return what to send.

    ``task_id`` is the planning task's: its redelivery (the worker died after planning)
    finds the run it planned and sends what is not done, instead of planning a twin.
    """
    if task_id and (known := RescoreRun.objects.filter(task_id=task_id).first()):
        return RunToSend(known.pk, _pending_chunk_ids(known.pk))
    size = chunk_size or settings.LEADHUB_RESCORE_CHUNK_SIZE
    try:
        with transaction.atomic():
            run = RescoreRun.objects.create(
                kind=kind, version_id=version_id, task_id=task_id, touched_at=timezone.now()
            )
            chunks = RescoreChunk.objects.bulk_create(
                RescoreChunk(run=run, first_id=batch.first, last_id=batch.last)
                for batch in lead_ranges_read(batch_size=size)
            )
    except IntegrityError:  # the same task delivered twice at once: the other one planned it
        known = RescoreRun.objects.get(task_id=task_id)
        return RunToSend(known.pk, _pending_chunk_ids(known.pk))
    return RunToSend(run.pk, [chunk.pk for chunk in chunks])


def rescore_chunk_run(*, chunk_id: int) -> RescoreReport:
    """Rescore one chunk's leads and mark it done; a chunk already done is not run again.

    A publication's chunk whose version is no longer the published one is marked done
    without scoring: the newer publication's own run rescores every lead.
    """
    chunk = RescoreChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None:  # its run was deleted
        return RescoreReport()
    if chunk.done_at is not None:
        return _report_from(chunk.report)
    report = RescoreReport()
    if _still_wanted(chunk.run):
        report = lead_rescore_all(
            lead_range=LeadRange(chunk.first_id, chunk.last_id), pipeline=True
        )
    now = timezone.now()
    RescoreChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
        done_at=now, report=report.as_dict()
    )
    RescoreRun.objects.filter(pk=chunk.run_id).update(touched_at=now)
    return report


def rescore_run_finish(*, run_id: int) -> RescoreReport | None:
    """Once every chunk is done: store the run's summed report, vacuum, finish a publication.

    The chord callback calls it, and the sweep for a run whose callback was lost; None
    while chunks are left (a callback fired early by a chunk delivered twice waits for
    the sweep). Finishing twice stores the same report and vacuums once.
    """
    run = RescoreRun.objects.filter(pk=run_id).first()
    if run is None or RescoreChunk.objects.filter(run=run, done_at__isnull=True).exists():
        return None
    report = RescoreReport()
    for stored in RescoreChunk.objects.filter(run=run).values_list("report", flat=True):
        report.merge(_report_from(stored))
    now = timezone.now()
    finished = RescoreRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
        finished_at=now, touched_at=now, report=report.as_dict()
    )
    if finished:
        lead_table_maintain(report=report, total_leads=report.scored + len(report.failed))
    publication_finish_check()
    return report


def rescore_runs_resume(*, now: datetime | None = None) -> list[RunToSend]:
    """Runs quiet for too long: finish those whose chunks are all done, return the rest.

    Quiet means no chunk finished and nothing was sent for twice the broker's visibility
    timeout, so a chunk a dead worker held has had its redelivery first. A publication
    whose rescore task never reached a worker (no run at all) is planned here too.
    """
    now = now or timezone.now()
    quiet = now - stale_after()
    to_send: list[RunToSend] = []
    planned = _lost_publication_plan(quiet)
    if planned is not None:
        to_send.append(planned)
    for run_id in RescoreRun.objects.filter(
        finished_at__isnull=True, touched_at__lt=quiet
    ).values_list("pk", flat=True):
        pending = _pending_chunk_ids(run_id)
        if not pending:
            rescore_run_finish(run_id=run_id)
            continue
        RescoreRun.objects.filter(pk=run_id).update(touched_at=now)
        to_send.append(RunToSend(run_id, pending))
    return to_send


def rescore_run_state(run_id: int) -> dict:
    """A run as its tasks report it: id, finished or not, and the summed report once done."""
    run = RescoreRun.objects.get(pk=run_id)
    return {"run": run.pk, "finished": run.finished_at is not None, **run.report}


def stale_after() -> timedelta:
    """How long a run may show no progress before the sweep re-sends its chunks."""
    return timedelta(seconds=2 * settings.LEADHUB_CELERY_VISIBILITY_TIMEOUT)


def _lost_publication_plan(quiet: datetime) -> RunToSend | None:
    """Plan the rescore of a publication published a while ago that has no run."""
    version = published_version_read()
    if (
        version is None
        or version.rescore_finished_at is not None
        or version.published_at is None
        or version.published_at >= quiet
        or RescoreRun.objects.filter(version_id=version.pk).exists()
    ):
        return None
    return rescore_run_plan(kind=RescoreKind.PUBLICATION, version_id=version.pk)


def _still_wanted(run: RescoreRun) -> bool:
    if run.kind != RescoreKind.PUBLICATION:
        return True
    published = published_version_read()
    return published is not None and published.pk == run.version_id


def _pending_chunk_ids(run_id: int) -> list[int]:
    return list(
        RescoreChunk.objects.filter(run_id=run_id, done_at__isnull=True)
        .order_by("first_id")
        .values_list("pk", flat=True)
    )


def _report_from(stored: dict) -> RescoreReport:
    return RescoreReport(
        scored=stored.get("scored", 0),
        written=stored.get("written", 0),
        failed=list(stored.get("failed", [])),
        transitions=stored.get("transitions", 0),
        batches=stored.get("batches", 0),
    )
