"""Per-criterion figures from sales outcomes, and the points the outcomes suggest.

Rates are smoothed toward the base rate with an m-estimate worth ``SMOOTHING_M`` leads
(``metrics.smoothed_rate``), so a criterion that fired on a handful of leads reads close
to the average instead of 0% or 100%. ``lift`` is the smoothed conversion when the
criterion fired over the smoothed conversion when it did not ("converts 2.0x as often").

False positives: among the leads the criterion fired on that were qualified at the moment
that counts (``inputs.qualification`` not "none"), the smoothed share with a negative
outcome whose reason is a *rejection* reason (``outcomes.REJECTION_REASONS``: sales said
the lead should not have been qualified), as opposed to a deal lost later for price.

Suggested points come from one L2 logistic regression of the outcome on every criterion's
fired flag (so criteria that fire together share the credit instead of each taking it
all). A coefficient is in log-odds; it becomes points with one scale for the whole
version, ``points_scale``: the published points' typical size over the coefficients'
typical size (sum of |points| / sum of |coefficient| over the criteria with a
suggestion), so suggestions speak the version's own units. The 90% interval is the
normal (Laplace) approximation of the penalized fit: mean +/- 1.645 standard deviations
from the inverse Hessian; it is wide with few outcomes, deterministic, and costs one
matrix inversion at 100,000 outcomes. A criterion gets a suggestion only when it fired
on at least ``MIN_FIRES`` leads with an outcome (never when it never fired); disqualifiers
pay no points, so they get none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from qualification.core.learning.inputs import CriterionInfo, TrainingRow
from qualification.core.learning.metrics import smoothed_rate
from qualification.core.learning.outcomes import REJECTION_REASONS
from qualification.core.vocabulary import KIND_DISQUALIFIER, KIND_NEGATIVE

SMOOTHING_M = 20
MIN_FIRES = 15  # fired on this many leads with an outcome before points are suggested
MIN_PER_CLASS = 20  # positives and negatives per kind before its suggestions are reliable
POINTS_C = 1.0  # the criteria-only regression's penalty (log-odds per fired flag)
Z90 = 1.6449
DEFAULT_SCALE = 10.0  # points per unit of log-odds when no criterion can set the scale
TOP_REASONS = 3


def _rate(successes: int, total: int, prior: float) -> float | None:
    return None if total == 0 else smoothed_rate(successes, total, prior, SMOOTHING_M)


def criterion_matrix(rows: Sequence[TrainingRow], keys: Sequence[str]) -> np.ndarray:
    """0/1 fired flags, one column per key (the criteria-only design)."""
    index = {key: j for j, key in enumerate(keys)}
    matrix = np.zeros((len(rows), len(keys)))
    for i, row in enumerate(rows):
        for key in row.inputs.criteria:
            j = index.get(key)
            if j is not None:
                matrix[i, j] = 1.0
    return matrix


def _eligible(criteria: Sequence[CriterionInfo], fires: dict[str, int]) -> list[CriterionInfo]:
    return [c for c in criteria if c.kind != KIND_DISQUALIFIER and fires.get(c.key, 0) >= MIN_FIRES]


def fit_points(
    rows: Sequence[TrainingRow], criteria: Sequence[CriterionInfo]
) -> tuple[dict[str, float], dict[str, float], float]:
    """Log-odds coefficients and their standard deviations for the eligible criteria, and
    the points scale. Empty when no criterion is eligible or the outcomes have one class."""
    fires = Counter(key for row in rows for key in row.inputs.criteria)
    eligible = _eligible(criteria, fires)
    y = np.array([row.positive for row in rows], dtype=int)
    if not eligible or y.min(initial=1) == y.max(initial=0):
        return {}, {}, DEFAULT_SCALE
    keys = [c.key for c in eligible]
    x = criterion_matrix(rows, keys)
    fit = LogisticRegression(C=POINTS_C, max_iter=1000).fit(x, y)
    beta = fit.coef_[0]
    design = np.hstack([x, np.ones((len(y), 1))])
    p = fit.predict_proba(x)[:, 1]
    hessian = design.T @ (design * (p * (1 - p))[:, None])
    hessian[np.arange(len(keys)), np.arange(len(keys))] += 1.0 / POINTS_C
    sd = np.sqrt(np.clip(np.diag(np.linalg.pinv(hessian))[: len(keys)], 0, None))
    points = np.array([abs(c.points) for c in eligible], dtype=float)
    scale = DEFAULT_SCALE
    if points.sum() > 0 and np.abs(beta).sum() > 1e-9:
        scale = float(points.sum() / np.abs(beta).sum())
    return (
        dict(zip(keys, beta.tolist(), strict=True)),
        dict(zip(keys, sd.tolist(), strict=True)),
        scale,
    )


def _bounded(kind: str, points: float) -> int:
    """Points a criterion of ``kind`` may have (a negative criterion never pays)."""
    value = round(points)
    return min(value, 0) if kind == KIND_NEGATIVE else value


def suggested_points(
    rows: Sequence[TrainingRow], criteria: Sequence[CriterionInfo]
) -> dict[str, dict[str, int]]:
    """``{key: {"points", "low", "high"}}`` for the criteria that earn a suggestion."""
    beta, sd, scale = fit_points(rows, criteria)
    kinds = {c.key: c.kind for c in criteria}
    out = {}
    for key, b in beta.items():
        kind = kinds[key]
        low, high = b - Z90 * sd[key], b + Z90 * sd[key]
        out[key] = {
            "points": _bounded(kind, scale * b),
            "low": _bounded(kind, scale * low),
            "high": _bounded(kind, scale * high),
        }
    return out


def criteria_figures(
    rows: Sequence[TrainingRow],
    criteria: Sequence[CriterionInfo],
    *,
    suggest: bool = True,
) -> list[dict[str, Any]]:
    """The per-criterion figures of the report (``figures["criteria"]``)."""
    n = len(rows)
    positives = sum(row.positive for row in rows)
    base = positives / n if n else 0.0
    qualified = [row for row in rows if row.inputs.qualification != "none"]
    fp_base = (
        sum(_is_false_positive(row) for row in qualified) / len(qualified) if qualified else 0.0
    )
    suggestions = suggested_points(rows, criteria) if suggest and n else {}
    out = []
    for c in criteria:
        fired = [row for row in rows if c.key in row.inputs.criteria]
        fired_positive = sum(row.positive for row in fired)
        fired_qualified = [row for row in fired if row.inputs.qualification != "none"]
        fp = sum(_is_false_positive(row) for row in fired_qualified)
        conv_fired = _rate(fired_positive, len(fired), base)
        conv_not = _rate(positives - fired_positive, n - len(fired), base)
        lift = conv_fired / conv_not if conv_fired is not None and conv_not else None
        reasons = Counter(row.reason for row in fired if not row.positive and row.reason)
        suggestion = suggestions.get(c.key)
        out.append(
            {
                "key": c.key,
                "name": c.name,
                "kind": c.kind,
                "owner_team": c.owner_team,
                "glossary_term": c.glossary_term,
                "points": c.points,
                "is_active": c.is_active,
                "fires": len(fired),
                "positives": fired_positive,
                "conversion_fired": conv_fired,
                "conversion_not_fired": conv_not,
                "lift": lift,
                "false_positive_rate": _rate(fp, len(fired_qualified), fp_base),
                "top_rejection_reasons": [
                    {"reason": reason, "count": count}
                    for reason, count in reasons.most_common(TOP_REASONS)
                ],
                "suggested_points": suggestion["points"] if suggestion else None,
                "ci_low": suggestion["low"] if suggestion else None,
                "ci_high": suggestion["high"] if suggestion else None,
                "note": _note(c, len(fired), suggestion is not None, suggest),
            }
        )
    return out


def _is_false_positive(row: TrainingRow) -> bool:
    return not row.positive and row.reason in REJECTION_REASONS


def _note(c: CriterionInfo, fires: int, suggested: bool, suggest: bool) -> str:
    if c.kind == KIND_DISQUALIFIER:
        return "A disqualifier pays no points: no points are suggested."
    if fires == 0:
        return "Never fired on a lead with an outcome: no suggestion."
    if not suggest:
        return f"Fired on {fires} leads with an outcome; too few outcomes in all to suggest."
    if not suggested and fires < MIN_FIRES:
        return (
            f"Fired on {fires} leads with an outcome; points are suggested from "
            f"{MIN_FIRES} ({MIN_FIRES - fires} more)."
        )
    if not suggested:
        return "Outcomes are all of one kind: no suggestion."
    return f"Suggested from {fires} leads with an outcome."


def needs(
    rows: Sequence[TrainingRow], criteria: Sequence[CriterionInfo], min_outcomes: int
) -> list[str]:
    """Plain sentences: what data the figures still need to be reliable."""
    out = []
    n = len(rows)
    if n < min_outcomes:
        out.append(f"{min_outcomes - n} more outcomes before anything is learned ({n} so far).")
    kinds: dict[str, set[str]] = {}
    for c in criteria:
        if c.kind != KIND_DISQUALIFIER:
            kinds.setdefault(c.kind, set()).add(c.key)
    for kind in sorted(kinds):
        keys = kinds[kind]
        fired = [row for row in rows if keys.intersection(row.inputs.criteria)]
        pos = sum(row.positive for row in fired)
        neg = len(fired) - pos
        if neg < MIN_PER_CLASS:
            out.append(
                f"{MIN_PER_CLASS - neg} more rejected or lost leads before suggestions "
                f"for {kind} criteria are reliable."
            )
        if pos < MIN_PER_CLASS:
            out.append(
                f"{MIN_PER_CLASS - pos} more accepted or won leads before suggestions "
                f"for {kind} criteria are reliable."
            )
    return out
