"""A reliability diagram: predicted likelihood (x) against observed conversion (y), per band.

A perfectly calibrated model puts every band on the dashed diagonal ("70%" converts 70% of
the time). The axes are real proportions, not categories, so an empty band leaves a gap
where it belongs instead of squeezing its neighbours together. Each dot carries its numbers
as hover text; the table beside the chart has all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualification.web.charts.geometry import Chart, Dot, Line, Path, Text, fmt_pct

SIZE = 300  # square plot: the diagonal is at 45 degrees
LEFT = 44
BOTTOM = 40
TOP = 12
RIGHT = 14


def reliability_chart(
    title: str, bands: Sequence[tuple[str, float | None, float | None, int]]
) -> Chart:
    """``bands``: (label, mean predicted, observed rate, leads); bands without data are skipped."""
    width, height = LEFT + SIZE + RIGHT, TOP + SIZE + BOTTOM
    chart = Chart("reliability", title, "", width, height)

    def x_of(value: float) -> float:
        return LEFT + SIZE * min(max(value, 0.0), 1.0)

    def y_of(value: float) -> float:
        return TOP + SIZE - SIZE * min(max(value, 0.0), 1.0)

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        chart.lines.append(Line(LEFT, y_of(tick), LEFT + SIZE, y_of(tick), "grid"))
        chart.lines.append(Line(x_of(tick), TOP, x_of(tick), TOP + SIZE, "grid"))
        chart.texts.append(Text(LEFT - 5, y_of(tick) + 4, fmt_pct(tick), "end", "tick"))
        chart.texts.append(Text(x_of(tick), TOP + SIZE + 15, fmt_pct(tick), "middle", "tick"))
    chart.lines.append(Line(x_of(0), y_of(0), x_of(1), y_of(1), "diagonal"))
    chart.texts.append(Text(LEFT + SIZE / 2, height - 4, "Predicted likelihood", "middle", "axis"))
    chart.texts.append(Text(LEFT + 6, TOP + 14, "Observed conversion", "start", "axis"))
    points = []
    words = []
    for label, predicted, observed, count in bands:
        if predicted is None or observed is None or not count:
            continue
        point = (x_of(predicted), y_of(observed))
        points.append(point)
        hover = (
            f"{label}: predicted {fmt_pct(predicted)}, observed {fmt_pct(observed)}, {count} leads"
        )
        chart.dots.append(Dot(*point, "series-a", hover))
        words.append(f"{label} predicted {fmt_pct(predicted)} observed {fmt_pct(observed)}")
    if len(points) > 1:
        chart.paths.append(Path(tuple(points), "series-a"))
    chart.summary = (
        f"{title}. " + "; ".join(words) if words else f"{title}: no held-out leads to show."
    )
    return chart
