"""The likelihood model's window counts, one packed text per lead (``pack_window_counts``).

A full rescore reads every lead's counts of the model's event names in each learning
window, about three (lead, name) groups per lead. As rows, converting them was a
reader thread's largest cost, and the lead's digest needs them all. On PostgreSQL the
grouped query is wrapped in a second ``GROUP BY lead_id`` that ``string_agg``s each
lead's groups into the same text the readable path packs in Python, so a batch arrives as
one string per lead. Other databases take the readable path; both give the same texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from qualification.core.learning.columns import pack_window_counts
from qualification.db.rows import fast_cursor


def packed_window_counts(query: QuerySet, names: Sequence[str]) -> dict[int, str]:
    """Lead id -> packed counts, from a ``values("lead_id", "name")`` query annotated with
    one count per learning window, in window order; ``names`` gives each name its code."""
    code = {name: i for i, name in enumerate(names)}
    windows = list(query.query.annotation_select)
    if connection.vendor != "postgresql":
        groups: dict[int, list[tuple[int, ...]]] = {}
        for row in query:
            counts = (row[window] for window in windows)
            groups.setdefault(row["lead_id"], []).append((code[row["name"]], *counts))
        return {lead_id: pack_window_counts(each) for lead_id, each in groups.items()}
    sql, params = query.query.sql_with_params()
    position = "array_position(%s::text[], g.name) - 1"
    columns = ", ".join(f'g."{window}"' for window in windows)
    packed = (
        f"SELECT g.lead_id, string_agg(concat_ws(',', {position}, {columns}), ',' "
        f"ORDER BY {position}) FROM ({sql}) g GROUP BY g.lead_id"
    )
    with fast_cursor() as cursor:
        cursor.execute(packed, [list(names), list(names), *params])
        return dict(cursor.fetchall())
