"""The figures a likelihood or a score is judged by, defined once for every part of learning.

Every function takes labels (1 = positive outcome) and scores as arrays and returns a plain
float (JSON-ready) or None when the figure has no meaning on the data (one class only, no
rows): the health page shows "no data" rather than a made-up number.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

RELIABILITY_BINS = 10


def auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC: the chance a random positive ranks above a random negative (ties count half)."""
    labels = np.asarray(labels)
    if labels.size == 0 or labels.min() == labels.max():
        return None
    return float(roc_auc_score(labels, np.asarray(scores, dtype=float)))


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float | None:
    """Mean squared error of the probabilities: 0 is perfect, 0.25 is a coin flip at 50%."""
    labels = np.asarray(labels, dtype=float)
    if labels.size == 0:
        return None
    return float(np.mean((np.asarray(probabilities, dtype=float) - labels) ** 2))


def precision_top(labels: np.ndarray, scores: np.ndarray, share: float = 0.10) -> float | None:
    """The positive share among the top ``share`` of leads by score (at least one lead).

    What an SDR working the top of the queue sees; ties are broken by position so the
    figure is deterministic.
    """
    labels = np.asarray(labels, dtype=float)
    if labels.size == 0:
        return None
    top = max(1, round(labels.size * share))
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:top]
    return float(labels[order].mean())


def reliability(
    labels: np.ndarray, probabilities: np.ndarray, bins: int = RELIABILITY_BINS
) -> list[dict[str, Any]]:
    """The reliability table: per equal-width probability bin, mean predicted vs observed.

    A calibrated likelihood has ``predicted`` close to ``observed`` in every bin with
    leads. Empty bins are listed with count 0 and null rates, so the chart keeps its axis.
    """
    labels = np.asarray(labels, dtype=float)
    probabilities = np.asarray(probabilities, dtype=float)
    index = np.clip((probabilities * bins).astype(int), 0, bins - 1)
    table = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        table.append(
            {
                "low": round(b / bins, 4),
                "high": round((b + 1) / bins, 4),
                "predicted": float(probabilities[mask].mean()) if count else None,
                "observed": float(labels[mask].mean()) if count else None,
                "count": count,
            }
        )
    return table


def smoothed_rate(successes: float, total: float, prior: float, m: float) -> float:
    """An m-estimate: ``(successes + m * prior) / (total + m)``.

    Equivalent to a Beta prior worth ``m`` leads at the base rate: with few leads the rate
    stays near the base rate, with many it is the observed rate, so a criterion that fired
    on three leads cannot swing anything.
    """
    return (successes + m * prior) / (total + m)
