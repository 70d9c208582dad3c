"""A likelihood shown as 70% converts about 70% of the time: calibration on a fixture."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import numpy as np

from qualification.core.learning import LeadInputs, TrainingRow, recalibrate
from qualification.core.learning.metrics import reliability


def _fixture(n: int, seed: int) -> list[TrainingRow]:
    """One numeric trait whose true effect is logistic: a calibrated model can match it."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        x = rng.gauss(0, 1)
        positive = rng.random() < 1 / (1 + math.exp(-(2.0 * x - 0.5)))
        inputs = LeadInputs(lead={"trait.x": x, "source": rng.choice(["a", "b"])})
        rows.append(TrainingRow(i, inputs, positive, "", datetime(2025, 1, 1, tzinfo=UTC), "a"))
    return rows


def test_mean_predicted_matches_observed_per_bin():
    figures = recalibrate(_fixture(4000, seed=5), []).figures
    bins = [b for b in figures["calibration"] if b["count"] >= 40]
    assert len(bins) >= 6
    for b in bins:
        assert abs(b["predicted"] - b["observed"]) < 0.1, b
        assert b["low"] <= b["predicted"] <= b["high"]
    assert sum(b["count"] for b in figures["calibration"]) == figures["held_out"]


def test_calibrated_on_new_leads_from_the_same_process():
    rows = _fixture(3000, seed=6)
    model = recalibrate(rows, []).model
    fresh = _fixture(3000, seed=7)
    p = np.array(model.predict_many([row.inputs for row in fresh]))
    y = np.array([row.positive for row in fresh], dtype=float)
    assert abs(p.mean() - y.mean()) < 0.03
    for b in reliability(y, p):
        if b["count"] >= 100:
            assert abs(b["predicted"] - b["observed"]) < 0.08, b


def test_reliability_table_keeps_empty_bins():
    table = reliability(np.array([1, 0]), np.array([0.95, 0.05]))
    assert len(table) == 10
    assert table[5]["count"] == 0
    assert table[5]["predicted"] is None
    assert table[9]["observed"] == 1.0
