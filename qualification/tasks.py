"""Celery tasks: thin wrappers that take ids, call a service, and retry on failure.

All are idempotent (rescoring twice writes the same result) and ``acks_late``, so a
worker that dies mid-task leaves the message to be redelivered.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, OperationalError, connection

from qualification.models import RescoreKind
from qualification.selectors.rescoring import dirty_lead_ids_read
from qualification.selectors.scoring_specs import published_version_read
from qualification.selectors.system import system_status_read
from qualification.services.previews import preview_run_chunks
from qualification.services.rescore_requests import rescore_run_send
from qualification.services.rescoring import lead_rescore, publication_finish_check
from qualification.services.rescoring.runs import (
    RunToSend,
    rescore_chunk_run,
    rescore_run_finish,
    rescore_run_plan,
    rescore_run_state,
    rescore_runs_resume,
)
from qualification.services.sla_clocks import sla_clocks_mark_refreshed, sla_clocks_refresh_chunk

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}
SWEEP_LIMIT = 20_000


@shared_task(name="qualification.rescore_leads", **RETRY)
def rescore_leads(lead_ids: list[int]) -> dict:
    """Rescore these leads (enqueued on commit when their events or fields change)."""
    return lead_rescore(lead_ids=[int(i) for i in lead_ids]).as_dict()


@shared_task(name="qualification.rescore_all", bind=True, **RETRY)
def rescore_all(self) -> dict:
    """Rescore every lead; periodic (nightly by default) so windows and decay move.

    It plans the run and sends its chunks (``services.rescoring.runs``); the chord's
    callback stores the report on the run.
    """
    return _run_send(rescore_run_plan(kind=RescoreKind.NIGHTLY, task_id=self.request.id))


@shared_task(name="qualification.publication_rescore", bind=True, **RETRY)
def publication_rescore(self, version_id: int) -> dict:
    """Rescore every lead with a just-published criteria version (progress: the banner).

    A version published again meanwhile is left to its own task.
    """
    version = published_version_read()
    if version is None or version.pk != int(version_id):
        return {"run": None}
    planned = rescore_run_plan(
        kind=RescoreKind.PUBLICATION, version_id=version.pk, task_id=self.request.id
    )
    return _run_send(planned)


@shared_task(name="qualification.rescore_chunk", **RETRY)
def rescore_chunk(chunk_id: int) -> dict:
    """Rescore one chunk of a full rescore (a range of lead ids); done chunks are skipped."""
    return rescore_chunk_run(chunk_id=int(chunk_id)).as_dict()


@shared_task(name="qualification.rescore_run_finish", **RETRY)
def rescore_run_finish_task(_results: list, run_id: int) -> dict:
    """The chord callback of a full rescore: sum the chunks' stored reports onto the run."""
    report = rescore_run_finish(run_id=int(run_id))
    return {"run": int(run_id), "finished": report is not None}


@shared_task(name="qualification.rescore_sweep", **RETRY)
def rescore_sweep(limit: int = SWEEP_LIMIT) -> dict:
    """Rescore leads marked dirty but never processed (e.g. the broker was down), and
    re-send the chunks of full rescores that stopped making progress (chunks lost)."""
    ids = dirty_lead_ids_read(limit=limit)
    report = lead_rescore(lead_ids=ids).as_dict()
    report["picked_up"] = len(ids)
    resumed = rescore_runs_resume()
    for run in resumed:
        rescore_run_send(run.run_id, run.chunk_ids)
    report["runs_resumed"] = len(resumed)
    publication_finish_check()
    return report


def _run_send(planned: RunToSend) -> dict:
    """Send a planned run's chunks (none left: finish it now); what the run holds after."""
    if planned.chunk_ids:
        rescore_run_send(planned.run_id, planned.chunk_ids)
    else:
        rescore_run_finish(run_id=planned.run_id)
    return {"chunks": len(planned.chunk_ids), **rescore_run_state(planned.run_id)}


@shared_task(name="qualification.system_status", acks_late=True)
def system_status() -> dict:
    """Report what the worker sees: its database and the row counts there.

    Ops run it through ``manage.py worker_status`` to confirm a worker is up and
    connected to the same database as the web app (a mismatch means scoring would
    write to the wrong place).
    """
    return {"database_vendor": connection.vendor, **system_status_read()}


