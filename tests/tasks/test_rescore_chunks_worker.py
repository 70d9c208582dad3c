"""Fault test: the whole worker killed during a full rescore, then a new worker started.

Before the full rescore ran in chunks, the one ``rescore_all`` message sat in Redis's
``unacked`` set for Kombu's default hour after a ``kill -9`` of the worker. Now the killed
worker loses only the chunk it held, which Redis hands to the next worker after the
visibility timeout (short here, from the environment, as ops could set it); the finished
chunks are not redone, and the chord's callback stores the run's report.
"""

from __future__ import annotations

import time

import pytest
import redis

from leadhub.celery import app
from qualification.devdata.workers import WorkerProcess
from qualification.models import Account, Lead, RescoreChunk, RescoreRun
from qualification.tasks import rescore_all
from tests import realservices as services
from tests.services.rescoring.catalog import scoring_catalog

pytestmark = pytest.mark.celery_worker

LEADS = 4000
VISIBILITY_TIMEOUT_S = 4
WORKER_ENV = {
    "LEADHUB_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    "LEADHUB_RESCORE_CHUNK_SIZE": "250",
}
FINISH_WITHIN_S = 120
# Kombu's Redis transport: messages delivered and not yet acknowledged, and their index.
UNACKED, UNACKED_INDEX = "unacked", "unacked_index"


@pytest.fixture
def broker(redis_url, postgres, transactional_db):
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    held = redis.Redis.from_url(redis_url)
    # A message an earlier test left (queued, or held by a worker it killed) would act on
    # this test's ids, and would count as held below.
    app.control.purge()
    held.delete(UNACKED, UNACKED_INDEX)
    workers: list[WorkerProcess] = []
    yield workers
    for worker in workers:
        worker.stop()
    app.control.purge()
    held.delete(UNACKED, UNACKED_INDEX)


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def test_a_full_rescore_finishes_after_the_whole_worker_is_killed_mid_run(broker, redis_url):
    scoring_catalog()
    account = Account.objects.create(name="Acme", domain="acme.test", country="FR")
    Lead.objects.bulk_create(
        [Lead(account=account, email=f"p{i}@acme.test") for i in range(LEADS)], batch_size=1000
    )
    first = WorkerProcess(env=WORKER_ENV)
    broker.append(first)
    first.wait_ready()
    rescore_all.delay()

    def done() -> int:
        return RescoreChunk.objects.filter(done_at__isnull=False).count()

    # Kill while the worker holds a chunk's message (Redis's ``unacked`` hash), not in the
    # instant between acknowledging one chunk and taking the next.
    held = redis.Redis.from_url(redis_url)
    assert wait_for(lambda: done() >= 2 and held.hlen(UNACKED) > 0, timeout=90), first.output()
    first.kill()
    assert held.hlen(UNACKED) > 0  # what the dead worker held: back after the timeout
    killed_at = time.monotonic()
    chunks = RescoreChunk.objects.count()
    done_at_kill = dict(
        RescoreChunk.objects.filter(done_at__isnull=False).values_list("pk", "done_at")
    )
    assert chunks == LEADS // 250
    assert len(done_at_kill) < chunks, "the worker finished before it was killed: nothing tested"
    assert RescoreRun.objects.get().finished_at is None

    # The chunk the dead worker held is older than the visibility timeout when the new
    # worker starts, so Redis hands it back on the new worker's first restore pass.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT_S + 0.5 - (time.monotonic() - killed_at)))
    second = WorkerProcess(env=WORKER_ENV)
    broker.append(second)
    second.wait_ready()
    finished = wait_for(
        lambda: RescoreRun.objects.filter(finished_at__isnull=False).exists(),
        timeout=FINISH_WITHIN_S - (time.monotonic() - killed_at),
        step=0.5,
    )
    assert finished, second.output()
    run = RescoreRun.objects.get()
    assert Lead.objects.filter(criteria_version__isnull=True).count() == 0
    assert run.report["scored"] == LEADS  # each chunk counted once, none lost, none twice
    assert done() == chunks
    # The chunks done before the kill were not redone.
    assert (
        dict(RescoreChunk.objects.filter(pk__in=done_at_kill).values_list("pk", "done_at"))
        == done_at_kill
    )
