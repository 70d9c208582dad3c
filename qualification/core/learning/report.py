"""One recalibration: from outcome rows and the published criteria to the stored figures.

``recalibrate`` is what the Celery task, ``manage.py recalibrate`` and the ops button run
(through the service, which reads the rows and stores the result). It fits the feature
space and the likelihood model, and assembles ``figures`` (the schema the health page and
``recalibrate --json`` read; see the shared contract): per-criterion figures and suggested
points, suggested new criteria, held-out AUC/Brier/precision for the likelihood and for
the published and suggested points, a reliability table, conversion by source, PQL kind
and owner team, and the data still needed.

Below ``min_outcomes`` (or with fewer than ``MIN_PER_CLASS_MODEL`` of either outcome) it
says so with the counts, suggests nothing and returns no model; the per-criterion counts
are still reported. Pure: the caller passes ``clock`` (e.g. ``time.perf_counter``) for
``seconds``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.inputs import CriterionInfo, TrainingRow
from qualification.core.learning.metrics import (
    auc,
    precision_top,
    reliability,
    smoothed_rate,
)
from qualification.core.learning.model import MODEL_NAME, LikelihoodModel, fit_likelihood
from qualification.core.learning.stats import (
    SMOOTHING_M,
    criteria_figures,
    fit_points,
    needs,
    suggested_points,
)
from qualification.core.learning.suggestions import suggest_criteria

MIN_PER_CLASS_MODEL = 5
FEATURE_MIN_COUNT = 5

Progress = Callable[[int, str], None]


class RecalibrationResult(NamedTuple):
    figures: dict[str, Any]
    model: LikelihoodModel | None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _message(n: int, pos: int, neg: int, min_outcomes: int, enough: bool) -> str:
    if enough:
        return f"Learned from {n} outcomes ({pos} accepted or won, {neg} rejected or lost)."
    if n < min_outcomes:
        return (
            f"Too few outcomes: {n} ({pos} accepted or won, {neg} rejected or lost); "
            f"learning needs {min_outcomes}. Nothing is suggested yet."
        )
    return (
        f"Too few of one outcome: {pos} accepted or won, {neg} rejected or lost; "
        f"learning needs {MIN_PER_CLASS_MODEL} of each. Nothing is suggested yet."
    )


def _breakdown(rows: Sequence[TrainingRow], values: Sequence[str]) -> list[dict[str, Any]]:
    """Conversion per value (raw rate: these are counts people read, with their size)."""
    groups: dict[str, list[int]] = {}
    for row, value in zip(rows, values, strict=True):
        tally = groups.setdefault(value or "unknown", [0, 0])
        tally[0] += 1
        tally[1] += row.positive
    return [
        {"value": value, "outcomes": n, "conversion": _round(pos / n)}
        for value, (n, pos) in sorted(groups.items(), key=lambda item: -item[1][0])
    ]


def _by_owner_team(
    rows: Sequence[TrainingRow], criteria: Sequence[CriterionInfo], base: float
) -> list[dict[str, Any]]:
    """Per owner team: outcomes on leads any of its criteria fired on, and their conversion."""
    teams: dict[str, set[str]] = {}
    for c in criteria:
        teams.setdefault(c.owner_team or "unknown", set()).add(c.key)
    out = []
    for team in sorted(teams):
        fired = [row for row in rows if teams[team].intersection(row.inputs.criteria)]
        pos = sum(row.positive for row in fired)
        out.append(
            {
                "value": team,
                "outcomes": len(fired),
                "conversion": _round(pos / len(fired)) if fired else None,
                "smoothed_conversion": _round(
                    smoothed_rate(pos, len(fired), base, SMOOTHING_M) if fired else None
                ),
            }
        )
    return out


def _suggested_scores(
    rows: Sequence[TrainingRow], criteria: Sequence[CriterionInfo], train: Sequence[TrainingRow]
) -> np.ndarray:
    """Each row's total with the points suggested from ``train`` (current where none)."""
    points = {c.key: c.points for c in criteria}
    for key, suggestion in suggested_points(train, criteria).items():
        points[key] = suggestion["points"]
    return np.array(
        [sum(points.get(key, 0) for key in row.inputs.criteria) for row in rows], dtype=float
    )


