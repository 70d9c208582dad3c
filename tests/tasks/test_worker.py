"""A real Celery worker consuming from Redis, against the same database the test uses."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from leadhub.celery import app
from qualification.models import Account, Lead
from qualification.tasks import rescore_leads, system_status
from tests import realservices as services


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """Start a real worker thread on the Redis broker (no eager mode, no mocks)."""
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.celery_worker
def test_worker_round_trip_reads_committed_rows(celery_worker):
    account = Account.objects.create(name="Acme", domain="acme.test")
    Lead.objects.bulk_create([Lead(account=account, email=f"p{i}@acme.test") for i in range(3)])
    answer = system_status.delay().get(timeout=30)
    assert answer["leads"] == 3
    assert answer["database_vendor"] == connection.vendor


@pytest.mark.celery_worker
def test_worker_status_command_confirms_same_database(celery_worker, capsys):
    call_command("worker_status", "--timeout", "30")
    out = capsys.readouterr().out
    assert '"same_database": true' in out


def test_status_task_counts_rows_in_this_database(db):
    Lead.objects.create(email="solo@example.test")
    answer = system_status.apply().get(timeout=5)
    assert answer["leads"] == 1
    assert answer["database_vendor"] == connection.vendor


@pytest.mark.celery_worker
def test_rescore_through_the_worker_after_commit(celery_worker):
    """An event's lead is marked, the commit enqueues, the real worker rescores it."""
    from django.db import transaction

    from qualification.services.rescore_requests import leads_mark_for_rescore
    from tests.factories import LeadFactory, criterion, days_ago, events

    criterion(
        key="demo-request",
        event_name="Demo Requested",
        points=40,
        reason_template="Asked for a demo",
    )
    lead = LeadFactory()
    with transaction.atomic():
        events(lead, "Demo Requested", days_ago(timezone.now(), 1))
        leads_mark_for_rescore(lead_ids=[lead.pk])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lead.refresh_from_db()
        if not lead.needs_rescore:
            break
        time.sleep(0.2)
    assert lead.needs_rescore is False
    assert lead.intent_score == 40
    assert lead.reasons[0]["text"] == "Asked for a demo"


@pytest.mark.celery_worker
def test_rescore_task_result_reports_failures_and_counts(celery_worker):
    from tests.factories import LeadFactory

    leads = LeadFactory.create_batch(3)
    result = rescore_leads.delay([lead.pk for lead in leads]).get(timeout=30)
    assert result == {"scored": 3, "written": 3, "failed": [], "transitions": 0, "batches": 1}
