"""Arrivals: new MQLs and PQLs per day, the weekday x hour heatmaps, the weekly trends.

*Arrivals* are stage transitions INTO ``mql`` or ``pql`` recorded in the period (each
entry counts, so a lead recycled and requalified arrives twice: that is work the team had
to pick up twice). ``qualified_at`` is not used here because a rescore can rewrite it.

Breaches in the heatmap are leads of the attainment cohort that were missed, placed at the
local weekday and hour they QUALIFIED, so the two heatmaps read cell by cell: "of the leads
arriving on Friday at 16:00, this many were missed".

All days, weekdays and hours are in the viewer's time zone (the database converts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncWeek

from qualification.core.vocabulary import STAGE_MQL, STAGE_PQL
from qualification.models import StageTransition
from qualification.selectors.dashboard.expressions import percentiles
from qualification.selectors.dashboard.period import DashboardFilters
from qualification.selectors.dashboard.sla import clocked_leads, met_q, missed_q
from qualification.selectors.dashboard.tables import Column, Table, share

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def arrivals(filters: DashboardFilters) -> QuerySet[StageTransition]:
    return StageTransition.objects.filter(
        filters.in_period("occurred_at"),
        filters.worked_by("lead__"),
        to_stage__in=(STAGE_MQL, STAGE_PQL),
    ).order_by()


def _as_date(value: date | datetime, filters: DashboardFilters) -> date:
    if isinstance(value, datetime):
        return value.astimezone(filters.tz).date() if value.tzinfo else value.date()
    return value


def daily_arrivals(filters: DashboardFilters) -> Table:
    rows = (
        arrivals(filters)
        .annotate(day=TruncDate("occurred_at", tzinfo=filters.tz))
        .values("day")
        .annotate(
            mql=Count("id", filter=Q(to_stage=STAGE_MQL)),
            pql=Count("id", filter=Q(to_stage=STAGE_PQL)),
        )
        .order_by("day")
    )
    found = {_as_date(row["day"], filters): row for row in rows}
    table = Table(
        "arrivals-daily",
        "New MQLs and PQLs per day",
        [Column("day", "Day", "date"), Column("mql", "New MQLs"), Column("pql", "New PQLs")],
    )
    if not found:
        return table
    for day in filters.days:
        row = found.get(day, {"mql": 0, "pql": 0})
        table.rows.append([day, row["mql"], row["pql"]])
    return table


@dataclass
class Heatmap:
    """Counts by (ISO weekday 1-7, hour 0-23)."""

    cells: dict[tuple[int, int], int]

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def _heatmap(qs: QuerySet, field: str, filters: DashboardFilters) -> Heatmap:
    rows = (
        qs.annotate(
            wd=ExtractIsoWeekDay(field, tzinfo=filters.tz), hr=ExtractHour(field, tzinfo=filters.tz)
        )
        .values("wd", "hr")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Heatmap({(row["wd"], row["hr"]): row["n"] for row in rows})


def heatmaps(filters: DashboardFilters, now: datetime) -> tuple[Heatmap, Heatmap, Table]:
    """(arrivals, breaches, the table of both by weekday and hour, non-empty cells only)."""
    arrived = _heatmap(arrivals(filters), "occurred_at", filters)
    breached = _heatmap(clocked_leads(filters).filter(missed_q(now)), "qualified_at", filters)
    table = Table(
        "heatmap",
        "Arrivals and breaches by weekday and hour",
        [
            Column("weekday", "Weekday", "text"),
            Column("hour", "Hour", "text"),
            Column("arrivals", "Arrivals"),
            Column("breaches", "Breaches (by arrival hour)"),
        ],
    )
    for weekday, hour in sorted(set(arrived.cells) | set(breached.cells)):
        table.rows.append(
            [
                WEEKDAY_NAMES[weekday - 1],
                f"{hour:02d}:00",
                arrived.cells.get((weekday, hour), 0),
                breached.cells.get((weekday, hour), 0),
            ]
        )
    return arrived, breached, table


def weekly_trends(filters: DashboardFilters, now: datetime) -> Table:
    """Per week (Monday start, local): arrivals, attainment, median business minutes."""
    week_of_arrival = TruncWeek("occurred_at", tzinfo=filters.tz)
    arrived = {
        _as_date(row["week"], filters): row["n"]
        for row in arrivals(filters)
        .annotate(week=week_of_arrival)
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    cohort = clocked_leads(filters).annotate(week=TruncWeek("qualified_at", tzinfo=filters.tz))
    outcomes = {
        _as_date(row["week"], filters): row
        for row in cohort.values("week")
        .annotate(met=Count("id", filter=met_q()), missed=Count("id", filter=missed_q(now)))
        .order_by()
    }
    medians = {
        _as_date(key[0], filters): value[0.5]
        for key, value in percentiles(cohort, F("sla_response_minutes"), ["week"], (0.5,)).items()
    }
    table = Table(
        "trends-weekly",
        "Trends by week",
        [
            Column("week", "Week starting", "date"),
            Column("arrivals", "Arrivals"),
            Column("met", "Met"),
            Column("missed", "Missed"),
            Column("attainment", "Attainment", "pct"),
            Column("median_business", "Median business min", "minutes"),
        ],
    )
    if not arrived and not outcomes:
        return table
    week = filters.start - timedelta(days=filters.start.weekday())
    while week <= filters.end:
        row = outcomes.get(week, {"met": 0, "missed": 0})
        table.rows.append(
            [
                week,
                arrived.get(week, 0),
                row["met"],
                row["missed"],
                share(row["met"], row["met"] + row["missed"]),
                medians.get(week),
            ]
        )
        week += timedelta(days=7)
    return table