def recalibrate(
    rows: Sequence[TrainingRow],
    criteria: Sequence[CriterionInfo],
    *,
    seed: int = 0,
    min_outcomes: int = 40,
    progress: Progress | None = None,
    clock: Callable[[], float] | None = None,
    event_kinds: Mapping[str, str] | None = None,
) -> RecalibrationResult:
    """Fit the likelihood and assemble the figures (see the module docstring)."""
    started = clock() if clock else 0.0
    report = progress or (lambda percent, text: None)
    rows = list(rows)
    n = len(rows)
    pos = sum(row.positive for row in rows)
    neg = n - pos
    enough = n >= min_outcomes and min(pos, neg) >= MIN_PER_CLASS_MODEL
    report(5, f"Read {n} outcomes")
    figures: dict[str, Any] = {
        "n_outcomes": n,
        "n_positive": pos,
        "n_negative": neg,
        "min_outcomes": min_outcomes,
        "enough": enough,
        "message": _message(n, pos, neg, min_outcomes, enough),
        "model": MODEL_NAME,
        "models": {},
        "held_out": 0,
        "auc_published": None,
        "auc_suggested": None,
        "auc_likelihood": None,
        "brier_likelihood": None,
        "precision_top10": None,
        "precision_top10_published": None,
        "calibration": [],
        "criteria": [],
        "new_criteria": [],
        "needs": needs(rows, criteria, min_outcomes),
        "by_source": _breakdown(rows, [row.source for row in rows]),
        "by_pql_kind": _breakdown(rows, [row.inputs.pql_kind for row in rows]),
        "by_owner_team": _by_owner_team(rows, criteria, pos / n if n else 0.0),
        "top_factors": [],
        "features": 0,
    }
    model = None
    report(15, "Per-criterion figures")
    figures["criteria"] = criteria_figures(rows, criteria, suggest=enough)
    if enough:
        report(30, "Building features")
        names = {c.key: c.name for c in criteria}
        space, matrix = FeatureSpace.fit_transform(
            [row.inputs for row in rows], min_count=FEATURE_MIN_COUNT, criterion_names=names
        )
        labels = np.array([row.positive for row in rows], dtype=int)
        figures["features"] = len(space)
        report(45, f"Fitting the likelihood on {len(space)} features")
        fit = fit_likelihood(space, matrix, labels, seed=seed)
        model = fit.model
        test = fit.test_index
        y_test = labels[test]
        report(75, "Held-out figures")
        published = np.array([rows[i].inputs.score for i in test], dtype=float)
        test_set = set(test.tolist())
        train_rows = [row for i, row in enumerate(rows) if i not in test_set] or rows
        suggested = _suggested_scores([rows[i] for i in test], criteria, train_rows)
        figures.update(
            models={
                name: {k: _round(v) for k, v in values.items()}
                for name, values in fit.models.items()
            },
            held_out=fit.held_out,
            auc_published=_round(auc(y_test, published)),
            auc_suggested=_round(auc(y_test, suggested)),
            auc_likelihood=_round(fit.models[MODEL_NAME]["auc"]),
            brier_likelihood=_round(fit.models[MODEL_NAME]["brier"]),
            precision_top10=_round(precision_top(y_test, fit.test_probability)),
            precision_top10_published=_round(precision_top(y_test, published)),
            calibration=[
                {k: _round(v) if k != "count" else v for k, v in b.items()}
                for b in reliability(y_test, fit.test_probability)
            ],
            top_factors=model.top_factors(),
        )
        report(85, "Suggesting new criteria")
        _, _, scale = fit_points(rows, criteria)
        figures["points_scale"] = _round(scale)
        figures["new_criteria"] = suggest_criteria(
            rows, criteria, points_scale=scale, event_kinds=event_kinds
        )
    figures["seconds"] = round(clock() - started, 3) if clock else None
    report(100, "Done")
    return RecalibrationResult(figures, model)
