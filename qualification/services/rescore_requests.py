"""Asking for a rescore: the one place that enqueues rescoring tasks.

Writes that change what a score reads (events, lead or account fields, feedback, criteria)
call ``leads_mark_for_rescore`` or ``criteria_changed`` inside their transaction. Nothing
here scores or waits for a worker: the request marks the leads, and once the transaction
commits a Celery task is sent. The mark is the safety net: with the broker down the request
still succeeds and the periodic sweep (``rescore_sweep``) scores the marked leads later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

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
    # Imported when a task is sent, not at the top: tasks are an edge above the services
    # (arrows point down), and every write service imports this module.
    from qualification.tasks import rescore_leads

    ids = list(lead_ids)
    try:
        for start in range(0, len(ids), TASK_CHUNK):
            rescore_leads.delay(ids[start : start + TASK_CHUNK])
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning(
            "Could not enqueue rescoring for %d lead(s); the sweep will pick them up",
            len(ids),
            exc_info=True,
        )
        return False
    return True


def criteria_changed() -> None:
    """After criteria or the policy change, rescore everyone once the change commits."""
    transaction.on_commit(_rescore_all_enqueue)


def _rescore_all_enqueue() -> None:
    from qualification.tasks import rescore_all  # see rescore_enqueue

    try:
        rescore_all.delay()
    except Exception:
        logger.warning(
            "Could not enqueue the full rescore; the nightly run will apply the change",
            exc_info=True,
        )


def enqueue_safely(task, *args: object) -> bool:
    """``task.delay(*args)``; on a broker outage log it and return False (work is delayed).

    Callers leave a durable trace first (a mark, a stored row) that a periodic task or a
    retry button picks up, so nothing is lost when the broker is away.
    """
    try:
        task.delay(*args)
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning(
            "Could not enqueue %s%r; it will be picked up later", task.name, args, exc_info=True
        )
        return False
    return True
