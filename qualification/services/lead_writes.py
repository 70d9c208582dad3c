"""Bulk writes of score columns: one statement per chunk, never a query per lead.

On PostgreSQL an ``UPDATE ... FROM unnest(arrays)`` writes a chunk in one round trip, the
JSON columns arriving as text the scoring service serialized once; other databases (the
embedded SQLite) use Django's ``bulk_update``. Either way a lead whose
rescore was requested after this run started keeps ``needs_rescore`` so that change is
not lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from qualification.models import Lead, StageTransition

# column -> SQL type for the VALUES list (PostgreSQL needs the casts).
SCORE_COLUMNS: dict[str, str] = {
    "fit_score": "integer",
    "intent_score": "integer",
    "usage_score": "integer",
    "total_score": "integer",
    "tier": "smallint",
    "qualification": "varchar",
    "pql_kind": "varchar",
    "queue": "varchar",
    "qualified_at": "timestamptz",
    "reasons": "jsonb",
    "breakdown": "json",
    "disqualified_reasons": "jsonb",
    "last_signal_at": "timestamptz",
    "scored_at": "timestamptz",
    "stage": "varchar",
    "score_digest": "varchar",
}
JSON_COLUMNS = frozenset(name for name, kind in SCORE_COLUMNS.items() if kind in ("json", "jsonb"))
CHUNK = 1000


def lead_scores_write(rows: Sequence[dict[str, Any]], *, started: datetime) -> None:
    """Write score rows (``id`` plus SCORE_COLUMNS) and clear the rescore marks they answer."""
    if not rows:
        return
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if connection.vendor == "postgresql":
            _write_postgresql(chunk, started)
        else:
            _write_generic(chunk, started)


def _write_postgresql(rows: Sequence[dict[str, Any]], started: datetime) -> None:
    """One UPDATE per chunk with one array parameter per column (``unnest``).

    A fixed, small parameter list keeps the statement cheap to send and parse whatever
    the chunk size, unlike a VALUES list with a placeholder per cell.
    """
    columns = list(SCORE_COLUMNS)
    table = connection.ops.quote_name(Lead._meta.db_table)
    arrays = ", ".join(
        ["%b::bigint[]"]
        + [
            f"%b::text[]::{SCORE_COLUMNS[c]}[]"
            if c in JSON_COLUMNS
            else f"%b::{SCORE_COLUMNS[c]}[]"
            for c in columns
        ]
    )
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = v.{c}" for c in columns)
    sql = (
        f"UPDATE {table} AS l SET {assignments}, "
        "needs_rescore = (l.rescore_requested_at IS NOT NULL AND l.rescore_requested_at > %s), "
        "updated_at = %s "
        f"FROM unnest({arrays}) AS v(id, {', '.join(columns)}) "
        "WHERE l.id = v.id"
    )
    params: list[Any] = [started, timezone.now(), [row["id"] for row in rows]]
    for column in columns:
        if column in JSON_COLUMNS:
            # Rows may carry the JSON text already (the service serializes once for its digest).
            params.append(
                [
                    row["_json"][column] if "_json" in row else json.dumps(row[column])
                    for row in rows
                ]
            )
        else:
            params.append([row[column] for row in rows])
    _execute_binary(sql, params)


# StageTransition columns a rescore fills, and their SQL types for the unnest arrays.
TRANSITION_COLUMNS: dict[str, str] = {
    "lead_id": "bigint",
    "from_stage": "varchar",
    "to_stage": "varchar",
    "cause": "varchar",
    "criterion_id": "bigint",
    "reason": "varchar",
    "occurred_at": "timestamptz",
}


def transitions_write(transitions: Sequence[StageTransition]) -> None:
    """Insert a batch's stage transitions in one statement.

    A first full rescore moves most leads out of ``new``: as ``bulk_create`` those
    inserts cost a third of the writer's time (client-side quoting of every value);
    binary arrays through ``unnest`` do the same in one round trip.
    """
    if not transitions:
        return
    if connection.vendor != "postgresql":
        StageTransition.objects.bulk_create(transitions, batch_size=1000)
        return
    table = connection.ops.quote_name(StageTransition._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in TRANSITION_COLUMNS)
    arrays = ", ".join(f"%b::{kind}[]" for kind in TRANSITION_COLUMNS.values())
    params = [[getattr(t, column) for t in transitions] for column in TRANSITION_COLUMNS]
    _execute_binary(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})", params)


def _execute_binary(sql: str, params: list[Any]) -> None:
    """Run ``sql`` with server-side binding on Django's connection (same transaction).

    Django's cursors bind parameters client-side, quoting every array element with a
    regex (the largest cost in profiles). A server-side-binding cursor sends the arrays
    as binary (%b) parameters instead.
    """
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)


def _write_generic(rows: Sequence[dict[str, Any]], started: datetime) -> None:
    now = timezone.now()
    leads = []
    for row in rows:
        lead = Lead(pk=row["id"], updated_at=now)
        for column in SCORE_COLUMNS:
            if column in row:
                setattr(lead, column, row[column])
            else:  # serialized only (the breakdown): the ORM wants the value
                setattr(lead, column, json.loads(row["_json"][column]))
        leads.append(lead)
    Lead.objects.bulk_update(leads, [*SCORE_COLUMNS, "updated_at"], batch_size=250)
    Lead.objects.filter(pk__in=[row["id"] for row in rows]).filter(
        Q(rescore_requested_at__isnull=True) | Q(rescore_requested_at__lte=started)
    ).update(needs_rescore=False)


def lead_marks_clear(lead_ids: Sequence[int], *, started: datetime) -> None:
    """Clear the rescore mark of leads whose score did not change (nothing else to write)."""
    if lead_ids:
        Lead.objects.filter(pk__in=lead_ids, needs_rescore=True).filter(
            Q(rescore_requested_at__isnull=True) | Q(rescore_requested_at__lte=started)
        ).update(needs_rescore=False)
