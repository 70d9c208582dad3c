"""Planner statistics after a bulk load, taken inside the loading transaction; a
checkpoint where the role may take one (the benchmark's timed rescores start from one)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from qualification.db.maintenance import checkpoint, tables_analyze
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


def _checkpoints_requested() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # stats as of now, not cached
        cursor.execute("SELECT checkpoints_req FROM pg_stat_bgwriter")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checkpoint_runs_outside_a_transaction_where_the_role_may(postgres):
    before = _checkpoints_requested()
    assert checkpoint() is True
    assert _checkpoints_requested() == before + 1
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS leadhub_no_checkpoint")
        cursor.execute("CREATE ROLE leadhub_no_checkpoint")
        cursor.execute("SET ROLE leadhub_no_checkpoint")
    try:
        assert checkpoint() is False  # refused, and the connection still works
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute("DROP ROLE leadhub_no_checkpoint")


def test_no_checkpoint_inside_a_transaction_or_off_postgresql(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert checkpoint() is False  # the test runs in a transaction
