"""Per-criterion figures and suggested points: the known drivers, small samples, no data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qualification.core.learning import CriterionInfo, LeadInputs, TrainingRow, recalibrate
from qualification.core.learning.stats import MIN_FIRES, SMOOTHING_M, criteria_figures
from qualification.devdata.synthetic_outcomes import synthetic_rows

AT = datetime(2025, 3, 3, tzinfo=UTC)


def _by_key(figures):
    return {c["key"]: c for c in figures["criteria"]}


def test_a_criterion_that_truly_converts_gains_points(synthetic_result):
    demo = _by_key(synthetic_result.figures)["demo_request"]
    assert demo["suggested_points"] > demo["points"]
    assert demo["ci_low"] <= demo["suggested_points"] <= demo["ci_high"]
    assert demo["lift"] > 1.5


def test_a_criterion_that_produces_rejections_loses_points(synthetic_result):
    free = _by_key(synthetic_result.figures)["free_email"]
    assert free["suggested_points"] < free["points"]
    assert free["false_positive_rate"] > 0.5
    assert {r["reason"] for r in free["top_rejection_reasons"][:2]} == {"spam", "student"}


def test_a_criterion_that_never_fired_gets_no_suggestion(synthetic_result):
    never = _by_key(synthetic_result.figures)["competitor_domain"]
    assert never["fires"] == 0
    assert never["suggested_points"] is None
    assert never["conversion_fired"] is None
    assert never["lift"] is None
    assert "Never fired" in never["note"]


def test_forty_outcomes_give_wide_intervals_and_no_suggestion_below_the_minimum():
    rows, criteria = synthetic_rows(40, seed=3)
    figures = recalibrate(rows, criteria).figures
    assert figures["enough"] is True
    big = criteria_figures(*synthetic_rows(3000, seed=3))
    for small, large in zip(figures["criteria"], big, strict=True):
        if 0 < small["fires"] < MIN_FIRES:
            assert small["suggested_points"] is None
            assert str(MIN_FIRES) in small["note"]
        elif small["suggested_points"] is not None and large["suggested_points"] is not None:
            assert small["ci_high"] - small["ci_low"] > large["ci_high"] - large["ci_low"]
    assert any(c["fires"] < MIN_FIRES and c["fires"] > 0 for c in figures["criteria"])
    assert figures["needs"]


def test_ten_outcomes_say_so_with_counts_and_suggest_nothing():
    rows, criteria = synthetic_rows(10, seed=1)
    result = recalibrate(rows, criteria)
    figures = result.figures
    positives = sum(row.positive for row in rows)
    assert result.model is None
    assert figures["enough"] is False
    assert (
        f"Too few outcomes: 10 ({positives} accepted or won, {10 - positives}"
        in (figures["message"])
    )
    assert figures["new_criteria"] == []
    assert all(c["suggested_points"] is None for c in figures["criteria"])
    assert figures["auc_likelihood"] is None
    assert "30 more outcomes before anything is learned (10 so far)." in figures["needs"]


def _row(i: int, fired: bool, positive: bool, reason: str = "") -> TrainingRow:
    inputs = LeadInputs(criteria={"c": 1} if fired else {}, qualification="mql")
    return TrainingRow(i, inputs, positive, reason, AT, "web")


CRITERION = CriterionInfo("c", "C", "intent", "event", "e", "", "", None, 10, "marketing", "", True)


def test_rates_are_smoothed_toward_the_base_rate():
    # 3 fired leads, all rejected; 97 others, half converted
    rows = [_row(i, True, False, "not_icp") for i in range(3)]
    rows += [_row(10 + i, False, i % 2 == 0) for i in range(97)]
    (figure,) = criteria_figures(rows, [CRITERION])
    base = sum(r.positive for r in rows) / len(rows)
    assert figure["conversion_fired"] == pytest.approx(SMOOTHING_M * base / (3 + SMOOTHING_M))
    assert 0.3 < figure["conversion_fired"] < base
    assert figure["false_positive_rate"] < 0.9  # 3 of 3 raw, pulled toward the base
    assert figure["top_rejection_reasons"] == [{"reason": "not_icp", "count": 3}]


def test_loss_reasons_are_not_false_positives():
    rows = [_row(i, True, False, "price") for i in range(30)]
    rows += [_row(100 + i, False, i % 2 == 0) for i in range(30)]
    (figure,) = criteria_figures(rows, [CRITERION])
    assert figure["false_positive_rate"] < 0.2
