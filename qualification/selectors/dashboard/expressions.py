"""Database expressions the dashboard aggregates with, portable across PostgreSQL and SQLite.

Every figure is computed by the database; Python only reads the few rows that come back.
Two things have no portable spelling in Django and are defined here once:

* ``WallMinutes``: wall-clock minutes between two timestamps (PostgreSQL subtracts and
  extracts the epoch; SQLite has only ``julianday``, rounded to the millisecond so a touch at
  exactly 5:00 lands in the 5-15 band instead of 4.99999).
* Percentiles: PostgreSQL has ``percentile_cont`` (``PercentileCont`` below). SQLite has no
  ordered-set aggregate, so ``percentiles`` falls back to window functions: ``ROW_NUMBER``
  and ``COUNT`` per group, keeping only the one or two rows at each percentile's position
  (still in the database, never Python over every row) and interpolating between them exactly
  as ``percentile_cont`` does. Both paths give the same numbers; the tests check them on both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber

Group = tuple[Any, ...]


class WallMinutes(Func):
    """Minutes from ``start`` to ``end`` (NULL if either is NULL), as a float."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str | Expression, start: str | Expression, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            template="(ROUND((julianday(%(expressions)s)) * 86400000.0) / 60000.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile: ``percentile_cont(0.9) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: str | Expression, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def in_database_percentiles() -> bool:
    """True where ``percentile_cont`` exists (PostgreSQL): percentiles can then ride along in
    the same GROUP BY as the counts, instead of a window query each (the SQLite fallback)."""
    return connection.vendor == "postgresql"


def percentile_aggregates(
    values: dict[str, Expression], fractions: Sequence[float] = (0.5, 0.9)
) -> dict[str, PercentileCont]:
    """``{"business_p0": PercentileCont(...), ...}`` to add to an ``annotate``/``aggregate``.

    ``percentile_cont`` ignores NULLs, as the fallback does (untouched leads have no time).
    """
    return {
        f"{name}_p{i}": PercentileCont(expression, fraction)
        for name, expression in values.items()
        for i, fraction in enumerate(fractions)
    }


def percentiles_from_row(
    row: dict[str, Any], name: str, fractions: Sequence[float] = (0.5, 0.9)
) -> dict[float, float]:
    """Read back what ``percentile_aggregates`` added; a group with no value gives {}."""
    found = {fraction: row[f"{name}_p{i}"] for i, fraction in enumerate(fractions)}
    return {} if any(v is None for v in found.values()) else {k: float(v) for k, v in found.items()}


def _group_key(row: dict[str, Any], group_by: Sequence[str]) -> Group:
    return tuple(row[name] for name in group_by)


def percentiles(
    qs: QuerySet,
    value: str | Expression,
    group_by: Sequence[str],
    fractions: Sequence[float] = (0.5, 0.9),
) -> dict[Group, dict[float, float]]:
    """Each group's percentiles of ``value`` (NULLs left out), computed in the database.

    One query either way. Groups with no value are absent from the answer.
    """
    if isinstance(value, str):
        value = F(value)
    annotated = qs.order_by().annotate(_pv=value).filter(_pv__isnull=False)
    if connection.vendor == "postgresql":
        aggregates = {
            f"p{i}": PercentileCont("_pv", fraction) for i, fraction in enumerate(fractions)
        }
        if not group_by:
            row = annotated.aggregate(**aggregates)
            if row["p0"] is None:
                return {}
            rows: Any = [row]
        else:
            rows = annotated.values(*group_by).annotate(**aggregates).order_by()
        return {
            _group_key(row, group_by): {
                fraction: float(row[f"p{i}"]) for i, fraction in enumerate(fractions)
            }
            for row in rows
        }
    return _percentiles_by_window(annotated, group_by, fractions)


def _percentiles_by_window(
    annotated: QuerySet, group_by: Sequence[str], fractions: Sequence[float]
) -> dict[Group, dict[float, float]]:
    """The portable fallback (SQLite): rank rows per group, keep the ranks each percentile reads."""
    partition = [F(name) for name in group_by] or None
    ranked = annotated.annotate(
        _rn=Window(RowNumber(), partition_by=partition, order_by=F("_pv").asc()),
        _n=Window(Count("*"), partition_by=partition),
    )
    # Row numbers are 1-based; percentile p sits at 0-based position p * (n - 1).
    wanted = Q()
    for fraction in fractions:
        position = Value(fraction) * (F("_n") - 1)
        # floor(pos) + 1 <= rn <= ceil(pos) + 1, i.e. pos < rn < pos + 2; a float rounding
        # at the edge can only keep one extra row, which the interpolation ignores.
        wanted |= Q(_rn__gt=position, _rn__lt=position + 2)
    rows = ranked.filter(wanted).values(*group_by, "_pv", "_rn", "_n")
    by_group: dict[Group, dict[int, float]] = {}
    counts: dict[Group, int] = {}
    for row in rows:
        key = _group_key(row, group_by)
        by_group.setdefault(key, {})[row["_rn"] - 1] = float(row["_pv"])
        counts[key] = row["_n"]
    answer: dict[Group, dict[float, float]] = {}
    for key, values in by_group.items():
        n = counts[key]
        answer[key] = {}
        for fraction in fractions:
            position = fraction * (n - 1)
            low, high = math.floor(position), math.ceil(position)
            answer[key][fraction] = values[low] + (position - low) * (values[high] - values[low])
    return answer
