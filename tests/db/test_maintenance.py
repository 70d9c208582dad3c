"""Planner statistics after a bulk load, taken inside the loading transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from qualification.db.maintenance import tables_analyze
from qualification.models import Event
from tests.factories import LeadFactory, events

pytestmark = pytest.mark.django_db


def _stats(table: str) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.n_distinct FROM pg_class c LEFT JOIN pg_stats s "
            "ON s.tablename = c.relname AND s.attname = 'lead_id' WHERE c.relname = %s",
            [table],
        )
        return cursor.fetchone()


@pytest.mark.postgres
def test_analyze_inside_the_transaction_counts_the_rows_it_loaded(postgres):
    table = Event._meta.db_table
    for _ in range(3):
        events(LeadFactory(), "Page Viewed", [timezone.now()] * 40)
    assert tables_analyze(Event) is True
    rows, distinct_leads = _stats(table)
    assert rows == 120  # the uncommitted rows of this test's transaction
    assert distinct_leads == 3


def test_without_tables_or_off_postgresql_nothing_runs(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert tables_analyze() is False
    if connection.vendor != "postgresql":
        with django_assert_num_queries(0):
            assert tables_analyze(Event) is False
