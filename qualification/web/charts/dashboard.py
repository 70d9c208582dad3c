"""The manager dashboard's charts, built from the same tables the page and the CSVs show.

Reading the numbers from ``Table`` rows (by column key) rather than from separate series
means a chart can never show a figure its table does not.
"""

from __future__ import annotations

from typing import Any

from qualification.selectors.dashboard import Dashboard, Table
from qualification.web.charts.bars import hbar_chart, stacked_bar_chart
from qualification.web.charts.funnel import funnel_chart
from qualification.web.charts.geometry import Chart, fmt_pct
from qualification.web.charts.heatmap import heatmap_chart
from qualification.web.charts.line import line_chart


def _column(table: Table, key: str) -> list[Any]:
    index = [column.key for column in table.columns].index(key)
    return [row[index] for row in table.rows]


def _pct(value: float) -> str:
    return fmt_pct(value)


def dashboard_charts(dashboard: Dashboard) -> dict[str, Chart | list[Chart]]:
    queue = dashboard.attainment_queue
    queue_labels = [
        "All queues" if q == "All" else f"{q} {t}"
        for q, t in zip(_column(queue, "queue"), _column(queue, "tier"), strict=False)
    ]
    rep = dashboard.attainment_rep
    bands = dashboard.bands
    daily = dashboard.arrivals_daily
    days = _column(daily, "day")
    trends = dashboard.trends
    weeks = [f"{week:%-d %b}" for week in _column(trends, "week")]
    return {
        "attainment_queue": hbar_chart(
            "SLA attainment by queue and tier",
            list(zip(queue_labels, _column(queue, "attainment"), strict=False)),
            maximum=1.0,
            fmt=_pct,
        ),
        "attainment_rep": hbar_chart(
            "SLA attainment by rep",
            list(zip(_column(rep, "rep"), _column(rep, "attainment"), strict=False)),
            maximum=1.0,
            fmt=_pct,
        ),
        "bands": hbar_chart(
            "Conversion to SQL by time to first touch",
            list(zip(_column(bands, "band"), _column(bands, "rate"), strict=False)),
            maximum=1.0,
            fmt=_pct,
            css="series-b",
        ),
        "arrivals": stacked_bar_chart(
            "New MQLs and PQLs per day",
            [f"{day:%-d %b}" for day in days],
            [("MQL", _column(daily, "mql")), ("PQL", _column(daily, "pql"))],
            label_every=max(1, len(days) // 6),
        ),
        "heat_arrivals": heatmap_chart(
            "Arrivals by weekday and hour", dashboard.heat_arrivals.cells, css="heat-blue"
        ),
        "heat_breaches": heatmap_chart(
            "Breaches by weekday and hour of arrival",
            dashboard.heat_breaches.cells,
            css="heat-red",
        ),
        "funnels": [
            funnel_chart(f"{funnel.name} funnel", funnel.steps, css=css)
            for funnel, css in zip(dashboard.funnels, ("series-a", "series-b"), strict=False)
        ],
        "trend_attainment": line_chart(
            "Attainment by week",
            weeks,
            [("Attainment", _column(trends, "attainment"))],
            maximum=1.0,
            fmt=_pct,
        ),
        "trend_median": line_chart(
            "Median business minutes to first touch by week",
            weeks,
            [("Median business min", _column(trends, "median_business"))],
        ),
        "trend_arrivals": line_chart(
            "Arrivals by week", weeks, [("Arrivals", _column(trends, "arrivals"))]
        ),
    }
