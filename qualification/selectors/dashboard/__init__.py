"""Reads for the manager dashboard and the SDR's own strip on *My queue*.

``dashboard_read`` runs a fixed number of aggregate queries (about twenty, none per row),
each computed by the database; the sections' modules define their figures in their
docstrings and the page repeats those definitions in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from qualification.selectors.dashboard.arrivals import (
    Heatmap,
    daily_arrivals,
    heatmaps,
    weekly_trends,
)
from qualification.selectors.dashboard.funnel import (
    Funnel,
    false_positives_by_criterion,
    false_positives_by_source,
    funnels,
)
from qualification.selectors.dashboard.period import DashboardFilters, default_period
from qualification.selectors.dashboard.rep_strip import RepStrip, rep_strip_read
from qualification.selectors.dashboard.sla import (
    OpenAlerts,
    attainment_by_queue,
    attainment_by_rep,
    never_touched,
    open_alerts,
    response_bands,
)
from qualification.selectors.dashboard.tables import Column, Table


@dataclass
class Dashboard:
    filters: DashboardFilters
    computed_at: datetime
    attainment_queue: Table
    attainment_rep: Table
    alerts: OpenAlerts
    never_touched_count: int
    never_touched: Table
    bands: Table
    arrivals_daily: Table
    heat_arrivals: Heatmap
    heat_breaches: Heatmap
    heatmap: Table
    funnels: list[Funnel]
    funnel: Table
    fp_source: Table
    fp_criterion: Table
    trends: Table

    def tables(self) -> dict[str, Table]:
        """Every exportable table by its key (the ``?export=`` values)."""
        found = [
            self.attainment_queue,
            self.attainment_rep,
            self.alerts.table,
            self.never_touched,
            self.bands,
            self.arrivals_daily,
            self.heatmap,
            self.funnel,
            self.fp_source,
            self.fp_criterion,
            self.trends,
        ]
        return {table.key: table for table in found}


# One reader per exportable table, so a CSV download runs only its own queries.
TABLE_READERS: dict[str, Callable[[DashboardFilters, datetime], Table]] = {
    "attainment-queue": attainment_by_queue,
    "attainment-rep": attainment_by_rep,
    "open-alerts": lambda filters, now: open_alerts(filters, now).table,
    "never-touched": lambda filters, now: never_touched(filters)[1],
    "response-bands": lambda filters, now: response_bands(filters),
    "arrivals-daily": lambda filters, now: daily_arrivals(filters),
    "heatmap": lambda filters, now: heatmaps(filters, now)[2],
    "funnel": lambda filters, now: funnels(filters)[1],
    "fp-source": lambda filters, now: false_positives_by_source(filters),
    "fp-criterion": lambda filters, now: false_positives_by_criterion(filters),
    "trends-weekly": weekly_trends,
}


def table_read(*, key: str, filters: DashboardFilters, now: datetime) -> Table | None:
    """One table of the dashboard (None for an unknown key): what ``?export=`` downloads."""
    reader = TABLE_READERS.get(key)
    return reader(filters, now) if reader else None


def dashboard_read(*, filters: DashboardFilters, now: datetime) -> Dashboard:
    untouched_count, untouched = never_touched(filters)
    heat_arrivals, heat_breaches, heat_table = heatmaps(filters, now)
    found_funnels, funnel_table = funnels(filters)
    return Dashboard(
        filters=filters,
        computed_at=now,
        attainment_queue=attainment_by_queue(filters, now),
        attainment_rep=attainment_by_rep(filters, now),
        alerts=open_alerts(filters, now),
        never_touched_count=untouched_count,
        never_touched=untouched,
        bands=response_bands(filters),
        arrivals_daily=daily_arrivals(filters),
        heat_arrivals=heat_arrivals,
        heat_breaches=heat_breaches,
        heatmap=heat_table,
        funnels=found_funnels,
        funnel=funnel_table,
        fp_source=false_positives_by_source(filters),
        fp_criterion=false_positives_by_criterion(filters),
        trends=weekly_trends(filters, now),
    )


__all__ = [
    "Column",
    "Dashboard",
    "DashboardFilters",
    "RepStrip",
    "Table",
    "dashboard_read",
    "default_period",
    "rep_strip_read",
    "table_read",
]
