"""Asking for a rescore: the one place that enqueues rescoring tasks.

Writes that change what a score reads (events, lead or account fields, feedback, criteria)
call ``leads_mark_for_rescore`` inside their transaction (a criteria publication sends its
own rescore, ``services.versions``). Nothing
here scores or waits for a worker: the request marks the leads, and once the transaction
commits a Celery task is sent. The mark is the safety net: with the broker down the request
still succeeds and the periodic sweep (``rescore_sweep``) scores the marked leads later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from celery import chord, current_app
from django.db import transaction
from django.utils import timezone

from leadhub.inprocess import runner
from qualification.models import Lead

logger = logging.getLogger(__name__)

# Leads per ``rescore_leads`` task: one scoring batch each.
TASK_CHUNK = 2000


def leads_mark_for_rescore(*, lead_ids: Iterable[int]) -> list[int]:
    """Mark leads for rescoring and enqueue their rescore once the transaction commits."""
    ids = sorted(set(lead_ids))
    if not ids:
        return ids
    Lead.objects.filter(pk__in=ids).update(needs_rescore=True, rescore_requested_at=timezone.now())
    transaction.on_commit(lambda: rescore_enqueue(ids))
    return ids


def rescore_enqueue(lead_ids: Sequence[int]) -> bool:
    """Send rescore tasks; on a broker outage log it and leave the marks for the sweep."""
    ids = list(lead_ids)
    return all(
        enqueue_safely("qualification.rescore_leads", ids[start : start + TASK_CHUNK])
        for start in range(0, len(ids), TASK_CHUNK)
    )


def rescore_run_send(run_id: int, chunk_ids: Sequence[int]) -> bool:
    """Send a full rescore's chunks as one group, with a chord that finishes the run.

    Every worker takes chunks from the same queue, so more workers (on any machine sharing
    the broker) finish sooner. On a broker outage the run stays stored and quiet, and the
    sweep re-sends its chunks (``services.rescoring.runs.rescore_runs_resume``).
    """
    header = [current_app.signature("qualification.rescore_chunk", args=(pk,)) for pk in chunk_ids]
    # The chord passes the chunks' results first; the callback reads the stored reports.
    body = current_app.signature("qualification.rescore_run_finish", args=(run_id,))
    try:
        chord(header, body).apply_async()
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning("Could not send rescore run %s; the sweep will", run_id, exc_info=True)
        return False
    return True


def enqueue_safely(task_name: str, *args: object) -> bool:
    """Send the task named ``task_name``; on a broker outage log it and return False.

    Callers leave a durable trace first (a mark, a stored row) that a periodic task or a
    retry button picks up, so a broker outage delays the work and never loses it. Tasks
    are looked up by name in the Celery app's registry, not imported: ``tasks`` is an
    edge above the services (arrows point down) and imports them.

    Sending must never hold a request: no result is asked for (subscribing to one retried
    Redis for 19 s during an outage, inside the request) and a failed publish is not
    retried here (``retry=False``; the broker's own timeouts are short, see settings).
    """
    if current_app.conf.task_always_eager and runner.serving:
        runner.submit(task_name, args)  # embedded mode: after the response (leadhub.inprocess)
        return True
    try:
        current_app.tasks[task_name].apply_async(args, ignore_result=True, retry=False)
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning(
            "Could not enqueue %s%r; it will be picked up later", task_name, args, exc_info=True
        )
        return False
    return True
