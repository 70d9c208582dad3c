"""The reliability diagram: dots where predicted meets observed, on real 0-1 axes."""

from __future__ import annotations

from qualification.web.charts.reliability import BOTTOM, LEFT, SIZE, TOP, reliability_chart


def test_dots_sit_at_predicted_across_and_observed_up():
    chart = reliability_chart("R", [("a", 0.25, 0.75, 10), ("b", 0.5, 0.5, 4)])
    assert [(d.x, d.y) for d in chart.dots] == [
        (LEFT + SIZE * 0.25, TOP + SIZE * 0.25),
        (LEFT + SIZE * 0.5, TOP + SIZE * 0.5),
    ]
    assert "a: predicted 25%, observed 75%, 10 leads" in chart.dots[0].title
    assert len(chart.paths) == 1
    assert chart.height == TOP + SIZE + BOTTOM


def test_the_diagonal_is_drawn_from_zero_to_one():
    diagonal = [line for line in reliability_chart("R", []).lines if line.css == "diagonal"]
    assert [(d.x1, d.y1, d.x2, d.y2) for d in diagonal] == [(LEFT, TOP + SIZE, LEFT + SIZE, TOP)]


def test_bands_without_data_leave_no_dot_and_the_summary_says_so():
    chart = reliability_chart("R", [("a", None, 0.2, 5), ("b", 0.3, 0.4, 0)])
    assert chart.empty
    assert chart.summary == "R: no held-out leads to show."


def test_out_of_range_values_stay_inside_the_plot():
    chart = reliability_chart("R", [("a", 1.4, -0.2, 3)])
    assert (chart.dots[0].x, chart.dots[0].y) == (LEFT + SIZE, TOP + SIZE)
