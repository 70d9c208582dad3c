"""``VACUUM (ANALYZE)`` on demand, for a table a bulk rewrite just churned; ``ANALYZE`` after a load.

Rewriting most rows of a table leaves dead tuples and a stale visibility map; until
autovacuum catches up, counts that could be index-only scans read the heap instead, and
the queue pages' counts slow down. Callers that know they rewrote much of a table run
this right away.
"""

from __future__ import annotations

from django.db import DatabaseError, connection, models


def table_vacuum_analyze(model: type[models.Model]) -> bool:
    """VACUUM (ANALYZE) the model's table; False where that cannot run (SQLite, a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    return True


def tables_analyze(*tables: type[models.Model]) -> bool:
    """ANALYZE the models' tables after a bulk load; False where it does not run (SQLite).

    Unlike VACUUM this runs inside a transaction and counts the rows the transaction
    itself inserted, so a load that goes on to query what it loaded (the demo scores its
    leads in the same transaction) is planned on its real row counts, not on statistics
    taken when the tables held a handful of rows (a lookup per lead planned as a scan
    made one demo load take minutes instead of seconds).
    """
    if connection.vendor != "postgresql" or not tables:
        return False
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
    return True


def checkpoint() -> bool:
    """Write every dirty page to disk now (``CHECKPOINT``); False where that cannot run
    (SQLite, a transaction, a role without ``pg_checkpoint``).

    For timing: the pages one bulk rewrite dirtied are otherwise flushed by the
    background writer and the next checkpoint while whatever runs next is being timed.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:  # not permitted: the caller times without it
        return False
    return True
