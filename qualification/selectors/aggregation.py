"""The aggregation pass: one SQL query per batch of leads turns raw events into signals.

For every active event criterion the query computes, per lead, the matching events in the
criterion's window (count, distinct days, last seen) and, for decaying criteria, the
decayed sum ``Σ 0.5 ** (age_days / half_life)``: all filtered aggregates of a single
``GROUP BY lead_id`` over the (lead, name, occurred_at) index. Never a query per lead or
per criterion. The account-level usage read (colleagues who use the product) is here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.db import NotSupportedError
from django.db.models import Count, F, FloatField, Func, Max, Q, Sum, Value
from django.db.models.functions import Power, TruncDate

from qualification.core.learning.inputs import EVENT_WINDOWS
from qualification.core.scoring.types import CriterionSpec, PolicySpec
from qualification.core.vocabulary import KIND_USAGE
from qualification.db.windows import packed_window_counts
from qualification.models import Event

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


def batch_q(batch: LeadBatch, field: str) -> Q:
    """The rows of ``batch``, with ``field`` holding the lead id."""
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
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
) -> dict[str, Any]:
    """The filtered aggregates of the pass, by alias (also used by the benchmark's bare SQL).

    Aliases: ``c{i}_n``, ``c{i}_l``, ``c{i}_d``, ``c{i}_s`` for the i-th criterion (count,
    last seen, distinct days, decayed sum), ``p{i}_n``, ``p{i}_l`` for the i-th policy event
    name, ``product_n`` and ``latest_l`` (the latest event of those read). The likelihood
    model's window counts are a query of their own (``model_event_windows_read``).
    """
    now_days = Value(now.timestamp() / SECONDS_PER_DAY, output_field=FloatField())
    aggregates: dict[str, Any] = {}
    for index, spec in enumerate(criteria):
        if not spec.is_event:
            continue
        flt = _match(spec) & _window(spec, now) & Q(occurred_at__lte=now)
        aggregates[f"c{index}_n"] = Count("id", filter=flt)
        aggregates[f"c{index}_l"] = Max("occurred_at", filter=flt)
        if spec.measure == "distinct_days":
            aggregates[f"c{index}_d"] = Count(
                TruncDate("occurred_at", tzinfo=UTC), distinct=True, filter=flt
            )
        if spec.half_life_days:
            age = (now_days - EpochDays(F("occurred_at"))) / Value(float(spec.half_life_days))
            aggregates[f"c{index}_s"] = Sum(
                Power(Value(0.5), age), filter=flt, output_field=FloatField()
            )
    for index, name in enumerate(policy_event_names(policy)):
        flt = Q(name=name, occurred_at__lte=now)
        aggregates[f"p{index}_n"] = Count("id", filter=flt)
        aggregates[f"p{index}_l"] = Max("occurred_at", filter=flt)
    # Any product event means the lead signed up (the active-user stage).
    aggregates["product_n"] = Count("id", filter=Q(source="product", occurred_at__lte=now))
    # The latest of the events read: the queue's "Last signal" (not the strongest's time).
    aggregates["latest_l"] = Max("occurred_at", filter=Q(occurred_at__lte=now))
    return aggregates


def model_event_windows_read(
    batch: LeadBatch, names: Sequence[str], now: datetime
) -> dict[int, str]:
    """Per lead of ``batch`` with events of ``names`` (the live likelihood model's event
    names) in the longest window: its counts of each name in each of the
    ``EVENT_WINDOWS``, packed (``core.learning.columns.pack_window_counts``).

    Why a query of its own rather than more filtered counts in the aggregation pass: there,
    each window of each name was one ``FILTER`` evaluated on every event row (48 of them for
    16 names, a fifth more database time per batch, measured), while here the (lead, name,
    occurred_at) index serves the rows in groups, index only (no table page is read), and
    each (lead, name) group counts its windows with three filters on the time alone.
    """
    if not names:
        return {}
    longest = max(EVENT_WINDOWS)
    # occurred_at rather than id: the index holds it, so no table page is read.
    windows = {
        f"n{days}": Count("occurred_at", filter=Q(occurred_at__gte=now - timedelta(days=days)))
        for days in EVENT_WINDOWS
    }
    query = (
        # No name filter here: the events of a batch's leads are read from the index
        # whatever their name, and ``packed_window_counts`` drops other names per group
        # rather than testing every event row against the model's names.
        Event.objects.filter(
            batch_q(batch, "lead_id"),
            occurred_at__gte=now - timedelta(days=longest),
            occurred_at__lte=now,
        )
        .values("lead_id", "name")
        .annotate(**windows)
        .order_by()
    )
    return packed_window_counts(query, names)


def relevant_events(names: Sequence[str]) -> Q:
    """The rows the pass reads: events some criterion or policy names, and product events."""
    return Q(name__in=names) | Q(source="product") if names else Q(source="product")


def policy_event_names(policy: PolicySpec) -> list[str]:
    """The event names the policy itself reads (hand-raisers, limits, purchases), in order."""
    names: list[str] = []
    for name in (*policy.hand_raiser_events, *policy.limit_events, *policy.purchase_events):
        if name not in names:
            names.append(name)
    return names


def relevant_event_names(criteria: Sequence[CriterionSpec], policy: PolicySpec) -> list[str]:
    """The event names the criteria and the policy read. Not the likelihood model's: its
    counts are a query of their own, and a lead's last signal (``latest_l``) must not move
    when a model goes live."""
    names = {spec.event_name for spec in criteria if spec.is_event}
    names.update(policy_event_names(policy))
    return sorted(names)


class AccountActivity(NamedTuple):
    """Who uses the product at each account, for account-level PQLs."""

    users: dict[int, int]  # account id -> its leads that met a usage criterion
    active_leads: set[int]  # the ids of those leads


def account_active_users_read(
    account_ids: Iterable[int] | None,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
) -> AccountActivity:
    """Per account: how many of its leads met a usage criterion within the account window.

    ``account_ids=None`` reads every account at once (a full rescore does this once
    instead of once per batch).

    A lead counts when, for some event-based usage criterion, its matching events in the
    last ``account_pql_window_days`` reach the criterion's threshold. One query over that
    short window, grouped by (account, lead).
    """
    usage = [spec for spec in criteria if spec.is_event and spec.kind == KIND_USAGE]
    ids = None if account_ids is None else list(account_ids)
    if not usage or ids == []:
        return AccountActivity({}, set())
    since = now - timedelta(days=policy.account_pql_window_days)
    aggregates: dict[str, Any] = {}
    for index, spec in enumerate(usage):
        flt = _match(spec)
        if spec.measure == "distinct_days":
            aggregates[f"u{index}"] = Count(
                TruncDate("occurred_at", tzinfo=UTC), distinct=True, filter=flt
            )
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
    activity = AccountActivity({}, set())
    for row in rows:
        if any(row[f"u{i}"] >= spec.threshold for i, spec in enumerate(usage)):
            account_id = row["lead__account_id"]
            activity.users[account_id] = activity.users.get(account_id, 0) + 1
            activity.active_leads.add(row["lead_id"])
    return activity
