"""The chunked full rescore through real Celery workers: one worker process, then two.

What the nightly task does in production (``rescore_all``: chunks of lead ids sent as a
group, a chord collecting the report), timed from the send to the run's stored report.
Only with a broker (``REDIS_URL``); the workers are started here with this process's
environment, so they use the same database and Redis.
"""

from __future__ import annotations

import time

from django.conf import settings

from qualification.devdata.workers import WorkerProcess
from qualification.models import RescoreRun

TIMEOUT_S = 1800


def chunked_rescore_figures() -> dict[str, float]:
    """``rescore_full_s_1_worker`` and ``rescore_full_s_2_workers``; {} without a broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}
    return {
        "rescore_full_s_1_worker": round(chunked_rescore_seconds(concurrency=1), 3),
        "rescore_full_s_2_workers": round(chunked_rescore_seconds(concurrency=2), 3),
    }


def chunked_rescore_seconds(*, concurrency: int) -> float:
    """Seconds from sending ``rescore_all`` to its run's report, ``concurrency`` processes."""
    from qualification.tasks import rescore_all

    worker = WorkerProcess(concurrency=concurrency)
    try:
        worker.wait_ready()
        started = time.perf_counter()
        run_id = rescore_all.delay().get(timeout=TIMEOUT_S)["run"]
        deadline = time.monotonic() + TIMEOUT_S
        while not RescoreRun.objects.filter(pk=run_id, finished_at__isnull=False).exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"rescore run {run_id} did not finish: {worker.output()}")
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        worker.stop()
