"""The likelihood model's window counts, one packed text per lead (``pack_window_counts``).

A full rescore reads every lead's counts of the model's event names in each learning
window, about seven (lead, name) groups per lead. As rows, converting them was a
reader thread's largest cost, and the lead's digest needs them all. On PostgreSQL the
grouped query is wrapped in a second ``GROUP BY lead_id`` that ``string_agg``s each
lead's groups into the same text the readable path packs in Python, so a batch arrives as
one string per lead. Other databases take the readable path; both give the same texts.

The wrapping is where this query's time went (60% of it, measured at 100,000 leads), so:

- the name's code is worked out once per group, in a fenced subquery (``OFFSET 0`` keeps
  PostgreSQL from inlining it and computing it twice), and groups of names the model does
  not know are dropped there, per group rather than per event row;
- the groups are put in code order by that subquery (an incremental sort, the groups
  already arrive by lead) rather than by an ``ORDER BY`` inside ``string_agg``, which set
  up a sort for every lead: together, the query's database time fell by a fifth.

PostgreSQL documents an aggregate fed by a sorted subquery as ordered in practice, not by
the standard. Were the order ever lost, a lead's text would differ from the stored one's
and the lead would be rewritten once (the digest hashes the text); the counts themselves
are parsed by code, in any order (``EventCounts.from_packed``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from qualification.core.learning.columns import pack_window_counts
from qualification.db.rows import fast_cursor


def packed_window_counts(query: QuerySet, names: Sequence[str]) -> dict[int, str]:
    """Lead id -> packed counts, from a ``values("lead_id", "name")`` query annotated with
    one count per learning window, in window order; ``names`` gives each name its code, and
    groups of other names are left out."""
    code = {name: i for i, name in enumerate(names)}
    windows = list(query.query.annotation_select)
    if connection.vendor != "postgresql":
        groups: dict[int, list[tuple[int, ...]]] = {}
        for row in query:
            if row["name"] in code:
                counts = (row[window] for window in windows)
                groups.setdefault(row["lead_id"], []).append((code[row["name"]], *counts))
        return {lead_id: pack_window_counts(each) for lead_id, each in groups.items()}
    sql, params = query.query.sql_with_params()
    columns = ", ".join(f'g."{window}"' for window in windows)
    packed = (
        f"SELECT g.lead_id, string_agg(concat_ws(',', g.code, {columns}), ',') "
        "FROM (SELECT h.*, array_position(%s::text[], h.name) - 1 AS code "
        f"FROM ({sql}) h ORDER BY h.lead_id, code OFFSET 0) g "
        "WHERE g.code IS NOT NULL GROUP BY g.lead_id"
    )
    with fast_cursor() as cursor:
        cursor.execute(packed, [list(names), *params])
        return dict(cursor.fetchall())
