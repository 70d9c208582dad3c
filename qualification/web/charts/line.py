"""Line charts for the weekly trends: one or more series over the same x categories.

A missing value (a week with nothing to measure) breaks the line instead of drawing a
false zero; every point is a dot with its value as hover and a text label above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualification.web.charts.geometry import (
    SERIES_CSS,
    Chart,
    Dot,
    LegendItem,
    Line,
    Path,
    Text,
    fmt_number,
    nice_max,
)

WIDTH = 440
HEIGHT = 190
LEFT = 44
RIGHT = 28  # room for the last x label, centred on the last point
BOTTOM = 28
TOP = 18


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float | None = None,
    fmt: Callable[[float], str] = fmt_number,
) -> Chart:
    known = [v for _n, values in series for v in values if v is not None]
    top = maximum if maximum is not None else nice_max(max(known, default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(categories) - 1, 1)
    chart = Chart("line", title, "", WIDTH, HEIGHT)

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * min(max(value, 0), top) / top

    for tick in (0, top / 2, top):
        chart.lines.append(Line(LEFT, y_of(tick), WIDTH - RIGHT, y_of(tick), "grid"))
        chart.texts.append(Text(LEFT - 4, y_of(tick) + 4, fmt(tick), "end", "tick"))
    x_of = [
        LEFT + (i * step if len(categories) > 1 else plot_w / 2) for i in range(len(categories))
    ]
    for i, category in enumerate(categories):
        chart.texts.append(Text(x_of[i], HEIGHT - 8, category, "middle", "tick"))
    words = []
    for s_index, (name, values) in enumerate(series):
        css = SERIES_CSS[s_index % len(SERIES_CSS)]
        run: list[tuple[float, float]] = []
        for i, value in enumerate(values):
            if value is None:
                if run:
                    chart.paths.append(Path(tuple(run), css))
                run = []
                continue
            point = (x_of[i], y_of(value))
            run.append(point)
            chart.dots.append(Dot(*point, css, f"{categories[i]}: {fmt(value)}"))
            chart.texts.append(Text(point[0], point[1] - 6, fmt(value), "middle", "value"))
        if run:
            chart.paths.append(Path(tuple(run), css))
        shown = [f"{categories[i]} {fmt(v)}" for i, v in enumerate(values) if v is not None]
        words.append(f"{name}: " + (", ".join(shown) if shown else "no data"))
    if len(series) > 1:
        chart.legend = [
            LegendItem(name, SERIES_CSS[i % len(SERIES_CSS)]) for i, (name, _v) in enumerate(series)
        ]
    chart.summary = f"{title}. " + "; ".join(words)
    return chart
