"""A weekday x hour heatmap: 7 rows (Mon-Sun) by 24 columns, shaded in five steps.

Shading is by share of the busiest cell, in five classes (``heat-0`` empty to ``heat-4``),
so light and dark read apart in greyscale too; the exact counts are in each cell's hover and
in the table beside the chart.
"""

from __future__ import annotations

from collections.abc import Mapping

from qualification.web.charts.geometry import Chart, Rect, Text

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CELL = 22
LEFT = 36
TOP = 18
LEVELS = 4


def heat_level(count: int, peak: int) -> int:
    """0 for none, else 1..4 by share of the peak (1 = up to a quarter of it)."""
    if count <= 0 or peak <= 0:
        return 0
    return min(LEVELS, max(1, -(-count * LEVELS // peak)))


def heatmap_chart(title: str, cells: Mapping[tuple[int, int], int], *, css: str) -> Chart:
    """``cells`` maps (ISO weekday 1-7, hour 0-23) to a count; ``css`` names the colour ramp."""
    peak = max(cells.values(), default=0)
    chart = Chart("heatmap", title, "", LEFT + 24 * CELL + 4, TOP + 7 * CELL + 4)
    for hour in range(0, 24, 3):
        chart.texts.append(Text(LEFT + hour * CELL + CELL / 2, 12, f"{hour:02d}", "middle", "tick"))
    for day_index, day in enumerate(DAYS):
        y = TOP + day_index * CELL
        chart.texts.append(Text(LEFT - 6, y + CELL / 2 + 4, day, "end", "tick"))
        for hour in range(24):
            count = cells.get((day_index + 1, hour), 0)
            level = heat_level(count, peak)
            chart.rects.append(
                Rect(
                    LEFT + hour * CELL + 1,
                    y + 1,
                    CELL - 2,
                    CELL - 2,
                    f"{css} heat-{level}",
                    f"{day} {hour:02d}:00\u2013{hour:02d}:59: {count}",
                )
            )
    total = sum(cells.values())
    if peak:
        busiest = max(cells, key=lambda key: (cells[key], -key[0], -key[1]))
        chart.summary = (
            f"{title}: {total} in all; busiest {DAYS[busiest[0] - 1]} "
            f"{busiest[1]:02d}:00 with {peak}."
        )
    else:
        chart.summary = f"{title}: none in this period."
    return chart
