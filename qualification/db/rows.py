"""Query rows without Django's per-value converters: the read side of a full rescore.

The aggregation pass returns dozens of columns for every lead; Django's cursor wrapper
runs a Python converter per value (and registers a pure-Python timestamptz loader), which
costs as much as the query itself. On PostgreSQL the compiled SQL of a ``values()`` query
runs on a cursor whose timestamps load with psycopg's C loader and JSON with orjson;
psycopg already returns aware datetimes (Django sets the session time zone to UTC) and
plain numbers, so the rows equal what the ORM returns. Other databases use the ORM.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from django.db import connection
from django.db.models import QuerySet


def dict_rows(query: QuerySet) -> list[dict[str, Any]]:
    """Rows of a ``values()`` query as dicts keyed as ``values()`` keys them."""
    if connection.vendor != "postgresql":
        return list(query)
    names, rows = tuple_rows(query)
    return [dict(zip(names, row, strict=True)) for row in rows]


def tuple_rows(query: QuerySet) -> tuple[list[str], list[tuple]]:
    """Rows of a ``values()`` query as tuples, with the ``values()`` name of each position."""
    inner = query.query
    # The keys Django's values() would use (``account__name``, not the column's name).
    names = [*inner.extra_select, *inner.values_select, *inner.annotation_select]
    if connection.vendor != "postgresql":
        return names, [tuple(row[name] for name in names) for row in query]
    sql, params = inner.sql_with_params()
    with fast_cursor() as cursor:
        cursor.execute(sql, params)
        return names, cursor.fetchall()


@contextmanager
def fast_cursor() -> Iterator[Any]:
    """A Django cursor whose timestamps load with psycopg's C loader and JSON with orjson.

    Queries still go through Django's cursor wrapper, so they are logged and counted
    (``django_assert_num_queries``) like any other. On other databases it is the plain
    Django cursor.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _C_TIMESTAMPTZ_LOADER is not None:
            from psycopg.types.json import set_json_loads

            cursor.cursor.adapters.register_loader("timestamptz", _C_TIMESTAMPTZ_LOADER)
            set_json_loads(orjson.loads, cursor.cursor)
        yield cursor


def _c_timestamptz_loader() -> type | None:
    """psycopg's default (C) text loader for timestamptz, the one Django replaces."""
    try:
        import psycopg
        from psycopg.pq import Format
    except ImportError:  # installs without PostgreSQL support
        return None
    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)


_C_TIMESTAMPTZ_LOADER = _c_timestamptz_loader()
