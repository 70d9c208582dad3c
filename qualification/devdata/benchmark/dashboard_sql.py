"""The manager dashboard's largest aggregate as bare SQL, for the benchmark to time beside the page.

The largest is the funnel: every transition of every lead that entered MQL or PQL in the
default period (the last four weeks, UTC), folded into per-lead flags and summed. It is the
exact statement ``selectors.dashboard.funnel.funnels`` runs (the same queryset, with its
parameters inlined), so timing it beside the page shows how much of the page is database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from qualification.selectors.dashboard.funnel import funnel_aggregates, funnel_counts_queryset
from qualification.selectors.dashboard.period import DashboardFilters, default_period


def largest_aggregate_sql(now: datetime | None = None) -> str:
    """The funnel aggregate over the default period ending ``now`` (default: the clock), as text."""
    now = now or timezone.now()
    start, end = default_period(now, UTC)
    filters = DashboardFilters(start, end, UTC)
    query = funnel_counts_queryset(filters).query.chain()
    # What ``.aggregate()`` compiles: the per-lead flags as a subquery, summed outside.
    inner_sql, params = query.sql_with_params()
    aggregates = funnel_aggregates()
    outer = []
    for alias, aggregate in aggregates.items():
        expression = aggregate.source_expressions[0]
        names = [ref.name for ref in _refs(expression)]
        product = " * ".join(f'"cohort"."{name}"' for name in names)
        outer.append(f'SUM({product}) AS "{alias}"')
    sql = f'SELECT {", ".join(outer)} FROM ({inner_sql}) AS "cohort"'
    return _inline(sql, params)


def _refs(expression):
    """The F() names an aggregate multiplies (``in_mql`` or ``in_mql * to_sql``)."""
    if hasattr(expression, "name"):
        return [expression]
    found = []
    for source in expression.get_source_expressions():
        found.extend(_refs(source))
    return found


def _inline(sql: str, params) -> str:
    """Parameters inlined as the driver would quote them (PostgreSQL); SQLite for tests."""
    if connection.vendor == "postgresql":
        return connection.ops.compose_sql(sql, params)
    quoted = tuple(
        f"'{value}'" if isinstance(value, (str, datetime)) else str(value) for value in params
    )
    return sql % quoted
