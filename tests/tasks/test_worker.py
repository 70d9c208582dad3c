"""A real Celery worker consuming from Redis, against the same database the test uses."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection

from leadhub.celery import app
from qualification.models import Account, Lead
from qualification.tasks import system_status
from tests import services


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
