"""``VACUUM (ANALYZE)`` on demand, for a table a bulk rewrite just churned.

Rewriting most rows of a table leaves dead tuples and a stale visibility map; until
autovacuum catches up, counts that could be index-only scans read the heap instead, and
the queue pages' counts slow down. Callers that know they rewrote much of a table run
this right away.
"""

from __future__ import annotations

from django.db import connection, models


def table_vacuum_analyze(model: type[models.Model]) -> bool:
    """VACUUM (ANALYZE) the model's table; False where that cannot run (SQLite, a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    return True
