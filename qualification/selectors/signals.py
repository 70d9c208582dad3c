"""One batch of leads as the engine's input: fetch its rows, then build the signals.

A batch costs two queries here (its leads' facts and stored state, the aggregation pass
over their events) plus, unless the caller already has it, the account-activity read.
Fetching only talks to the database and building is pure Python, so a full rescore can
fetch on reader threads while the scoring thread builds and scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from qualification.core.domains import email_domain
from qualification.core.scoring.types import (
    CriterionSpec,
    EventSignal,
    LeadFacts,
    LeadSignals,
    PolicySpec,
    build_frozen,
)
from qualification.core.vocabulary import ACCOUNT_ATTRIBUTES, LEAD_ATTRIBUTES
from qualification.db.rows import dict_rows, tuple_rows
from qualification.models import Event, Lead
from qualification.selectors.aggregation import (
    AccountActivity,
    LeadBatch,
    account_active_users_read,
    batch_q,
    event_aggregates,
    model_event_windows_read,
    policy_event_names,
    relevant_event_names,
    relevant_events,
)

# The attributes criteria may read (core.vocabulary); ``email_domain`` is derived from the email.
_LEAD_COLUMNS = tuple(name for name in LEAD_ATTRIBUTES if name != "email_domain")
_ACCOUNT_COLUMNS = tuple((name, f"account__{name}") for name in ACCOUNT_ATTRIBUTES)
LEAD_FACT_COLUMNS = (
    "id",
    *_LEAD_COLUMNS,
    "traits",
    "account_id",
    *(column for _, column in _ACCOUNT_COLUMNS),
    "account__traits",
)


class LeadState(NamedTuple):
    """What a lead has stored that a rescore compares its new result with."""

    stage: str
    qualification: str
    qualified_at: datetime | None
    last_signal_at: datetime | None
    score_digest: str
    queue: str
    criteria_version_id: int | None
    tier: int = 0
    # The SLA clock's inputs and stored moments (a rescore that moves the queue, tier or
    # qualification time recomputes the clock in the same row write).
    claimed_at: datetime | None = None
    first_touched_at: datetime | None = None
    sla_started_at: datetime | None = None
    sla_warn_at: datetime | None = None
    sla_due_at: datetime | None = None
    sla_stopped_at: datetime | None = None


# Read with the facts, in the same query.
STATE_FIELDS = LeadState._fields


@dataclass(frozen=True)
class BatchRows:
    """A batch as fetched: lead rows (facts and state) and the aggregation's row tuples."""

    leads: list[dict[str, Any]]
    columns: dict[str, int]  # aggregation alias (``event_aggregates``) -> position in a row
    aggregates: list[tuple]
    model_events: tuple[str, ...] = ()  # the event names counted per learning window
    model_windows: dict[int, str] = field(default_factory=dict)  # model_event_windows_read


class LeadBatchSignals(NamedTuple):
    """A built batch: each lead's signals for the engine, and its stored state, by lead id.

    ``model_counts``: per lead with any, its events of each of ``model_events`` in the
    ``core.learning.EVENT_WINDOWS`` (7, 30, 90 days), packed as text
    (``core.learning.columns.pack_window_counts``): what the likelihood model reads beside
    the criteria. Hashed as is into every lead's digest and parsed only for the leads a
    rescore estimates (``EventCounts.from_packed``); a lead without is absent. Empty when
    no model events were asked.
    ``rows``: the fetched lead rows (``LEAD_FACT_COLUMNS`` and state), by id, from which
    ``selectors.lead_inputs.lead_columns_build`` lays out the model's inputs.
    """

    signals: dict[int, LeadSignals]
    states: dict[int, LeadState]
    # Shared empty defaults, never mutated.
    model_counts: dict[int, str] = {}
    rows: dict[int, dict[str, Any]] = {}
    model_events: tuple[str, ...] = ()
    latest: dict[int, datetime] = {}  # per lead with events: its latest event read


class _CriterionColumns(NamedTuple):
    """Where one event criterion's aggregates sit in an aggregation row."""

    key: str
    count: int
    distinct_days: int | None
    last_seen: int
    decayed_sum: int | None


