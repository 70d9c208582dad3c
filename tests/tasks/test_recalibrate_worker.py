"""Recalibration through a real Celery worker on Redis: once, whatever is redelivered.

A retried or redelivered ``qualification.recalibrate`` message carries the same run id;
the run is claimed under a row lock and a finished run is not run again, so the outcomes
are counted once. Feedback submitted twice labels its lead once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker

from leadhub.celery import app
from qualification.models import Feedback, Recalibration
from qualification.services.recalibration import recalibration_next
from qualification.tasks import recalibrate
from tests import realservices as services
from tests.services.learning_helpers import outcome_leads

pytestmark = pytest.mark.celery_worker


@contextmanager
def worker() -> Iterator[object]:
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30) as running:
        yield running


@pytest.fixture
def real_worker(redis_url, transactional_db) -> Iterator[Callable]:
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    app.control.purge()  # a message an earlier test left would act on this test's ids
    yield worker
    app.control.purge()


def test_a_redelivered_recalibration_runs_once_and_counts_each_lead_once(real_worker):
    ids = outcome_leads(300)
    # Double submits: the same feedback twice for a few leads.
    Feedback.objects.bulk_create(
        [Feedback(lead_id=pk, outcome="accepted") for pk in ids[:20]]
        + [Feedback(lead_id=pk, outcome="accepted") for pk in ids[:20]]
    )
    run, _ = recalibration_next(trigger="button")
    with real_worker():
        first = recalibrate.delay(run.pk)
        again = recalibrate.delay(run.pk)  # the same message again, as a retry sends it
        answers = [first.get(timeout=120), again.get(timeout=120)]
        scheduled = recalibrate.delay().get(timeout=120)  # the schedule: nothing queued
    done = Recalibration.objects.get(pk=run.pk)
    assert [a["recalibration"] for a in answers] == [run.pk, run.pk]
    assert {a["status"] for a in answers} == {"done"}
    # The second delivery found the run finished: it did not run it again.
    assert answers[0]["started_at"] == answers[1]["started_at"] == done.started_at.isoformat()
    assert answers[0]["finished_at"] == answers[1]["finished_at"]
    assert done.status == "done"
    assert done.n_outcomes == 300
    assert done.figures["n_outcomes"] == 300
    assert done.is_live is True
    # The schedule made its own run; it judged the same outcomes against the live model.
    assert scheduled["recalibration"] != run.pk
    assert Recalibration.objects.count() == 2
    assert Recalibration.objects.filter(is_live=True).count() == 1
