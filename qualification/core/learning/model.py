"""The likelihood model: a calibrated, regularized logistic regression over the features.

Why logistic regression, and not the gradient boosting it is compared with: each lead's
likelihood must be explainable ("Asked for a demo" raised it, "Occupation is Student"
lowered it), and a linear model's coefficient x the lead's standardized value *is* that
explanation. ``fit_likelihood`` fits both on the same training part and reports both on
held-out outcomes (``figures["models"]``), so the choice stays justified by figures: on the
synthetic known-drivers set and the demo the two are within about 0.01 AUC.

- Regularization: L2, with C picked by stratified cross-validation on the training part
  (on at most ``C_SEARCH_ROWS`` of its rows: at that size the choice is settled).
- Calibration: Platt scaling (a 1-D logistic fit of the outcome on the regression's
  decision value) fitted on out-of-fold decision values, so it corrects the shrinkage of
  the penalty without seeing its own fit. Two parameters stay stable from 40 outcomes,
  and a monotone map leaves the ranking (the AUC) unchanged.
- Held-out figures: with ``SPLIT_MIN_ROWS`` outcomes or more, a stratified 25% split with
  a fixed seed; below that, repeated stratified 5-fold CV (out-of-fold predictions, AUC
  averaged over repeats) so a figure from a few dozen outcomes does not hang on one split.
  The live model is then refitted on every outcome with the chosen C.

The model is stored as JSON (feature space, standardization, coefficients, intercept,
Platt parameters), never a pickle, and ``predict`` is plain numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)
from threadpoolctl import threadpool_limits

from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.inputs import LeadInputs
from qualification.core.learning.metrics import auc, brier

MODEL_NAME = "logistic_regression"
GRADIENT_BOOSTING = "gradient_boosting"
HELD_OUT_SHARE = 0.25
SPLIT_MIN_ROWS = 1000
CV_REPEATS = 3
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
C_SEARCH_FOLDS = 3
C_SEARCH_ROWS = 20_000
LARGE_ROWS = 10_000
BOOSTING_ROWS = 60_000  # gradient boosting is the comparison, fitted on at most this many


class Strongest(NamedTuple):
    """Rows' strongest factors as arrays (``LikelihoodModel.strongest_of``): slot ``s`` of
    row ``i`` is column ``columns[i, s]`` with weight ``weights[i, s]``, a factor where
    ``kept[i, s]``; raising slots come first, each side strongest first."""

    columns: np.ndarray
    weights: np.ndarray
    kept: np.ndarray

    def pairs(self) -> list[list[tuple[int, float]]]:
        """Each row's kept (column, weight) pairs, in slot order."""
        return [
            [(j, w) for j, w, keep in zip(cols, weights, kept, strict=True) if keep]
            for cols, weights, kept in zip(
                self.columns.tolist(), self.weights.tolist(), self.kept.tolist(), strict=True
            )
        ]


class Factor(NamedTuple):
    """One reason a lead's likelihood is what it is; weight > 0 raises it (log-odds)."""

    label: str
    weight: float


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))


