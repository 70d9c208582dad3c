"""The pipelined full rescore (reader and writer threads, PostgreSQL only), and maintenance.

On SQLite ``pipeline=True`` takes the inline path, so the pipeline tests need PostgreSQL:
they skip with the reason on a quick run and must run under CI's second run. Each checks
that the work really happened on the pipeline's threads.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from qualification.models import Lead
from qualification.services.rescoring import (
    RescoreReport,
    lead_rescore_all,
    lead_table_maintain,
    orchestration,
    writes,
)
from tests.factories import AccountFactory, LeadFactory, days_ago, events

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def fetch_threads(monkeypatch) -> list[str]:
    """The names of the threads that fetched batches."""
    names: list[str] = []
    real = orchestration.lead_batch_fetch

    def recorded(*args, **kwargs):
        names.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(orchestration, "lead_batch_fetch", recorded)
    return names


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_full_rescore_scores_everyone(postgres, catalog, fetch_threads):
    """The nightly path: reads and writes run on their own threads and connections."""
    leads = LeadFactory.create_batch(7, account=AccountFactory(country="FR"))
    events(leads[0], "Pricing Page Viewed", days_ago(NOW, 1, 2, 3, 4))
    report = lead_rescore_all(now=NOW, batch_size=3, pipeline=True)
    assert (report.batches, report.scored, report.failed) == (3, 7, [])
    assert len(fetch_threads) == 3
    assert all(name.startswith("rescore-reader-") for name in fetch_threads)
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}
    assert Lead.objects.get(pk=leads[0].pk).queue == "mql"
    assert not Lead.objects.filter(needs_rescore=True).exists()
    again = lead_rescore_all(now=NOW, batch_size=3, pipeline=True)
    assert (again.scored, again.written) == (7, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_reports_a_write_failure(postgres, catalog, monkeypatch):
    failed_on: list[str] = []

    def broken(*args, **kwargs):
        failed_on.append(threading.current_thread().name)
        raise RuntimeError("disk full")

    monkeypatch.setattr(writes, "lead_scores_update", broken)
    LeadFactory.create_batch(5)
    with pytest.raises(RuntimeError, match="disk full"):
        lead_rescore_all(now=NOW, batch_size=2, pipeline=True)
    assert failed_on == ["rescore-writer-0"]  # later batches are dropped, not written


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_stores_what_the_plain_one_stores(postgres, catalog, fetch_threads):
    """Two readers take batches in any order; every lead is still scored once, the same way."""
    account = AccountFactory(country="DE")
    leads = LeadFactory.create_batch(23, account=account)
    for index, lead in enumerate(leads):
        events(lead, "Pricing Page Viewed", days_ago(NOW, *range(1, 1 + index % 6)))
    columns = ("pk", "total_score", "tier", "queue", "reasons", "breakdown", "score_digest")
    report = lead_rescore_all(now=NOW, batch_size=4)
    assert set(fetch_threads) == {threading.main_thread().name}
    plain = list(Lead.objects.order_by("pk").values_list(*columns))
    Lead.objects.update(score_digest="", total_score=0, breakdown={})
    fetch_threads.clear()
    piped = lead_rescore_all(now=NOW, batch_size=4, pipeline=True)
    assert (piped.batches, piped.scored, piped.written) == (6, 23, 23)
    assert {name.rsplit("-", 1)[0] for name in fetch_threads} == {"rescore-reader"}
    assert list(Lead.objects.order_by("pk").values_list(*columns)) == plain
    assert report.scored == 23
    assert len({row[1] for row in plain}) > 1  # the leads did not all score the same


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_raises_a_read_failure(postgres, catalog, monkeypatch):
    real = orchestration.lead_batch_fetch
    calls: list[str] = []

    def fails_on_the_third_batch(*args, **kwargs):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(orchestration, "lead_batch_fetch", fails_on_the_third_batch)
    LeadFactory.create_batch(12)
    with pytest.raises(RuntimeError, match="connection lost"):
        lead_rescore_all(now=NOW, batch_size=2, pipeline=True)
    assert all(name.startswith("rescore-reader-") for name in calls)


@pytest.mark.django_db(transaction=True)
def test_table_maintenance_only_after_a_large_rewrite_on_postgresql():
    assert lead_table_maintain(report=RescoreReport(written=10), total_leads=100_000) is False
    ran = lead_table_maintain(report=RescoreReport(written=50_000), total_leads=100_000)
    assert ran is (connection.vendor == "postgresql")
