"""Set-based creation of the leads and anonymous ids a tracking batch introduces.

A batch from an analytics SDK may name thousands of users never seen before, and several
requests (gunicorn workers, SDK retries) may name the same ones at once. Creating them one
``INSERT`` per user in a savepoint cost a round trip or three each (a 500 KB batch of new
users ran past gunicorn's 30 s timeout), and inserting them in the iteration order of a
Python ``set`` let two requests lock the same new unique-index entries in different orders
and deadlock. Here each kind of row is inserted in sorted key order, skipping conflicts,
and the caller reads the rows back: a row a concurrent request committed first is simply
found. Sorted order means two requests wait on each other's keys in the same order: one
waits, neither deadlocks.

On PostgreSQL new leads are one ``INSERT ... SELECT <defaults>, new.* FROM unnest(arrays)``:
the columns an identify fills go as one array each and every other column holds a new
lead's default, sent once, where Django's ``bulk_create`` would prepare and send all 30
columns of every row (2 s for 5,000 users). Other databases take ``bulk_create``; both
store the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction

from qualification.models import AnonymousId, Lead

CHUNK = 1000


# The columns a new lead's identify calls may fill, with their PostgreSQL array types; every
# other column holds a new lead's default.
PERSON_COLUMNS = {
    "user_id": "varchar",
    "email": "varchar",
    "first_name": "varchar",
    "last_name": "varchar",
    "title": "varchar",
    "traits": "jsonb",
    "account_id": "bigint",
}


def leads_insert(people: Sequence[Mapping[str, Any]]) -> set[str]:
    """Insert a lead per row (``user_id`` and any ``PERSON_COLUMNS``); returns whose were new.

    A user id that exists, or that a concurrent request inserts first, is skipped and not
    returned: the caller applies its identify calls one by one instead. On SQLite (one
    writer at a time) a conflict inserts none of the rows and returns nothing.
    """
    rows = sorted((row for row in people if row.get("user_id")), key=lambda r: r["user_id"])
    if not rows:
        return set()
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                Lead.objects.bulk_create([Lead(**row) for row in rows], batch_size=CHUNK)
        except IntegrityError:
            return set()
        return {row["user_id"] for row in rows}
    given = [c for c in PERSON_COLUMNS if c == "user_id" or any(c in row for row in rows)]
    columns, defaults = _new_lead_defaults(exclude=given)
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [*columns, *given])
    arrays = ", ".join(
        "%s::text[]" if PERSON_COLUMNS[c] == "jsonb" else f"%s::{PERSON_COLUMNS[c]}[]"
        for c in given
    )
    values = ", ".join(
        f"new.{quote(c)}::jsonb" if PERSON_COLUMNS[c] == "jsonb" else f"new.{quote(c)}"
        for c in given
    )
    sql = (
        f"INSERT INTO {quote(Lead._meta.db_table)} ({names}) "
        f"SELECT {', '.join(['%s'] * len(columns) + [values])} "
        f"FROM unnest({arrays}) AS new({', '.join(quote(c) for c in given)}) "
        "ORDER BY new.user_id ON CONFLICT DO NOTHING RETURNING user_id"
    )
    params = [[_column_value(row, c) for row in rows] for c in given]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults, *params])
        return {user_id for (user_id,) in cursor.fetchall()}


def _column_value(row: Mapping[str, Any], column: str) -> Any:
    if PERSON_COLUMNS[column] == "jsonb":
        return json.dumps(row.get(column, {}))
    if PERSON_COLUMNS[column] == "varchar":
        return row.get(column, "")
    return row.get(column)


def _new_lead_defaults(*, exclude: Sequence[str]) -> tuple[list[str], list[object]]:
    """Every other column of a new ``Lead``, as the database stores it.

    Read from a model instance, so a field added later gets its default here too.
    """
    prototype = Lead(user_id="")
    columns: list[str] = []
    values: list[object] = []
    for field in Lead._meta.concrete_fields:
        if field.primary_key or field.column in exclude:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.pre_save(prototype, add=True), connection))
    return columns, values


def anonymous_ids_insert(lead_by_anonymous_id: Mapping[str, int]) -> None:
    """Stitch anonymous ids to leads; an id already stitched (by anyone) keeps its lead."""
    keys = sorted(aid for aid in lead_by_anonymous_id if aid)
    if keys:
        AnonymousId.objects.bulk_create(
            [AnonymousId(anonymous_id=aid, lead_id=lead_by_anonymous_id[aid]) for aid in keys],
            ignore_conflicts=True,
            batch_size=CHUNK,
        )
