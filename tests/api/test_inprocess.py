"""Issue 14, defect 5: in the embedded mode a request never rescores; a thread does, after.

Before, with no REDIS_URL each ingestion request rescored its leads inline (390 events/s
on 100,000 leads). These tests run the real thread (``leadhub.inprocess``) on SQLite or
PostgreSQL, with the embedded mode's eager Celery.
"""

from __future__ import annotations

import pytest

from leadhub.celery import app
from leadhub.inprocess import runner
from qualification.models import Lead
from tests.api.conftest import basic


@pytest.fixture
def embedded_mode(eager_tasks):
    runner.serve()  # as leadhub.wsgi does in a web process
    yield
    runner.resume()
    assert runner.wait_idle(30)


def _track(client, key: str, user_id: str, message_id: str):
    return client.post(
        "/v1/track",
        data={"userId": user_id, "event": "Pricing Page Viewed", "messageId": message_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(key),
    )


@pytest.mark.django_db(transaction=True)
def test_a_request_answers_before_its_rescore_which_the_thread_then_runs(
    client, product_key, embedded_mode
):
    assert app.conf.task_always_eager
    runner.pause()  # the thread takes no task: an inline rescore would still happen
    response = _track(client, product_key, "u-1", "m-1")
    assert response.status_code == 200
    lead = Lead.objects.get(user_id="u-1")
    assert lead.needs_rescore  # marked, not scored, when the request returned
    assert lead.scored_at is None
    runner.resume()
    assert runner.wait_idle(30)
    lead.refresh_from_db()
    assert not lead.needs_rescore
    assert lead.scored_at is not None


@pytest.mark.django_db(transaction=True)
def test_rescore_requests_made_while_the_thread_is_busy_coalesce(
    client, product_key, embedded_mode
):
    runner.pause()
    for n in range(5):
        assert _track(client, product_key, f"u-{n}", f"m-{n}").status_code == 200
    assert Lead.objects.filter(needs_rescore=True).count() == 5
    runner.resume()
    assert runner.wait_idle(30)
    assert not Lead.objects.filter(needs_rescore=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_leaves_its_mark_and_the_thread_goes_on(embedded_mode):
    lead = Lead.objects.create(user_id="kept", needs_rescore=True)
    runner.submit("qualification.no_such_task", ())
    runner.submit("qualification.rescore_leads", ([lead.pk],))
    assert runner.wait_idle(30)
    lead.refresh_from_db()
    assert not lead.needs_rescore


@pytest.mark.django_db(transaction=True)
def test_outside_a_web_process_a_task_runs_where_it_is_sent(eager_tasks):
    """A management command (here: the test process) serves nothing: a daemon thread would
    die with it, so ``recalibrate`` could exit before its model's rescore ran."""
    from qualification.services.rescore_requests import enqueue_safely

    assert not runner.serving
    lead = Lead.objects.create(user_id="inline", needs_rescore=True)
    assert enqueue_safely("qualification.rescore_leads", [lead.pk])
    lead.refresh_from_db()  # no waiting: it ran inside the call
    assert not lead.needs_rescore
    assert lead.scored_at is not None


def test_the_web_entry_points_turn_the_thread_on():
    import importlib

    import leadhub.asgi
    import leadhub.wsgi

    for module in (leadhub.wsgi, leadhub.asgi):
        runner.serving = False
        importlib.reload(module)
        assert runner.serving, module.__name__


@pytest.mark.django_db(transaction=True)
def test_the_idle_thread_sweeps_marked_leads_only_while_its_process_serves(
    embedded_mode, monkeypatch
):
    """Idle, the thread sweeps as beat would; once the process stops serving (a test suite
    after these tests) it must not write beside the next test's requests."""
    import time

    from leadhub import inprocess

    monkeypatch.setattr(inprocess, "IDLE_SWEEP_S", 0.2)
    runner.submit("qualification.rescore_sweep", ())  # wakes the thread on the short wait
    assert runner.wait_idle(30)
    swept = Lead.objects.create(user_id="swept", needs_rescore=True)
    deadline = time.monotonic() + 15
    while Lead.objects.filter(pk=swept.pk, needs_rescore=True).exists():
        assert time.monotonic() < deadline, "the idle thread never swept the marked lead"
        time.sleep(0.1)
    runner.serving = False
    time.sleep(0.5)  # let a sweep under way finish
    left = Lead.objects.create(user_id="left", needs_rescore=True)
    time.sleep(1.0)  # five idle waits
    left.refresh_from_db()
    assert left.needs_rescore
