"""SLA alerts through a real Celery worker on Redis, a real SMTP server and a real webhook.

Once-only is what these prove end to end: a retried scan task, a delivery task sent twice
and a worker replaced by a new one all end with exactly one alert, one notification per
person and one email per person; a webhook that fails first is retried with backoff and
posts once, and its failure holds up neither the email nor the in-app notice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import time as clock_time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from leadhub.celery import app
from qualification.models import Lead, Notification, NotificationDelivery, SLAAlert
from qualification.roles import Role
from qualification.services.sla_clocks import sla_clocks_mark_refreshed, sla_clocks_refresh
from qualification.tasks import delivery_send, sla_alerts_scan
from tests import factories
from tests import realservices as services
from tests.services.alert_servers import smtp_server, webhook_server

pytestmark = pytest.mark.celery_worker

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@contextmanager
def worker() -> Iterator[object]:
    """A real worker thread consuming from Redis (the pattern of tests/tasks/test_worker.py)."""
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=20) as running:
        yield running


@pytest.fixture
def real_worker(redis_url, transactional_db) -> Iterator[Callable]:
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    # Row ids restart with each test's fresh tables: a message left in Redis by an earlier
    # test (a retry a stopped worker handed back) would act on this test's rows.
    app.control.purge()
    yield worker
    app.control.purge()


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a real SMTP server started for the test."""
    with smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield mailbox


def overdue_lead(owner, *, manager=None, webhook_url: str = "") -> Lead:
    """An owned hot PQL whose 60-minute clock ran out an hour ago (a round-the-clock policy)."""
    factories.sla(
        queue="pql",
        tier=4,
        response_minutes=60,
        timezone="UTC",
        day_start=clock_time(0, 0),
        day_end=clock_time(0, 0),
        workdays=ALL_WEEK,
    )
    factories.team(members=[owner], manager=manager, webhook_url=webhook_url)
    qualified = timezone.now() - timedelta(hours=2)
    lead = factories.LeadFactory(
        first_name="Maya",
        last_name="Okafor",
        queue="pql",
        qualification="pql",
        pql_kind="usage",
        stage="pql",
        tier=4,
        qualified_at=qualified,
        owner=owner,
        claimed_at=qualified,
    )
    sla_clocks_refresh(lead_ids=[lead.pk])
    sla_clocks_mark_refreshed(started=timezone.now())
    lead.refresh_from_db()
    assert lead.sla_due_at < timezone.now()
    return lead


def wait_until(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {check.__doc__ or 'the worker'}")


def all_sent() -> bool:
    """every delivery sent"""
    rows = list(NotificationDelivery.objects.values_list("status", flat=True))
    return bool(rows) and all(status == "sent" for status in rows)


def test_a_retried_scan_and_a_repeated_send_email_once(real_worker, smtp):
    sam = factories.user(Role.SDR, username="sam", email="sam@leadhub.test")
    mia = factories.user(Role.MANAGER, username="mia", email="mia@leadhub.test")
    lead = overdue_lead(sam, manager=mia)
    with real_worker():
        first = sla_alerts_scan.delay().get(timeout=30)
        again = sla_alerts_scan.delay().get(timeout=30)  # a retried (or duplicated) scan
        wait_until(all_sent)
        ids = list(NotificationDelivery.objects.values_list("pk", flat=True))
        repeats = [delivery_send.delay(pk).get(timeout=30) for pk in ids]  # retried sends
    assert (first["breaches"], first["notifications"], first["deliveries"]) == (1, 2, 2)
    assert (again["breaches"], again["notifications"]) == (0, 0)
    assert {r["detail"] for r in repeats} == {"already sent"}
    smtp.wait_for(2)
    time.sleep(0.5)  # anything sent twice would have arrived by now
    assert sorted(to[0] for to, _ in smtp.received) == ["mia@leadhub.test", "sam@leadhub.test"]
    assert SLAAlert.objects.filter(lead=lead).count() == 1
    assert Notification.objects.count() == 2


def test_a_restarted_worker_sends_nothing_twice(real_worker, smtp):
    """Worker A runs the scan and is stopped with its delivery tasks queued or half done;
    worker B takes over, and every message is redelivered to it once more on top."""
    sam = factories.user(Role.SDR, username="sam", email="sam@leadhub.test")
    mia = factories.user(Role.MANAGER, username="mia", email="mia@leadhub.test")
    overdue_lead(sam, manager=mia)
    with real_worker():
        sla_alerts_scan.delay().get(timeout=30)
    # Worker A is gone; whatever it did not finish waits in Redis.
    ids = list(NotificationDelivery.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    with real_worker():
        for pk in ids:  # as if A had died after sending but before acknowledging
            delivery_send.delay(pk)
        sla_alerts_scan.delay().get(timeout=30)
        wait_until(all_sent)
        time.sleep(1)  # let the queue drain completely
    smtp.wait_for(2)
    assert sorted(to[0] for to, _ in smtp.received) == ["mia@leadhub.test", "sam@leadhub.test"]
    assert SLAAlert.objects.count() == 1
    assert Notification.objects.count() == 2
    assert set(NotificationDelivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.fixture
def delivery_log() -> Iterator[list[str]]:
    """What the delivery service logs (on its own logger: the worker takes over the root)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("qualification.services.alert_delivery")
    saved = logger.level
    logger.setLevel(logging.WARNING)  # the test worker sets the root to ERROR
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)


def test_a_failing_webhook_is_retried_with_backoff_and_blocks_nothing(
    real_worker, smtp, settings, delivery_log
):
    settings.LEADHUB_DELIVERY_RETRY_SECONDS = 1
    with webhook_server(500, 200) as hook:
        sam = factories.user(Role.SDR, username="sam", email="sam@leadhub.test")
        lead = overdue_lead(sam, webhook_url=hook.url)
        with real_worker():
            sla_alerts_scan.delay().get(timeout=30)
            # The email and the in-app notice do not wait for the webhook's retry.
            smtp.wait_for(1)
            assert len(smtp.received) == 1
            assert Notification.objects.filter(recipient=sam, lead=lead).count() == 1
            hook.wait_for(2)
            wait_until(all_sent)
        time.sleep(0.5)
    statuses = [status for _, status, _ in hook.posts]
    assert statuses == [500, 200]
    gap = hook.posts[1][0] - hook.posts[0][0]
    assert gap >= 0.9, f"retried after {gap:.2f} s, before its backoff"
    assert len(hook.successes) == 1
    assert "Maya Okafor" in hook.successes[0]["text"]
    webhook = NotificationDelivery.objects.get(channel="webhook")
    assert (webhook.status, webhook.attempts) == ("sent", 2)
    assert "HTTP 500" in webhook.last_error
    (logged,) = delivery_log
    assert "(webhook) failed, attempt 1 of 6: RuntimeError: The webhook answered HTTP 500" in logged
    assert logged.endswith("retrying in 1 s")
    email = NotificationDelivery.objects.get(channel="email")
    assert (email.status, email.attempts) == ("sent", 1)
