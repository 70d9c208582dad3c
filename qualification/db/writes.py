"""Bulk writes of a rescore: one statement per chunk, binary arrays on PostgreSQL.

Django's ``bulk_update`` writes a chunk as ``CASE WHEN id = ... THEN ...`` per column and
its cursors bind parameters client-side, quoting every value with a regex; for a full
rescore that was the largest cost of the writer. On PostgreSQL an ``UPDATE ... FROM
unnest(arrays)`` (and ``INSERT ... SELECT * FROM unnest(arrays)``) sends one array
parameter per column, bound server-side in binary, so a chunk costs one round trip and a
fixed, small parameter list whatever its size. Other databases use ``bulk_update`` and
``bulk_create``, which store the same values.

Either way a lead whose rescore was requested after the run started keeps
``needs_rescore``, so that request is not lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from qualification.models import Lead, StageTransition

# Lead columns a rescore stores, with their SQL types (the unnest arrays need the casts).
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
    "priority": "double precision",
    "scored_at": "timestamptz",
    "stage": "varchar",
    "score_digest": "varchar",
    "criteria_version_id": "bigint",
    # The SLA clock, written with the score that moved it (services.sla_clocks computes it).
    "sla_started_at": "timestamptz",
    "sla_warn_at": "timestamptz",
    "sla_due_at": "timestamptz",
    "sla_stopped_at": "timestamptz",
    # The live model's likelihood, written with the score it was estimated beside.
    "likelihood": "double precision",
    "likelihood_model_id": "bigint",
    "likelihood_factors": "json",
}
# Carried in score rows as JSON text: the service serializes them once (it also hashes them).
JSON_COLUMNS = frozenset(name for name, kind in SCORE_COLUMNS.items() if kind in ("json", "jsonb"))
# StageTransition columns a rescore fills, and their SQL types.
TRANSITION_COLUMNS: dict[str, str] = {
    "lead_id": "bigint",
    "from_stage": "varchar",
    "to_stage": "varchar",
    "cause": "varchar",
    "criterion_id": "bigint",
    "reason": "varchar",
    "occurred_at": "timestamptz",
}
CHUNK = 1000

ScoreRow = dict[str, Any]  # "id" and every SCORE_COLUMNS key; JSON_COLUMNS as JSON text


def lead_scores_update(rows: Sequence[ScoreRow], *, started: datetime) -> None:
    """Store score rows and clear the rescore marks they answer (marks older than ``started``)."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if connection.vendor == "postgresql":
            _lead_scores_unnest(chunk, started)
        else:
            _lead_scores_orm(chunk, started)


def _lead_scores_orm(rows: Sequence[ScoreRow], started: datetime) -> None:
    now = timezone.now()
    leads = []
    for row in rows:
        lead = Lead(pk=row["id"], updated_at=now)
        for column in SCORE_COLUMNS:
            value = row[column]
            setattr(lead, column, json.loads(value) if column in JSON_COLUMNS else value)
        leads.append(lead)
    Lead.objects.bulk_update(leads, [*SCORE_COLUMNS, "updated_at"], batch_size=250)
    Lead.objects.filter(pk__in=[row["id"] for row in rows]).filter(
        Q(rescore_requested_at__isnull=True) | Q(rescore_requested_at__lte=started)
    ).update(needs_rescore=False)


def _lead_scores_unnest(rows: Sequence[ScoreRow], started: datetime) -> None:
    """What ``_lead_scores_orm`` does, as one UPDATE with one array parameter per column."""
    columns = list(SCORE_COLUMNS)
    table = connection.ops.quote_name(Lead._meta.db_table)
    arrays = ", ".join(
        ["%b::bigint[]"]
        + [
            # JSON columns arrive as text arrays (the rows hold JSON text), cast by the server.
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
    params += [[row[column] for row in rows] for column in columns]
    _execute_binary(sql, params)


def transitions_insert(transitions: Sequence[StageTransition]) -> None:
    """Insert stage transitions (a first full rescore moves most leads out of ``new``)."""
    if not transitions:
        return
    if connection.vendor != "postgresql":
        StageTransition.objects.bulk_create(transitions, batch_size=CHUNK)
        return
    unnest_insert(StageTransition, TRANSITION_COLUMNS, transitions)


def unnest_insert(
    model: type[models.Model],
    columns: dict[str, str],
    objects: Sequence[models.Model] | Sequence[Mapping[str, Any]],
    *,
    conflict: str = "",
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """``INSERT INTO table (columns) SELECT * FROM unnest(arrays)`` (PostgreSQL only).

    ``objects`` are model instances or plain rows (dicts keyed by column: building a
    model instance per row costs more than the insert); ``columns`` maps attribute names
    to SQL types; ``conflict`` is an ``ON CONFLICT`` action (e.g. ``DO NOTHING``); returns
    the ``returning`` columns of the inserted rows.
    """
    if not objects:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    arrays = ", ".join(f"%b::{kind}[]" for kind in columns.values())
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    if conflict:
        sql += f" ON CONFLICT {conflict}"
    if returning:
        sql += " RETURNING " + ", ".join(quote(c) for c in returning)
    if isinstance(objects[0], Mapping):
        params = [[_plain(row[column]) for row in objects] for column in columns]
    else:
        params = [[_plain(getattr(obj, column)) for obj in objects] for column in columns]
    return _execute_binary(sql, params, fetch=bool(returning))


def _plain(value: Any) -> Any:
    """Choices members as their stored value (psycopg would dump an ``Enum`` by its name)."""
    return value.value if isinstance(value, Enum) else value


def _execute_binary(sql: str, params: list[Any], *, fetch: bool = False) -> list[tuple[Any, ...]]:
    """Run ``sql`` with server-side binding on Django's connection (in its transaction).

    ``%b`` parameters go to the server as binary; the statement bypasses Django's cursor
    wrapper, so it is not in Django's query log. Returns the rows when ``fetch``.
    """
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []


def asynchronous_commit() -> None:
    """Let the current transaction's commit return before its WAL reaches disk.

    For derived data only: scores can always be recomputed. A crash right after such a
    commit may lose it, and the lead then keeps its rescore mark and the sweep scores it
    again. Not waiting for the flush on every batch's commit keeps the writer busy
    writing. ``SET LOCAL`` ends with the transaction; nothing to do on other databases.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