def lead_batch_fetch(
    batch: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    *,
    model_events: Sequence[str] = (),
) -> BatchRows:
    """The two queries of a batch: its leads, and the aggregation pass over their events.

    ``model_events``: event names the live likelihood model reads; with any, a third
    query counts them per learning window (``model_event_windows_read``). The pass does
    not read them: what the scoring reads, and so the lead's last signal, is the same
    with a model live or not.
    """
    model_events = tuple(model_events)
    leads = dict_rows(
        Lead.objects.filter(batch_q(batch, "pk"))
        .values(*LEAD_FACT_COLUMNS, *STATE_FIELDS)
        .order_by()
    )
    query = (
        Event.objects.filter(batch_q(batch, "lead_id"))
        .filter(relevant_events(relevant_event_names(criteria, policy)))
        .values("lead_id")
        .annotate(**event_aggregates(criteria, policy, now))
        .order_by()
    )
    names, aggregates = tuple_rows(query)
    return BatchRows(
        leads,
        {name: i for i, name in enumerate(names)},
        aggregates,
        model_events,
        model_event_windows_read(batch, model_events, now),
    )


def lead_batch_build(
    fetched: BatchRows,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    account_activity: AccountActivity | None = None,
) -> LeadBatchSignals:
    """Signals and stored state per lead from fetched rows.

    Pass ``account_activity`` (from ``account_active_users_read(None, ...)``) when scoring
    many batches at the same ``now``: building then makes no query at all.
    """
    leads = fetched.leads
    if account_activity is None:
        account_ids = {row["account_id"] for row in leads if row["account_id"] is not None}
        account_activity = account_active_users_read(account_ids, criteria, policy, now)
    accounts, active_leads = account_activity
    at = fetched.columns
    rows = {row[at["lead_id"]]: row for row in fetched.aggregates}
    # Positions per criterion, looked up once per batch rather than per lead.
    criterion_columns = [
        _CriterionColumns(
            spec.key,
            at[f"c{i}_n"],
            at.get(f"c{i}_d"),
            at[f"c{i}_l"],
            at.get(f"c{i}_s") if spec.half_life_days else None,
        )
        for i, spec in enumerate(criteria)
        if spec.is_event
    ]
    policy_columns = [
        (name, at[f"p{i}_n"], at[f"p{i}_l"]) for i, name in enumerate(policy_event_names(policy))
    ]
    product_n = at["product_n"]
    latest_l = at["latest_l"]
    signals: dict[int, LeadSignals] = {}
    states: dict[int, LeadState] = {}
    latest: dict[int, datetime] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for lead in leads:
        lead_id = lead["id"]
        row = rows.get(lead_id)
        events: dict[str, EventSignal] = {}
        policy_events: dict[str, EventSignal] = {}
        if row is not None:
            for key, n, days, last, decayed in criterion_columns:
                count = row[n]
                if count:  # build_frozen: a tenth of the dataclass __init__ (see there)
                    events[key] = build_frozen(
                        EventSignal,
                        {
                            "count": count,
                            "distinct_days": (row[days] or 0) if days is not None else 0,
                            "first_seen": None,
                            "last_seen": row[last],
                            "decayed_sum": _float(row[decayed]) if decayed is not None else None,
                        },
                    )
            for name, n, last in policy_columns:
                if row[n]:
                    policy_events[name] = EventSignal(count=row[n], last_seen=row[last])
            if row[latest_l] is not None:
                latest[lead_id] = row[latest_l]
        signals[lead_id] = LeadSignals(
            facts=_facts(lead),
            events=events,
            policy_events=policy_events,
            account_active_users=accounts.get(lead["account_id"], 0),
            account_active=lead_id in active_leads,
            signed_up=bool(row and row[product_n]),
        )
        states[lead_id] = LeadState(*(lead[name] for name in STATE_FIELDS))
        by_id[lead_id] = lead
    return LeadBatchSignals(
        signals, states, fetched.model_windows, by_id, fetched.model_events, latest
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _facts(row: dict[str, Any]) -> LeadFacts:
    lead = {name: row[name] for name in _LEAD_COLUMNS}
    email = lead["email"] = row["email"] or ""
    lead["email_domain"] = email_domain(email)
    lead["traits"] = row["traits"] or {}
    account = None
    if row["account_id"] is not None:
        account = {name: row[column] for name, column in _ACCOUNT_COLUMNS}
        account["traits"] = row["account__traits"] or {}
    return LeadFacts(lead=lead, account=account)