@dataclass
class LikelihoodModel:
    """A fitted likelihood: features -> standardized -> linear -> Platt -> probability."""

    space: FeatureSpace
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    platt: tuple[float, float] = (1.0, 0.0)
    held_out_auc: float = 0.5
    n_outcomes: int = 0
    c: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def event_names(self) -> frozenset[str]:
        return self.space.event_names

    def decision(self, matrix: np.ndarray) -> np.ndarray:
        """The uncalibrated log-odds of feature rows."""
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        a, b = self.platt
        return _sigmoid(a * decision + b)

    def predict_matrix(self, matrix: np.ndarray) -> np.ndarray:
        return self.calibrate(self.decision(matrix))

    def predict_many(self, inputs: Sequence[LeadInputs]) -> list[float]:
        if not len(inputs):
            return []
        return self.predict_matrix(self.space.transform(inputs)).tolist()

    def predict(self, inputs: LeadInputs) -> float:
        return self.predict_many([inputs])[0]

    def factors(self, inputs: LeadInputs, top: int = 3) -> list[Factor]:
        """Up to ``top`` factors that raise the likelihood (strongest first), then up to
        ``top`` that lower it, among the things this lead has (a fired criterion, an
        event, a known value). Weight: coefficient x the lead's standardized value, in
        log-odds against the average lead."""
        return self.factors_many([inputs], top=top)[0]

    def factors_many(self, inputs: Sequence[LeadInputs], top: int = 3) -> list[list[Factor]]:
        """``factors`` for many leads at once: one transform and one sort for all of them
        (``strongest_of``). Ties between equal weights go by column, the same every run."""
        if not len(inputs):
            return []
        return self.factors_of(self.space.transform(inputs), top=top)

    def factors_of(self, matrix: np.ndarray, top: int = 3) -> list[list[Factor]]:
        """``factors_many`` for rows already transformed."""
        labels = self.space.labels
        return [
            [Factor(labels[j], w) for j, w in pairs]
            for pairs in self.strongest_of(matrix, up=top, down=top).pairs()
        ]

    def strongest_of(self, matrix: np.ndarray, *, up: int, down: int) -> Strongest:
        """Per row: the ``up`` strongest raising (column, weight) pairs, strongest first,
        then the ``down`` strongest lowering ones. Weights are rounded to 4 places and a
        factor that rounds to 0 (or is not finite) is left out: it says nothing. Ties
        between equal weights go to the lower column, the same every run.

        Picked by repeated ``argmax`` / ``argmin`` over the batch (a handful of passes,
        each a vectorized scan) rather than sorting every row's columns: the rescore
        stores factors for every lead it writes, and a full sort was most of their cost.
        """
        weights = np.where(matrix != 0, (matrix - self.mean) * (self.coef / self.scale), 0.0)
        weights[~np.isfinite(weights)] = 0.0
        rows = np.arange(len(weights))
        columns: list[np.ndarray] = []
        for count, pick, spent in ((up, np.argmax, -np.inf), (down, np.argmin, np.inf)):
            left = weights.copy()
            for _ in range(min(count, weights.shape[1])):
                at = pick(left, axis=1)
                columns.append(at)
                left[rows, at] = spent
        if not columns:
            empty = np.zeros((len(weights), 0))
            return Strongest(empty.astype(np.intp), empty, empty.astype(bool))
        at = np.stack(columns, axis=1)
        picked = np.round(np.take_along_axis(weights, at, axis=1), 4)
        raising = min(up, weights.shape[1])
        kept = np.concatenate([picked[:, :raising] > 0, picked[:, raising:] < 0], axis=1)
        return Strongest(at, picked, kept)

    def top_factors(self, top: int = 10) -> list[dict[str, Any]]:
        """The columns with the largest effect per standard deviation, across all leads."""
        order = np.argsort(-np.abs(self.coef), kind="stable")[:top]
        return [
            {"label": self.space.labels[j], "weight": round(float(self.coef[j]), 4)}
            for j in order
            if self.coef[j] != 0
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": MODEL_NAME,
            "space": self.space.to_json(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": float(self.intercept),
            "platt": [float(self.platt[0]), float(self.platt[1])],
            "held_out_auc": float(self.held_out_auc),
            "n_outcomes": int(self.n_outcomes),
            "c": float(self.c),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LikelihoodModel:
        platt = data.get("platt") or [1.0, 0.0]
        return cls(
            space=FeatureSpace.from_json(data.get("space") or {}),
            mean=np.array(data.get("mean") or [], dtype=np.float64),
            scale=np.array(data.get("scale") or [], dtype=np.float64),
            coef=np.array(data.get("coef") or [], dtype=np.float64),
            intercept=float(data.get("intercept") or 0.0),
            platt=(float(platt[0]), float(platt[1])),
            held_out_auc=float(data.get("held_out_auc") or 0.5),
            n_outcomes=int(data.get("n_outcomes") or 0),
            c=float(data.get("c") or 1.0),
        )


class FitReport(NamedTuple):
    """The live model and how it (and the comparison) did on held-out outcomes.

    ``test_index`` and ``test_probability`` are the held-out rows and their calibrated
    likelihoods (all rows, out of fold, under repeated CV), for the report's other figures.
    """

    model: LikelihoodModel
    models: dict[str, dict[str, float | None]]
    test_index: np.ndarray
    test_probability: np.ndarray
    held_out: int


def split_indices(labels: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The stratified training/held-out split the figures use (fixed by ``seed``)."""
    index = np.arange(len(labels))
    train, test = train_test_split(
        index, test_size=HELD_OUT_SHARE, stratify=labels, random_state=seed
    )
    return np.sort(train), np.sort(test)


def _standardize(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def _folds(labels: np.ndarray, seed: int) -> int:
    """Five folds, three past ``LARGE_ROWS`` (each fold then has plenty of outcomes, and a
    fit on tens of thousands of rows costs seconds), fewer when a class is that rare."""
    most = 3 if len(labels) > LARGE_ROWS else 5
    return int(max(2, min(most, np.bincount(labels.astype(int), minlength=2).min())))


def _pick_c(x: np.ndarray, y: np.ndarray, seed: int) -> float:
    """The C with the best cross-validated log loss (on at most ``C_SEARCH_ROWS`` rows)."""
    if len(y) > C_SEARCH_ROWS:
        keep, _ = train_test_split(
            np.arange(len(y)), train_size=C_SEARCH_ROWS, stratify=y, random_state=seed
        )
        x, y = x[keep], y[keep]
    folds = StratifiedKFold(min(C_SEARCH_FOLDS, _folds(y, seed)), shuffle=True, random_state=seed)
    best, best_loss = C_GRID[0], np.inf
    for c in C_GRID:
        decision = cross_val_predict(
            LogisticRegression(C=c, max_iter=500), x, y, cv=folds, method="decision_function"
        )
        p = np.clip(_sigmoid(decision), 1e-9, 1 - 1e-9)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if loss < best_loss - 1e-9:
            best, best_loss = c, loss
    return best


def _fit_lr(x: np.ndarray, y: np.ndarray, seed: int, c: float | None = None):
    """Standardize, pick C, fit; Platt on out-of-fold decisions. Returns the pieces."""
    mean, scale = _standardize(x)
    z = (x - mean) / scale
    c = _pick_c(z, y, seed) if c is None else c
    folds = StratifiedKFold(_folds(y, seed), shuffle=True, random_state=seed)
    oof = cross_val_predict(
        LogisticRegression(C=c, max_iter=500), z, y, cv=folds, method="decision_function"
    )
    platt = LogisticRegression(C=1e6, max_iter=500).fit(oof.reshape(-1, 1), y)
    fitted = LogisticRegression(C=c, max_iter=1000).fit(z, y)
    return (
        mean,
        scale,
        fitted.coef_[0].copy(),
        float(fitted.intercept_[0]),
        c,
        (
            float(platt.coef_[0][0]),
            float(platt.intercept_[0]),
        ),
    )


def _boosting(x: np.ndarray, y: np.ndarray, seed: int) -> HistGradientBoostingClassifier:
    if len(y) > BOOSTING_ROWS:
        keep, _ = train_test_split(
            np.arange(len(y)), train_size=BOOSTING_ROWS, stratify=y, random_state=seed
        )
        x, y = x[keep], y[keep]
    return HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=15, l2_regularization=1.0, random_state=seed
    ).fit(x, y)


def _evaluate(
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    seed: int,
    c: float | None = None,
    boosting: bool = True,
) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Held-out calibrated LR likelihoods, boosting probabilities (unless not asked), and
    the C used."""
    mean, scale, coef, intercept, c, (a, b) = _fit_lr(x[train], y[train], seed, c=c)
    lr = _sigmoid(a * (((x[test] - mean) / scale) @ coef + intercept) + b)
    if not boosting:
        return lr, None, c
    gb = _boosting(x[train], y[train], seed).predict_proba(x[test])[:, 1]
    return lr, gb, c


def fit_likelihood(
    space: FeatureSpace, matrix: np.ndarray, labels: np.ndarray, *, seed: int = 0
) -> FitReport:
    """Fit and compare the models on ``matrix`` (rows of ``space``); see the module doc.

    Runs single-threaded: the matrices are small for BLAS, and a recalibration shares the
    machine with the worker's other tasks, where OpenMP's spinning threads made gradient
    boosting several times slower than one thread.
    """
    with threadpool_limits(limits=1):
        return _fit_likelihood(space, matrix, labels, seed)


def _fit_likelihood(
    space: FeatureSpace, matrix: np.ndarray, labels: np.ndarray, seed: int
) -> FitReport:
    y = labels.astype(int)
    if len(y) >= SPLIT_MIN_ROWS:
        train, test = split_indices(y, seed)
        lr, gb, c = _evaluate(matrix, y, train, test, seed)
        figures = {
            MODEL_NAME: {"auc": auc(y[test], lr), "brier": brier(y[test], lr)},
            GRADIENT_BOOSTING: {"auc": auc(y[test], gb), "brier": brier(y[test], gb)},
        }
        test_index, test_probability, cs = test, lr, [c]
    else:
        splits = _folds(y, seed)
        # Few outcomes: C is picked once on all of them rather than inside every fold (the
        # search was nine tenths of a small run's time). That makes the held-out figures a
        # little optimistic about C alone; the coefficients are still fitted without the
        # held-out fold.
        mean, scale = _standardize(matrix)
        chosen = _pick_c((matrix - mean) / scale, y, seed)
        cv = RepeatedStratifiedKFold(n_splits=splits, n_repeats=CV_REPEATS, random_state=seed)
        lr_all = np.zeros((CV_REPEATS, len(y)))
        # The comparison model is cross-validated once (one repeat): it only justifies the
        # choice, and its fits cost more than the logistic regression's.
        gb_all = np.zeros((1, len(y)))
        cs = []
        for fold, (train, test) in enumerate(cv.split(matrix, y)):
            first = fold < splits
            lr, gb, c = _evaluate(matrix, y, train, test, seed + fold, c=chosen, boosting=first)
            lr_all[fold // splits, test] = lr
            if gb is not None:
                gb_all[0, test] = gb
            cs.append(c)
        figures = {
            name: {
                "auc": _mean_or_none([auc(y, p) for p in runs]),
                "brier": _mean_or_none([brier(y, p) for p in runs]),
            }
            for name, runs in ((MODEL_NAME, lr_all), (GRADIENT_BOOSTING, gb_all))
        }
        test_index, test_probability = np.arange(len(y)), lr_all.mean(axis=0)
    mean, scale, coef, intercept, c, platt = _fit_lr(
        matrix, y, seed, c=float(np.median(cs)) if cs else None
    )
    model = LikelihoodModel(
        space=space,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        platt=platt,
        held_out_auc=figures[MODEL_NAME]["auc"] or 0.5,
        n_outcomes=len(y),
        c=c,
    )
    return FitReport(model, figures, test_index, test_probability, len(test_index))


def _mean_or_none(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.mean(known)) if known else None