@shared_task(
    name="qualification.preview_run",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def preview_run(preview_id: int) -> dict:
    """Run (or resume) a criteria draft's preview; its progress and figures go on its row.

    Failures are stored on the row and not retried (the page offers a new run); only a
    database too far gone to store one raises, and the retry resumes from the last chunk.
    """
    preview = preview_run_chunks(int(preview_id))
    return {"preview": preview.pk, "status": preview.status, "done": preview.done}


@shared_task(name="qualification.sla_clocks_refresh", **RETRY)
def sla_clocks_refresh(after_id: int = 0, started: str | None = None) -> dict:
    """Recompute open SLA clocks after a policy or calendar change, one chunk per run.

    Each run handles the leads after ``after_id`` and sends the next chunk, so a worker
    restart resumes where the last finished chunk ended instead of starting over.
    ``started`` is when the refresh was asked for: the rules it follows.
    """
    from datetime import datetime

    from django.utils import timezone

    began = datetime.fromisoformat(started) if started else timezone.now()
    result = sla_clocks_refresh_chunk(after_id=int(after_id))
    if result.next_after is not None:
        sla_clocks_refresh.delay(result.next_after, began.isoformat())
    else:
        sla_clocks_mark_refreshed(started=began)
    return {"changed": result.changed, "next_after": result.next_after}


# -- SLA alerts: the minute scan and one task per delivery ------------------------------------


@shared_task(name="qualification.sla_alerts_scan", **RETRY)
def sla_alerts_scan() -> dict:
    """Alert leads whose SLA clock entered warning or breach (beat: every minute).

    Then re-enqueue deliveries whose task was lost, so a broker outage delays alert
    emails and webhook posts, never loses them.
    """
    from qualification.services.alert_delivery import deliveries_sweep
    from qualification.services.sla_alerts import sla_alerts_scan as scan

    report = scan().as_dict()
    report["deliveries_requeued"] = len(deliveries_sweep())
    return report


@shared_task(
    name="qualification.delivery_send",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=10,
)
def delivery_send(self, delivery_id: int) -> dict:
    """Send one alert email or webhook post; retry a failed send with exponential backoff.

    The row counts attempts and gives up after ``MAX_ATTEMPTS`` (the service decides, so a
    sweep's re-run shares the same budget). In eager mode (no broker) a failed send is not
    retried inline, which would stall the caller: the scan's sweep picks it up.
    """
    from qualification.services.alert_delivery import delivery_backoff
    from qualification.services.alert_delivery import delivery_send as send

    outcome = send(delivery_id=int(delivery_id))
    if outcome.retry and not self.request.is_eager:
        raise self.retry(countdown=delivery_backoff(outcome.attempts))
    return outcome.as_dict()


# -- learning from sales feedback -------------------------------------------------------------


@shared_task(
    name="qualification.recalibrate",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,  # below the broker's visibility timeout (settings)
    retry_jitter=True,
    max_retries=5,
)
def recalibrate(recalibration_id: int | None = None) -> dict:
    """Run a recalibration (beat: weekly; the ops button and requests send its id).

    Without an id (the schedule) it runs the run already queued, or queues one. A finished
    run is not run again, so a redelivered or retried message never counts twice; a lost
    database connection requeues the run and the retry picks it up.
    """
    # Imported here: the learner loads scikit-learn, which web processes never need.
    from qualification.models.learning import RecalibrationTrigger
    from qualification.services.recalibration import recalibration_next, recalibration_run

    if recalibration_id is None:
        run, _ = recalibration_next(trigger=RecalibrationTrigger.SCHEDULE)
        recalibration_id = run.pk
    run = recalibration_run(recalibration_id=int(recalibration_id), requeue_on_database_error=True)
    return {
        "recalibration": run.pk,
        "status": run.status,
        "is_live": run.is_live,
        "n_outcomes": run.n_outcomes,
        "kept_reason": run.kept_reason,
        # When it ran: the same on every redelivery of a finished run (it ran once).
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
