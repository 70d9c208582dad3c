"""Drift: weekly figures since the fit, and when the model has degraded."""

from __future__ import annotations

from datetime import UTC, datetime

from qualification.core.learning import drift_verdict, drift_weeks


def _week(auc, predicted, observed, outcomes=40):
    return {"week": "2025-W10", "outcomes": outcomes, "positives": 10, "auc": auc,
            "predicted": predicted, "observed": observed}  # fmt: skip


def test_weeks_group_outcomes_since_the_fit(synthetic, synthetic_result):
    rows, _ = synthetic
    since = datetime(2025, 3, 3, tzinfo=UTC)
    weeks = drift_weeks(synthetic_result.model, rows, since)
    assert sum(w["outcomes"] for w in weeks) == sum(r.recorded_at >= since for r in rows)
    assert [w["week"] for w in weeks] == sorted(w["week"] for w in weeks)
    assert weeks[0]["week"] == "2025-W10"
    for w in weeks:
        assert 0 <= w["predicted"] <= 1
        assert w["auc"] is None or 0.5 < w["auc"] <= 1
    assert drift_weeks(synthetic_result.model, rows, datetime(2030, 1, 1, tzinfo=UTC)) == []


def test_the_synthetic_model_holds_on_its_own_later_outcomes(synthetic, synthetic_result):
    rows, _ = synthetic
    weeks = drift_weeks(synthetic_result.model, rows, datetime(2025, 3, 1, tzinfo=UTC))
    degraded, message = drift_verdict(weeks, synthetic_result.model.held_out_auc)
    assert degraded is False
    assert message.startswith("The likelihood holds")


def test_a_drop_in_auc_is_degraded():
    degraded, message = drift_verdict([_week(0.70, 0.3, 0.3)], held_out_auc=0.80)
    assert degraded is True
    assert "AUC 0.70" in message


def test_calibration_off_by_more_than_a_tenth_is_degraded():
    degraded, message = drift_verdict([_week(0.80, 0.50, 0.30)], held_out_auc=0.80)
    assert degraded is True
    assert "predicted 50%" in message


def test_too_few_outcomes_judge_nothing():
    degraded, message = drift_verdict([_week(0.5, 0.9, 0.1, outcomes=12)], held_out_auc=0.8)
    assert degraded is False
    assert "12 outcomes" in message
