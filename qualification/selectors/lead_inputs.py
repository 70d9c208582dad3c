"""A lead's learning inputs from fetched rows: the one definition of what the learner sees.

The snapshot taken at first touch or feedback, the backfill that rebuilds snapshots for
older outcomes and the live likelihood all read a lead through this module, so the model
sees the leads it learns from and the leads it scores in the same shape:

- ``lead_inputs_build``: one lead as a ``core.learning.LeadInputs`` (what a snapshot stores);
- ``lead_columns_build``: a rescore's batch as ``core.learning.columns.LeadColumns``, the
  same values laid out by column, for the feature matrix of every lead a rescore writes
  (a property test holds the two to the same matrix).

Rows are keyed as ``selectors.signals.LEAD_FACT_COLUMNS`` (the rescore's batch rows are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np

from qualification.core.domains import email_domain
from qualification.core.learning.attributes import TRAIT_PREFIX
from qualification.core.learning.columns import EventCounts, FiredCriteria, LeadColumns
from qualification.core.learning.inputs import LeadInputs, evidence_count

# The lead's own attributes the learner reads (names and e-mail addresses identify a
# person, not a kind of buyer; a free-mail domain is common enough to mean something).
LEARNING_LEAD_ATTRIBUTES = ("source", "title")
LEARNING_ACCOUNT_ATTRIBUTES = ("industry", "employee_count", "country", "business_model", "plan")
_SCALARS = (str, int, float, bool)
# Where each side's traits sit in a row.
_TRAIT_COLUMNS = {"lead": "traits", "account": "account__traits"}


def criteria_fired(items: Iterable[Mapping[str, Any] | Any]) -> dict[str, int]:
    """Criterion key -> evidence count from a breakdown's contributions (and disqualifiers).

    Items are the stored JSON dicts or the engine's ``Contribution`` objects. An attribute
    criterion has no count: it fired once. A criterion listed twice keeps its largest count.
    """
    fired: dict[str, int] = {}
    for item in items:
        # The engine's dataclass (a full rescore) or stored JSON: attributes first, since
        # an ABC ``isinstance`` per contribution was most of this function's time.
        if isinstance(item, dict):
            key, count = item.get("key"), item.get("count")
        elif hasattr(item, "key"):
            key, count = item.key, getattr(item, "count", None)
        else:
            key, count = _field(item, "key"), _field(item, "count")
        if not key:
            continue
        fired[str(key)] = max(evidence_count(count), fired.get(str(key), 0))
    return fired


def _field(item: Mapping[str, Any] | Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def breakdown_fired(breakdown: Mapping[str, Any] | None) -> dict[str, int]:
    """The criteria a stored breakdown shows fired: the lead's score at that moment."""
    data = breakdown or {}
    return criteria_fired([*(data.get("contributions") or []), *(data.get("disqualifiers") or [])])


def _traits(traits: Any) -> dict[str, Any]:
    """``trait.<key>`` -> scalar value; nested values are left out (nothing to one-hot)."""
    if not isinstance(traits, Mapping):
        return {}
    return {
        f"trait.{key}": value
        for key, value in traits.items()
        if value is None or isinstance(value, _SCALARS)
    }


def lead_inputs_build(
    row: Mapping[str, Any],
    *,
    criteria: Mapping[str, int],
    events: Mapping[str, tuple[int, int, int]],
    score: int,
    tier: int,
    qualification: str,
    pql_kind: str,
    queue: str,
) -> LeadInputs:
    """A lead's learning inputs from a ``LEAD_FACT_COLUMNS`` row, its criteria and events.

    ``row`` is keyed as ``selectors.signals.LEAD_FACT_COLUMNS`` (the rescore's batch rows
    are), so the rescore can build live inputs from what it already fetched.
    """
    lead: dict[str, Any] = {name: row.get(name) or "" for name in LEARNING_LEAD_ATTRIBUTES}
    lead["email_domain"] = email_domain(row.get("email") or "")
    lead.update(_traits(row.get("traits")))
    account: dict[str, Any] = {}
    if row.get("account_id") is not None:
        account = {name: row.get(f"account__{name}") for name in LEARNING_ACCOUNT_ATTRIBUTES}
        account.update(_traits(row.get("account__traits")))
    return LeadInputs(
        criteria=dict(criteria),
        events=dict(events),
        lead=lead,
        account=account,
        score=int(score or 0),
        tier=int(tier or 0),
        qualification=qualification or "none",
        pql_kind=pql_kind or "",
        queue=queue or "none",
    )


def stored_lead_inputs(row: Mapping[str, Any], events: Mapping[str, Any]) -> LeadInputs:
    """A lead's inputs from a ``lead_input_rows_read`` row as it is stored now: the criteria
    its stored score shows fired and its stored placement (what a live snapshot keeps)."""
    return lead_inputs_build(
        row,
        criteria=breakdown_fired(row.get("breakdown")),
        events=events,
        score=row["total_score"],
        tier=row["tier"],
        qualification=row["qualification"],
        pql_kind=row["pql_kind"],
        queue=row["queue"],
    )


def lead_columns_build(
    rows: Sequence[Mapping[str, Any]],
    *,
    criteria: FiredCriteria,
    events: EventCounts,
) -> LeadColumns:
    """``lead_inputs_build`` for many rows at once, by column (row ``i`` is ``rows[i]``):
    ``criteria`` are what fired on them (the engine's counts), ``events`` the rows' event
    counts. Only the attributes a model asks for are read."""

    def values(side: str, attr: str) -> list[Any]:
        if side == "lead" and attr in LEARNING_LEAD_ATTRIBUTES:
            return [row.get(attr) or "" for row in rows]
        if side == "lead" and attr == "email_domain":
            return [email_domain(row.get("email") or "") for row in rows]
        if side == "account" and attr in LEARNING_ACCOUNT_ATTRIBUTES:
            column = f"account__{attr}"
            return [row.get(column) if row.get("account_id") is not None else None for row in rows]
        if side in _TRAIT_COLUMNS and attr.startswith(TRAIT_PREFIX):
            key, column = attr[len(TRAIT_PREFIX) :], _TRAIT_COLUMNS[side]
            return [
                _trait(row.get(column), key)
                if side == "lead" or row.get("account_id") is not None
                else None
                for row in rows
            ]
        return [None] * len(rows)

    return LeadColumns(size=len(rows), criteria=criteria, events=events, values=values)


def fired_criteria(results: Sequence[Any]) -> FiredCriteria:
    """What fired on each of the engine's results (its contributions and disqualifiers),
    by column: the items are gathered once and read with ``attrgetter`` (no tuple per
    item: a full rescore has half a million)."""
    items = [(*result.contributions, *result.disqualifiers) for result in results]
    flat = list(chain.from_iterable(items))
    return FiredCriteria(
        np.repeat(np.arange(len(items), dtype=np.intp), [len(each) for each in items]),
        list(map(attrgetter("key"), flat)),
        list(map(attrgetter("count"), flat)),
    )


def _trait(traits: Any, key: str) -> Any:
    """One trait's value as ``_traits`` keeps it (scalars only), None when it has none."""
    if not isinstance(traits, Mapping):
        return None
    value = traits.get(key)
    return value if value is None or isinstance(value, _SCALARS) else None
