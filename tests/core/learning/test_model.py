"""The likelihood model: held-out quality against plain scikit-learn, JSON, factors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from qualification.core.learning import LikelihoodModel
from qualification.core.learning.model import split_indices


def test_likelihood_ranks_better_than_the_published_points(synthetic_result):
    figures = synthetic_result.figures
    assert figures["auc_likelihood"] > figures["auc_published"] + 0.05
    assert figures["auc_suggested"] > figures["auc_published"]


def test_likelihood_within_001_auc_of_plain_logistic_regression(synthetic, synthetic_result):
    rows, _ = synthetic
    model = synthetic_result.model
    matrix = model.space.transform([row.inputs for row in rows])
    labels = np.array([row.positive for row in rows], dtype=int)
    train, test = split_indices(labels, seed=0)
    plain = LogisticRegression(max_iter=2000).fit(matrix[train], labels[train])
    plain_auc = roc_auc_score(labels[test], plain.predict_proba(matrix[test])[:, 1])
    assert synthetic_result.figures["auc_likelihood"] >= plain_auc - 0.01


def test_both_models_are_reported_on_the_held_out_part(synthetic_result):
    figures = synthetic_result.figures
    assert figures["held_out"] == 750
    assert set(figures["models"]) == {"logistic_regression", "gradient_boosting"}
    for values in figures["models"].values():
        assert 0.5 < values["auc"] < 1
        assert 0 < values["brier"] < 0.25


def test_json_round_trip_predicts_identically(synthetic, synthetic_result):
    rows, _ = synthetic
    model = synthetic_result.model
    again = LikelihoodModel.from_json(json.loads(json.dumps(model.to_json())))
    inputs = [row.inputs for row in rows[:200]]
    assert again.predict_many(inputs) == model.predict_many(inputs)
    assert again.event_names == model.event_names
    assert again.held_out_auc == model.held_out_auc


def test_predictions_are_probabilities_and_predict_matches_predict_many(
    synthetic, synthetic_result
):
    rows, _ = synthetic
    model = synthetic_result.model
    many = model.predict_many([row.inputs for row in rows[:50]])
    assert all(0 < p < 1 for p in many)
    assert model.predict(rows[3].inputs) == pytest.approx(many[3], rel=1e-12)
    assert model.predict_many([]) == []


def test_factors_name_the_drivers_in_plain_words(synthetic, synthetic_result):
    rows, _ = synthetic
    model = synthetic_result.model
    demo = next(
        row
        for row in rows
        if "demo_request" in row.inputs.criteria
        and row.inputs.lead["trait.occupation"] == "Student"
        and "free_email" not in row.inputs.criteria
    )
    factors = model.factors(demo.inputs, top=3)
    ups = [f for f in factors if f.weight > 0]
    assert any(f.label.startswith("Asked for a demo") for f in ups)
    assert [f.weight for f in ups] == sorted((f.weight for f in ups), reverse=True)
    assert len(ups) <= 3
    assert len(factors) - len(ups) <= 3


def test_event_names_are_the_events_the_features_read(synthetic_result):
    names = synthetic_result.model.event_names
    assert {"demo_requested", "pricing_viewed", "webinar_attended"} <= names
