"""Chart geometry: pure builders checked without a database or a browser."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from qualification.web.charts import (
    funnel_chart,
    hbar_chart,
    heatmap_chart,
    line,
    line_chart,
    stacked_bar_chart,
)
from qualification.web.charts.bars import LABEL_W, VALUE_W, WIDTH
from qualification.web.charts.geometry import fmt_pct, nice_max
from qualification.web.charts.heatmap import heat_level


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (-3, 1), (0.7, 1), (1, 1), (3, 5), (12, 20), (50, 50), (51, 100), (999, 1000)],
)
def test_nice_max_rounds_up_to_1_2_5(value, expected):
    assert nice_max(value) == pytest.approx(expected)


def test_horizontal_bars_are_proportional_and_labelled():
    chart = hbar_chart("Attainment", [("MQL hot", 1.0), ("PQL hot", 0.5), ("PQL warm", None)],
                       maximum=1.0, fmt=fmt_pct)  # fmt: skip
    plot = WIDTH - LABEL_W - VALUE_W
    assert [round(r.width, 1) for r in chart.rects] == [plot, plot / 2]
    assert [r.x for r in chart.rects] == [LABEL_W, LABEL_W]
    assert chart.rects[0].y < chart.rects[1].y  # one row per item, in order
    texts = [t.text for t in chart.texts]
    assert "100%" in texts
    assert "50%" in texts
    assert "no data" in texts
    assert chart.summary == "Attainment. MQL hot: 100%; PQL hot: 50%; PQL warm: no data"
    assert chart.height == 26 * 3 + 8


def test_a_value_past_the_maximum_is_clipped_and_negative_is_zero():
    chart = hbar_chart("x", [("a", 2.0), ("b", -1.0)], maximum=1.0)
    assert chart.rects[0].width == WIDTH - LABEL_W - VALUE_W
    assert chart.rects[1].width == 0


def test_stacked_bars_stack_series_and_thin_labels():
    chart = stacked_bar_chart("Arrivals", ["1", "2", "3", "4"], [("MQL", [2, 0, 1, 0]), ("PQL", [2, 1, 0, 0])],
                              label_every=2)  # fmt: skip
    # day 1: MQL 2 then PQL 2 on top, the axis is 0..5 (nice max of 4)
    mql, pql = chart.rects[0], chart.rects[1]
    assert mql.height == pytest.approx(pql.height)
    assert pql.y + pql.height == pytest.approx(mql.y)
    assert mql.css == "series-a"
    assert pql.css == "series-b"
    assert len(chart.rects) == 4  # zeros draw nothing
    assert [t.text for t in chart.texts if t.css == "tick" and t.text in "1234"] == ["1", "3"]
    assert [item.label for item in chart.legend] == ["MQL", "PQL"]
    assert chart.summary == "Arrivals: 3 MQL, 3 PQL over 4 days; busiest 1 with 4."


def test_line_breaks_on_missing_values():
    chart = line_chart("Attainment", ["w1", "w2", "w3", "w4"], [("A", [1.0, None, 0.5, 0.25])],
                       maximum=1.0, fmt=fmt_pct)  # fmt: skip
    assert [len(p.points) for p in chart.paths] == [1, 2]
    assert len(chart.dots) == 3
    top, half = chart.dots[0].y, chart.dots[1].y
    bottom = line.HEIGHT - line.BOTTOM
    assert half == pytest.approx((top + bottom) / 2)
    assert chart.paths[1].d.startswith("M")
    assert " L" in chart.paths[1].d
    assert "w2" not in chart.summary.split(": ", 1)[1]


def test_heatmap_has_168_cells_shaded_in_steps():
    chart = heatmap_chart("Arrivals", {(1, 9): 8, (1, 10): 2, (7, 23): 1}, css="heat-blue")
    assert len(chart.rects) == 7 * 24
    by_title = {r.title: r.css for r in chart.rects}
    assert by_title["Mon 09:00\u201309:59: 8"] == "heat-blue heat-4"
    assert by_title["Mon 10:00\u201310:59: 2"] == "heat-blue heat-1"
    assert by_title["Tue 10:00\u201310:59: 0"] == "heat-blue heat-0"
    sunday_late = next(r for r in chart.rects if r.title.startswith("Sun 23"))
    assert sunday_late.y > chart.rects[0].y
    assert sunday_late.x > chart.rects[0].x
    assert chart.summary == "Arrivals: 11 in all; busiest Mon 09:00 with 8."


@pytest.mark.parametrize(
    ("count", "peak", "level"), [(0, 5, 0), (1, 8, 1), (2, 8, 1), (3, 8, 2), (8, 8, 4), (5, 0, 0)]
)
def test_heat_levels(count, peak, level):
    assert heat_level(count, peak) == level


def test_funnel_widths_follow_the_first_step():
    chart = funnel_chart("MQL funnel", [("MQL", 10), ("SQL", 5), ("Won", 0)])
    full, half, none = (r.width for r in chart.rects)
    assert half == pytest.approx(full / 2)
    assert none == 0
    assert chart.rects[1].x + half / 2 == pytest.approx(chart.rects[0].x + full / 2)  # centred
    assert chart.summary == "MQL funnel: MQL 10, SQL 5 (50% of previous), Won 0 (0% of previous)."


def test_a_tiny_step_stays_visible():
    chart = funnel_chart("f", [("MQL", 1000), ("Won", 1)])
    assert chart.rects[1].width >= 2


def test_the_template_draws_an_accessible_svg():
    chart = hbar_chart("Attainment", [("MQL hot", 0.5)], maximum=1.0, fmt=fmt_pct)
    html = render_to_string("qualification/charts/chart.html", {"chart": chart, "id": "c1"})
    assert 'role="img" aria-label="Attainment. MQL hot: 50%"' in html
    assert '<title id="c1-title">Attainment. MQL hot: 50%</title>' in html
    assert f'viewBox="0 0 {WIDTH} 34"' in html
    assert html.count("<rect") == 1
    assert ">50%</text>" in html


def test_a_long_label_is_shortened_to_fit_and_kept_whole_in_the_words():
    name = "Maximiliane Oberhuber-Schwarzenegger"
    chart = hbar_chart("By rep", [(name, 0.5)], maximum=1.0, fmt=fmt_pct)
    shown = chart.texts[0].text
    assert len(shown) <= 16
    assert shown.endswith("\u2026")
    assert name in chart.summary
    assert chart.rects[0].title == f"{name}: 50%"
