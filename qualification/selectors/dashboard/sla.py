"""SLA figures: attainment per queue and tier and per rep, response times, open alerts, bands.

Definitions (the page repeats them in plain words):

* The cohort is leads whose ``qualified_at`` falls in the period and that have a clock
  (``sla_due_at`` set: a policy covered their queue and tier).
* *Met*: touched by the deadline (``sla_met`` true, stored at first touch). *Missed*: touched
  late (``sla_met`` false), still untouched after ``sla_due_at``, or out of the SDR queues
  untouched when the deadline had passed (``sla_stopped_at`` after ``sla_due_at``: a breach
  stays a miss when the lead is then disqualified, recycled or passed to sales). Leads
  still inside their allowance, or that left the queues before it ran out, count in
  neither. Attainment = met / (met + missed).
* Queue is the one the lead qualified into (its move into MQL or PQL at ``qualified_at``;
  the stored ``queue`` is cleared once sales takes the lead, and ``qualification`` is the
  score now); tier is the lead's current tier.
* Response time: business minutes (``sla_response_minutes``, what the SLA measures) and
  wall-clock minutes (``first_touched_at - sla_started_at``, what the lead waited); median
  and 90th percentile over touched leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from qualification.core.sla.bands import RESPONSE_BANDS
from qualification.core.vocabulary import (
    SALES_STAGES,
    SDR_WORKABLE_STAGES,
    STAGE_MQL,
    STAGE_PQL,
    tier_name,
)
from qualification.models import Lead, StageTransition, user_display_name
from qualification.models.accounts import CLOCK_RUNNING
from qualification.selectors.dashboard.expressions import (
    WallMinutes,
    in_database_percentiles,
    percentile_aggregates,
    percentiles,
    percentiles_from_row,
)
from qualification.selectors.dashboard.period import DashboardFilters
from qualification.selectors.dashboard.tables import Column, Table, share

# Only what the lists show: a lead row also carries large JSON (breakdown, reasons).
LIST_FIELDS = (
    "first_name", "last_name", "email", "user_id", "stage", "qualification", "queue", "tier",
    "qualified_at", "sla_due_at", "owner__first_name", "owner__last_name", "owner__username",
)  # fmt: skip
LIST_LIMIT = 100  # leads listed (and exported) in the open-alerts and never-touched tables
QUEUE_LABELS = {"mql": "MQL", "pql": "PQL"}

FIGURE_COLUMNS = [
    Column("clocked", "Leads with a clock"),
    Column("met", "Met"),
    Column("missed", "Missed"),
    Column("running", "Still running"),
    Column("never_touched", "Never touched"),
    Column("attainment", "Attainment", "pct"),
    Column("median_business", "Median business min", "minutes"),
    Column("p90_business", "P90 business min", "minutes"),
    Column("median_wall", "Median wall-clock min", "minutes"),
    Column("p90_wall", "P90 wall-clock min", "minutes"),
]


def met_q() -> Q:
    return Q(sla_met=True)


def missed_q(now: datetime) -> Q:
    """Late, overdue, or stopped past the deadline (``core.sla.stored.missed_at_stop``)."""
    return (
        Q(sla_met=False)
        | (CLOCK_RUNNING & Q(sla_due_at__lt=now))
        | Q(sla_stopped_at__isnull=False, sla_due_at__lt=F("sla_stopped_at"))
    )


def clocked_leads(filters: DashboardFilters) -> QuerySet[Lead]:
    """The attainment cohort: qualified in the period, with a clock, of the chosen reps."""
    return Lead.objects.filter(
        filters.in_period("qualified_at"), filters.worked_by(), sla_due_at__isnull=False
    ).order_by()


def wall_minutes() -> WallMinutes:
    return WallMinutes("first_touched_at", "sla_started_at")


def _counts(now: datetime) -> dict[str, Count]:
    return {
        "clocked": Count("id"),
        "met": Count("id", filter=met_q()),
        "missed": Count("id", filter=missed_q(now)),
        "running": Count("id", filter=CLOCK_RUNNING & Q(sla_due_at__gte=now)),
        "never_touched": Count("id", filter=Q(first_touched_at__isnull=True)),
    }


def _figures(row: dict, business: dict, wall: dict) -> list:
    return [
        row["clocked"],
        row["met"],
        row["missed"],
        row["running"],
        row["never_touched"],
        share(row["met"], row["met"] + row["missed"]),
        business.get(0.5),
        business.get(0.9),
        wall.get(0.5),
        wall.get(0.9),
    ]


def _grouped(qs: QuerySet, group_by: Sequence[str], now: datetime) -> list[tuple[tuple, list]]:
    """(group, figures) per group.

    PostgreSQL: one query (counts and ``percentile_cont`` in the same GROUP BY). SQLite:
    the counts, then one window query per response time (the portable fallback).
    """
    times = {"business": F("sla_response_minutes"), "wall": wall_minutes()}
    aggregates: dict = dict(_counts(now))
    native = in_database_percentiles()
    if native:
        aggregates.update(percentile_aggregates(times))
    if group_by:
        rows = list(qs.values(*group_by).annotate(**aggregates).order_by(*group_by))
    else:
        rows = [qs.aggregate(**aggregates)]
    fallback = (
        {} if native else {name: percentiles(qs, expr, group_by) for name, expr in times.items()}
    )
    answer = []
    for row in rows:
        key = tuple(row[name] for name in group_by)
        if native:
            business, wall = (percentiles_from_row(row, name) for name in times)
        else:
            business, wall = (fallback[name].get(key, {}) for name in times)
        answer.append((key, _figures(row, business, wall)))
    return answer


def qualified_into() -> Coalesce:
    """The queue a lead qualified into: its move into MQL or PQL at (or before) ``qualified_at``.

    Not the stored ``qualification``: that is the score *now*, and a lead whose signals
    aged after sales took it reads "none" although its clock was an MQL or PQL clock.
    """
    move = StageTransition.objects.filter(
        lead=OuterRef("pk"),
        to_stage__in=(STAGE_MQL, STAGE_PQL),
        occurred_at__lte=OuterRef("qualified_at"),
    ).order_by("-occurred_at", "-pk")
    return Coalesce(Subquery(move.values("to_stage")[:1]), F("qualification"))


def attainment_by_queue(filters: DashboardFilters, now: datetime) -> Table:
    qs = clocked_leads(filters).annotate(qualified_into=qualified_into())
    table = Table(
        "attainment-queue",
        "SLA attainment by queue and tier",
        [Column("queue", "Queue", "text"), Column("tier", "Tier", "text"), *FIGURE_COLUMNS],
    )
    groups = _grouped(qs, ["qualified_into", "tier"], now)
    groups.sort(key=lambda item: (item[0][0], -item[0][1]))
    for (queue, tier), figures in groups:
        table.rows.append([QUEUE_LABELS.get(queue, queue), tier_name(tier), *figures])
    if table.rows:
        for _key, figures in _grouped(qs, [], now):
            table.rows.append(["All", "All", *figures])
    return table


def rep_expression() -> Coalesce:
    """Whose lead: the first toucher, else the owner (see ``period``)."""
    return Coalesce("first_touched_by", "owner")


def attainment_by_rep(filters: DashboardFilters, now: datetime) -> Table:
    qs = clocked_leads(filters).annotate(rep=rep_expression())
    table = Table(
        "attainment-rep",
        "SLA attainment by rep",
        [Column("rep", "Rep", "text"), *FIGURE_COLUMNS],
    )
    groups = _grouped(qs, ["rep"], now)
    people = get_user_model().objects.in_bulk([key[0] for key, _f in groups if key[0]])
    named = [
        (user_display_name(people[rep]) if rep in people else "Unassigned", figures)
        for (rep,), figures in groups
    ]
    for name, figures in sorted(named, key=lambda item: item[0].lower()):
        table.rows.append([name, *figures])
    return table


@dataclass
class OpenAlerts:
    """Untouched workable leads past their warning time right now (not limited to the period)."""

    warnings: int
    breaches: int
    table: Table


def open_alerts(filters: DashboardFilters, now: datetime) -> OpenAlerts:
    qs = Lead.objects.filter(
        CLOCK_RUNNING,
        filters.worked_by(),
        stage__in=SDR_WORKABLE_STAGES,
        sla_warn_at__lte=now,
    ).order_by()
    counts = qs.aggregate(
        breaches=Count("id", filter=Q(sla_due_at__lte=now)),
        warnings=Count("id", filter=Q(sla_due_at__gt=now)),
    )
    table = Table(
        "open-alerts",
        "Open breaches and warnings",
        [
            Column("lead", "Lead", "text"),
            Column("state", "State", "text"),
            Column("queue", "Queue", "text"),
            Column("tier", "Tier", "text"),
            Column("owner", "Owner", "text"),
            Column("due", "Due", "datetime"),
        ],
    )
    for lead in (
        qs.select_related("owner").only(*LIST_FIELDS).order_by("sla_due_at", "id")[:LIST_LIMIT]
    ):
        state = "Breached" if lead.sla_due_at <= now else "Warning"
        owner = user_display_name(lead.owner) if lead.owner else "Unassigned"
        table.rows.append(
            [
                lead.display_name,
                state,
                QUEUE_LABELS.get(lead.queue, lead.queue),  # a running clock's queue
                tier_name(lead.tier),
                owner,
                lead.sla_due_at,
            ]
        )
        table.links.append(lead.pk)
    return OpenAlerts(warnings=counts["warnings"], breaches=counts["breaches"], table=table)


def never_touched(filters: DashboardFilters) -> tuple[int, Table]:
    """Leads of the cohort with no first touch yet (whatever their stage now), oldest first."""
    qs = clocked_leads(filters).filter(first_touched_at__isnull=True)
    table = Table(
        "never-touched",
        "Leads never touched",
        [
            Column("lead", "Lead", "text"),
            Column("stage", "Stage now", "text"),
            Column("queue", "Queue", "text"),
            Column("tier", "Tier", "text"),
            Column("owner", "Owner", "text"),
            Column("qualified", "Qualified", "datetime"),
            Column("due", "Due", "datetime"),
        ],
    )
    total = qs.count()
    listed = (
        qs.select_related("owner")
        .only(*LIST_FIELDS)
        .annotate(qualified_into=qualified_into())
        .order_by("qualified_at", "id")[:LIST_LIMIT]
    )
    for lead in listed:
        table.rows.append(
            [
                lead.display_name,
                lead.get_stage_display(),
                QUEUE_LABELS.get(lead.qualified_into, lead.qualified_into),
                tier_name(lead.tier),
                user_display_name(lead.owner) if lead.owner else "Unassigned",
                lead.qualified_at,
                lead.sla_due_at,
            ]
        )
        table.links.append(lead.pk)
    return total, table


def converted_q() -> Exists:
    """The lead reached SQL or later (a recorded transition to sql, opportunity or customer)."""
    return Exists(StageTransition.objects.filter(lead=OuterRef("pk"), to_stage__in=SALES_STAGES))


def response_bands(filters: DashboardFilters) -> Table:
    """Touched leads of the cohort by wall-clock minutes to first touch, against conversion."""
    whens = [
        When(
            Q(_wall__gte=band.low) if band.high is None else Q(_wall__lt=band.high),
            then=index,
        )
        for index, band in enumerate(RESPONSE_BANDS)
    ]
    rows = (
        clocked_leads(filters)
        .filter(first_touched_at__isnull=False)
        .annotate(
            _wall=wall_minutes(),
            # Negative (touched before the clock started) counts as instant, as band_for does.
            band=Case(*whens, default=len(RESPONSE_BANDS) - 1, output_field=IntegerField()),
            converted=converted_q(),
        )
        .values("band")
        .annotate(leads=Count("id"), won=Count("id", filter=Q(converted=True)))
        .order_by("band")
    )
    found = {row["band"]: row for row in rows}
    table = Table(
        "response-bands",
        "Time to first touch against conversion to SQL",
        [
            Column("band", "Wall-clock time to first touch", "text"),
            Column("leads", "Leads touched"),
            Column("converted", "Reached SQL"),
            Column("rate", "Conversion rate", "pct"),
        ],
    )
    if not found:
        return table
    for index, band in enumerate(RESPONSE_BANDS):
        row = found.get(index, {"leads": 0, "won": 0})
        table.rows.append([band.label, row["leads"], row["won"], share(row["won"], row["leads"])])
    return table
