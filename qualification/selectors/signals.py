"""The aggregation pass: one SQL query per batch of leads turns raw events into signals.

For every active event criterion the query computes, per lead, the matching events in the
criterion's window (count, distinct days, first and last seen) and, for decaying criteria,
the decayed sum ``Σ 0.5 ** (age_days / half_life)`` — all as filtered aggregates of a single
``GROUP BY lead_id`` over the (lead, name, occurred_at) index. Never a query per lead or per
criterion. The pure engine then computes on the dataclasses only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.db import NotSupportedError, connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Power, TruncDate

from qualification.core.scoring.types import (
    CriterionSpec,
    EventSignal,
    LeadFacts,
    LeadSignals,
    PolicySpec,
    build_frozen,
)
from qualification.core.vocabulary import KIND_USAGE
from qualification.models import Criterion, Event, Lead, QualificationPolicy

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class LeadRange:
    """Every lead whose id is in ``first..last``: a full rescore's batch.

    A range filter walks the (lead, name, occurred_at) index like the bare aggregation
    does; the same batch as a list of 2,000 ids costs a quarter more (measured).
    """

    first: int
    last: int


LeadBatch = Sequence[int] | LeadRange


def _batch_q(batch: LeadBatch, field: str) -> Q:
    if isinstance(batch, LeadRange):
        return Q(**{f"{field}__gte": batch.first, f"{field}__lte": batch.last})
    return Q(**{f"{field}__in": list(batch)})


class EpochDays(Func):
    """Days since the Unix epoch of a timestamp, as a float (for decay ages in SQL)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Decay in SQL is not available on {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql_template(
            compiler,
            connection,
            "(EXTRACT(EPOCH FROM %(expressions)s)::double precision / 86400.0)",
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql_template(
            compiler, connection, "(julianday(%(expressions)s) - 2440587.5)"
        )

    def as_sql_template(self, compiler, connection, template: str):
        return Func.as_sql(self, compiler, connection, template=template)


def criteria_specs_read() -> list[CriterionSpec]:
    """The active criteria as engine specs (one query)."""
    rows = Criterion.objects.filter(is_active=True).select_related("glossary_term")
    specs = []
    for criterion in rows:
        data: dict[str, Any] = criterion.definition()
        data.update(
            id=criterion.pk,
            key=criterion.key,
            name=criterion.name,
            applies_to=criterion.applies_to,
            glossary_term=criterion.glossary_term.slug if criterion.glossary_term else None,
        )
        specs.append(CriterionSpec.from_mapping(data))
    return specs


def policy_spec_read() -> PolicySpec:
    """The active qualification policy, or the defaults when ops have not made one."""
    policy = QualificationPolicy.objects.filter(is_active=True).first()
    if policy is None:
        return PolicySpec()
    return PolicySpec(
        mql_threshold=policy.mql_threshold,
        mql_min_fit=policy.mql_min_fit,
        pql_usage_threshold=policy.pql_usage_threshold,
        tier_hot=policy.tier_hot,
        tier_warm=policy.tier_warm,
        tier_cool=policy.tier_cool,
        outreach_order=policy.outreach_order,
        hand_raiser_events=tuple(policy.hand_raiser_events),
        limit_events=tuple(policy.limit_events),
        purchase_events=tuple(policy.purchase_events),
        account_pql_min_users=policy.account_pql_min_users,
        account_pql_window_days=policy.account_pql_window_days,
    )


def _match(spec: CriterionSpec) -> Q:
    """Rows an event criterion counts, ignoring its window."""
    condition = Q(name=spec.event_name)
    for prop, expected in (spec.property_filter or {}).items():
        condition &= Q(**{f"properties__{prop}": expected})
    return condition


def _window(spec: CriterionSpec, now: datetime) -> Q:
    if spec.window_days is None:
        return Q()
    return Q(occurred_at__gte=now - timedelta(days=spec.window_days))


def event_aggregates(
    criteria: Sequence[CriterionSpec], policy: PolicySpec, now: datetime
) -> dict[str, Any]:
    """The filtered aggregates of the pass, by alias (also used by the benchmark's bare SQL)."""
    now_days = Value(now.timestamp() / SECONDS_PER_DAY, output_field=FloatField())
    aggregates: dict[str, Any] = {}
    for index, spec in enumerate(criteria):
        if not spec.is_event:
            continue
        flt = _match(spec) & _window(spec, now) & Q(occurred_at__lte=now)
        aggregates[f"c{index}_n"] = Count("id", filter=flt)
        aggregates[f"c{index}_l"] = Max("occurred_at", filter=flt)
        if spec.measure == "distinct_days":
            aggregates[f"c{index}_d"] = Count(TruncDate("occurred_at"), distinct=True, filter=flt)
        if spec.half_life_days:
            age = (now_days - EpochDays(F("occurred_at"))) / Value(float(spec.half_life_days))
            aggregates[f"c{index}_s"] = Sum(
                Power(Value(0.5), age), filter=flt, output_field=FloatField()
            )
    for index, name in enumerate(_policy_event_names(policy)):
        flt = Q(name=name, occurred_at__lte=now)
        aggregates[f"p{index}_n"] = Count("id", filter=flt)
        aggregates[f"p{index}_l"] = Max("occurred_at", filter=flt)
    # Any product event means the lead signed up (the active-user stage).
    aggregates["product_n"] = Count("id", filter=Q(source="product", occurred_at__lte=now))
    return aggregates


def relevant_events(names: Sequence[str]) -> Q:
    """The rows the pass reads: events some criterion or policy names, and product events."""
    return Q(name__in=names) | Q(source="product") if names else Q(source="product")


def _policy_event_names(policy: PolicySpec) -> list[str]:
    names: list[str] = []
    for name in (*policy.hand_raiser_events, *policy.limit_events, *policy.purchase_events):
        if name not in names:
            names.append(name)
    return names


def relevant_event_names(criteria: Sequence[CriterionSpec], policy: PolicySpec) -> list[str]:
    names = {spec.event_name for spec in criteria if spec.is_event}
    names.update(_policy_event_names(policy))
    return sorted(names)


def _facts(row: dict[str, Any]) -> LeadFacts:
    email = row["email"] or ""
    lead = {
        "email": email,
        "email_domain": email.rsplit("@", 1)[1].lower() if "@" in email else "",
        "title": row["title"],
        "source": row["source"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "traits": row["traits"] or {},
    }
    account = None
    if row["account_id"] is not None:
        account = {
            "name": row["account__name"],
            "domain": row["account__domain"],
            "industry": row["account__industry"],
            "employee_count": row["account__employee_count"],
            "country": row["account__country"],
            "business_model": row["account__business_model"],
            "plan": row["account__plan"],
            "traits": row["account__traits"] or {},
        }
    return LeadFacts(lead=lead, account=account)


LEAD_FACT_COLUMNS = (
    "id",
    "email",
    "title",
    "source",
    "first_name",
    "last_name",
    "traits",
    "account_id",
    "account__name",
    "account__domain",
    "account__industry",
    "account__employee_count",
    "account__country",
    "account__business_model",
    "account__plan",
    "account__traits",
)


AccountActivity = tuple[dict[int, int], set[int]]


def account_active_users_read(
    account_ids: Iterable[int] | None,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
) -> AccountActivity:
    """Per account: how many of its leads met a usage criterion within the account window.

    Also returns the ids of those leads, so the engine knows whether this lead is one.
    ``account_ids=None`` reads every account at once (a full rescore does this once
    instead of once per batch).

    A lead counts when, for some event-based usage criterion, its matching events in the
    last ``account_pql_window_days`` reach the criterion's threshold. One query over that
    short window, grouped by (account, lead).
    """
    usage = [spec for spec in criteria if spec.is_event and spec.kind == KIND_USAGE]
    ids = None if account_ids is None else list(account_ids)
    if not usage or ids == []:
        return {}, set()
    since = now - timedelta(days=policy.account_pql_window_days)
    aggregates: dict[str, Any] = {}
    for index, spec in enumerate(usage):
        flt = _match(spec)
        if spec.measure == "distinct_days":
            aggregates[f"u{index}"] = Count(TruncDate("occurred_at"), distinct=True, filter=flt)
        else:
            aggregates[f"u{index}"] = Count("id", filter=flt)
    rows = (
        Event.objects.filter(
            Q(lead__account_id__in=ids) if ids is not None else Q(lead__account_id__isnull=False),
            occurred_at__gte=since,
            occurred_at__lte=now,
            name__in={spec.event_name for spec in usage},
        )
        .values("lead__account_id", "lead_id")
        .annotate(**aggregates)
        .order_by()
    )
    users: dict[int, int] = {}
    active: set[int] = set()
    for row in rows:
        if any(row[f"u{i}"] >= spec.threshold for i, spec in enumerate(usage)):
            account_id = row["lead__account_id"]
            users[account_id] = users.get(account_id, 0) + 1
            active.add(row["lead_id"])
    return users, active


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _dict_rows(query: QuerySet) -> Iterable[dict[str, Any]]:
    """Rows of a ``values()`` query as dicts.

    On PostgreSQL the compiled SQL runs on a plain cursor: psycopg already returns
    timezone-aware datetimes and numbers, and skipping Django's per-value converters
    halves the cost of reading a wide aggregation. Other databases go through the ORM.
    """
    if connection.vendor != "postgresql":
        return list(query)
    # The keys Django's values() would use (``account__name``, not the column's name).
    names, rows = _tuple_rows(query)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _tuple_rows(query: QuerySet) -> tuple[list[str], list[tuple]]:
    """Rows of a ``values()`` query as tuples, with their column names (fast on PostgreSQL)."""
    inner = query.query
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

    Django registers a pure-Python timestamptz loader on its PostgreSQL connections; for
    wide aggregations that loader was a visible cost. The session time zone is UTC (Django
    sets it), so the C loader returns the same aware datetimes. JSON columns come back
    decoded, as the ORM returns them. Queries still go through Django's cursor wrapper, so
    they are logged and counted like any other.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _FAST_TIMESTAMPTZ is not None:
            from psycopg.types.json import set_json_loads

            cursor.cursor.adapters.register_loader("timestamptz", _FAST_TIMESTAMPTZ)
            set_json_loads(orjson.loads, cursor.cursor)
        yield cursor


def _fast_timestamptz_loader() -> type | None:
    try:
        import psycopg
        from psycopg.pq import Format
    except ImportError:  # SQLite-only installs
        return None
    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)


_FAST_TIMESTAMPTZ = _fast_timestamptz_loader()


# The stored state a rescore compares its result with, read with the facts (one query).
STATE_FIELDS = ("stage", "qualification", "qualified_at", "last_signal_at", "score_digest")


def lead_signals_read(
    lead_ids: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    account_activity: AccountActivity | None = None,
) -> dict[int, LeadSignals]:
    """Signals for a batch of leads in three queries: leads, the aggregation, accounts.

    Pass ``account_activity`` (from ``account_active_users_read(None, ...)``) when scoring
    many batches at the same ``now`` to skip the per-batch account query.
    """
    return lead_batch_read(lead_ids, criteria, policy, now, account_activity)[0]


@dataclass(frozen=True)
class BatchRows:
    """A batch as fetched: lead rows (facts and state) and aggregation rows as tuples.

    Fetching only talks to the database; building the signals is pure Python. A full
    rescore fetches on a reader thread and builds on the scoring thread, so the reader
    holds Python's lock as little as possible and the next aggregation starts at once.
    """

    leads: list[dict[str, Any]]
    columns: dict[str, int]  # aggregation column -> position in its row tuples
    aggregates: list[tuple]


def lead_batch_read(
    batch: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    account_activity: AccountActivity | None = None,
) -> tuple[dict[int, LeadSignals], dict[int, dict[str, Any]]]:
    """The batch's signals, and each lead's stored state (``STATE_FIELDS``) by id."""
    rows = lead_batch_fetch(batch, criteria, policy, now)
    return lead_batch_build(rows, criteria, policy, now, account_activity)


def lead_batch_fetch(
    batch: LeadBatch, criteria: Sequence[CriterionSpec], policy: PolicySpec, now: datetime
) -> BatchRows:
    """The two queries of a batch: its leads, and the aggregation pass over their events."""
    leads = _dict_rows(
        Lead.objects.filter(_batch_q(batch, "pk"))
        .values(*LEAD_FACT_COLUMNS, *STATE_FIELDS)
        .order_by()
    )
    query = (
        Event.objects.filter(_batch_q(batch, "lead_id"))
        .filter(relevant_events(relevant_event_names(criteria, policy)))
        .values("lead_id")
        .annotate(**event_aggregates(criteria, policy, now))
        .order_by()
    )
    names, aggregates = _tuple_rows(query)
    return BatchRows(leads, {name: i for i, name in enumerate(names)}, aggregates)


def lead_batch_build(
    fetched: BatchRows,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    account_activity: AccountActivity | None = None,
) -> tuple[dict[int, LeadSignals], dict[int, dict[str, Any]]]:
    """Signals and stored state per lead from fetched rows (no query with ``account_activity``)."""
    leads = fetched.leads
    accounts, active_leads = account_activity or account_active_users_read(
        {row["account_id"] for row in leads if row["account_id"] is not None}, criteria, policy, now
    )
    at = fetched.columns
    rows = {row[at["lead_id"]]: row for row in fetched.aggregates}
    # Positions per criterion, looked up once per batch rather than per lead.
    columns = [
        (
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
        (name, at[f"p{i}_n"], at[f"p{i}_l"]) for i, name in enumerate(_policy_event_names(policy))
    ]
    product_n = at["product_n"]
    signals: dict[int, LeadSignals] = {}
    states: dict[int, dict[str, Any]] = {}
    for lead in leads:
        lead_id = lead["id"]
        row = rows.get(lead_id)
        events: dict[str, EventSignal] = {}
        policy_events: dict[str, EventSignal] = {}
        if row is not None:
            for key, n, d, last, decayed in columns:
                count = row[n]
                if count:  # build_frozen: a tenth of the dataclass __init__ (see there)
                    events[key] = build_frozen(
                        EventSignal,
                        {
                            "count": count,
                            "distinct_days": (row[d] or 0) if d is not None else 0,
                            "first_seen": None,
                            "last_seen": row[last],
                            "decayed_sum": _float(row[decayed]) if decayed is not None else None,
                        },
                    )
            for name, n, last in policy_columns:
                if row[n]:
                    policy_events[name] = EventSignal(count=row[n], last_seen=row[last])
        signals[lead_id] = LeadSignals(
            facts=_facts(lead),
            events=events,
            policy_events=policy_events,
            account_active_users=accounts.get(lead["account_id"], 0),
            account_active=lead_id in active_leads,
            signed_up=bool(row and row[product_n]),
        )
        states[lead_id] = {"id": lead_id, **{name: lead[name] for name in STATE_FIELDS}}
    return signals, states
