"""A funnel: one centred bar per stage, width proportional to the leads that reached it.

Each bar is labelled with the stage, the count and the rate from the previous step, so the
conversion reads from the text alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualification.web.charts.geometry import Chart, Rect, Text, fmt_pct

WIDTH = 440
LABELS = 200  # the right-hand room for "Opportunity: 12 (40% of previous)"
ROW = 40
MIN_W = 2  # a stage with leads never disappears entirely


def funnel_chart(title: str, steps: Sequence[tuple[str, int]], *, css: str = "series-a") -> Chart:
    first = steps[0][1] if steps else 0
    chart = Chart("funnel", title, "", WIDTH, ROW * len(steps) + 4)
    words = []
    previous: int | None = None
    for index, (label, count) in enumerate(steps):
        width = (WIDTH - LABELS) * count / first if first else 0
        if count and width < MIN_W:
            width = MIN_W
        x = (WIDTH - 200 - width) / 2
        y = 2 + index * ROW
        share = fmt_pct(count / previous) if previous else ""
        rate = f" ({share} of previous)" if share else ""
        chart.rects.append(Rect(x, y + 4, width, ROW - 10, css, f"{label}: {count}{rate}"))
        # The bar's text stays short enough for a phone; the hover and summary say "of previous".
        shown = f"{label}: {count}" + (f" ({share})" if share else "")
        chart.texts.append(Text(WIDTH - LABELS + 8, y + ROW / 2 + 3, shown, "start", "label"))
        words.append(f"{label} {count}{rate}")
        previous = count
    chart.summary = f"{title}: " + ", ".join(words) + "."
    return chart
