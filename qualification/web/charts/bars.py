"""Bar charts: horizontal bars (one per labelled item) and stacked vertical bars (per day).

Horizontal bars carry long labels (rep names, queue and tier) and stay readable on a phone;
each bar has its value written beside it, so the chart reads without colour or hover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualification.web.charts.geometry import (
    SERIES_CSS,
    Chart,
    LegendItem,
    Line,
    Rect,
    Text,
    fmt_number,
    nice_max,
)

ROW = 26  # height per bar row
LABEL_W = 124  # room for the item label on the left
VALUE_W = 52  # room for the value text on the right
WIDTH = 440


def hbar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    *,
    maximum: float | None = None,
    fmt: Callable[[float], str] = fmt_number,
    unit: str = "",
    css: str = "series-a",
) -> Chart:
    """One bar per (label, value); a None value draws no bar and says "no data"."""
    known = [value for _label, value in items if value is not None]
    top = maximum if maximum is not None else nice_max(max(known, default=0))
    height = ROW * len(items) + 8
    chart = Chart("hbar", title, "", WIDTH, max(height, ROW))
    plot_w = WIDTH - LABEL_W - VALUE_W
    words = []
    for index, (label, value) in enumerate(items):
        y = 4 + index * ROW
        chart.texts.append(Text(LABEL_W - 8, y + ROW / 2 + 4, _clip(label), "end", "label"))
        if value is None:
            chart.texts.append(Text(LABEL_W + 4, y + ROW / 2 + 4, "no data", "start", "muted"))
            words.append(f"{label}: no data")
            continue
        bar_w = plot_w * min(max(value, 0) / top, 1.0) if top else 0
        shown = f"{fmt(value)}{unit}"
        chart.rects.append(Rect(LABEL_W, y + 4, bar_w, ROW - 8, css, f"{label}: {shown}"))
        chart.texts.append(Text(LABEL_W + bar_w + 6, y + ROW / 2 + 4, shown, "start", "value"))
        words.append(f"{label}: {shown}")
    chart.lines.append(Line(LABEL_W, 0, LABEL_W, height, "axis"))
    chart.summary = f"{title}. " + "; ".join(words) if words else f"{title}: no data."
    return chart


def _clip(label: str, limit: int = 16) -> str:
    """Shorten to what ``LABEL_W`` holds at the chart's 12 px font (about 16 characters);
    the bar's tooltip and the chart's summary keep the whole label."""
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


STACK_H = 240
AXIS_B = 28  # room for the x labels
AXIS_L = 36  # room for the y ticks
STACK_W = 900  # wide: a month of days; on a phone it scrolls inside its box


def stacked_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    label_every: int = 1,
) -> Chart:
    """Vertical bars per category, each stacked from the series (e.g. MQL + PQL per day).

    ``label_every`` thins the x labels (every 7th day for a month) so they never overlap.
    """
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    top = nice_max(max(totals, default=0))
    plot_w = STACK_W - AXIS_L - 8
    plot_h = STACK_H - AXIS_B - 8
    slot = plot_w / max(len(categories), 1)
    bar_w = max(slot * 0.7, 1)
    chart = Chart("stacked", title, "", STACK_W, STACK_H)
    for tick in (0, top / 2, top):
        y = 8 + plot_h - plot_h * tick / top
        chart.lines.append(Line(AXIS_L, y, STACK_W - 8, y, "grid"))
        chart.texts.append(Text(AXIS_L - 4, y + 4, fmt_number(tick), "end", "tick"))
    for index, category in enumerate(categories):
        x = AXIS_L + index * slot + (slot - bar_w) / 2
        base = 8 + plot_h
        for s_index, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            h = plot_h * value / top
            base -= h
            css = SERIES_CSS[s_index % len(SERIES_CSS)]
            chart.rects.append(Rect(x, base, bar_w, h, css, f"{category}: {value} {name}"))
        if totals[index] and bar_w >= 14:
            chart.texts.append(Text(x + bar_w / 2, base - 3, str(totals[index]), "middle", "value"))
        if index % label_every == 0:
            chart.texts.append(Text(x + bar_w / 2, STACK_H - 10, category, "middle", "tick"))
    chart.legend = [
        LegendItem(name, SERIES_CSS[i % len(SERIES_CSS)]) for i, (name, _v) in enumerate(series)
    ]
    peak = max(range(len(totals)), key=lambda i: totals[i]) if totals else None
    sums = ", ".join(f"{sum(values)} {name}" for name, values in series)
    chart.summary = (
        f"{title}: {sums} over {len(categories)} days"
        + (
            f"; busiest {categories[peak]} with {totals[peak]}"
            if peak is not None and totals[peak]
            else ""
        )
        + "."
    )
    return chart
