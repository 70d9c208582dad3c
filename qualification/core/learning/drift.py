"""Is the live model still right? Its ranking and calibration on outcomes since it was fitted.

``drift_weeks`` scores the outcomes recorded since the fit with the live model, per ISO
week (AUC, mean predicted likelihood, observed conversion). ``drift_verdict`` reads the
most recent weeks holding at least ``MIN_RECENT`` outcomes together: degraded when their
outcome-weighted AUC is ``AUC_DROP`` or more below the held-out AUC, or when predicted and
observed conversion differ by more than ``CALIBRATION_GAP``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from qualification.core.learning.inputs import TrainingRow
from qualification.core.learning.metrics import auc
from qualification.core.learning.model import LikelihoodModel

MIN_RECENT = 30
AUC_DROP = 0.05
CALIBRATION_GAP = 0.1


def drift_weeks(
    model: LikelihoodModel, rows: Sequence[TrainingRow], since: datetime
) -> list[dict[str, Any]]:
    """Per ISO week ("2025-W07"), oldest first: outcomes, positives, auc|None, predicted,
    observed, for the rows recorded at or after ``since``."""
    recent = [row for row in rows if row.recorded_at >= since]
    if not recent:
        return []
    probabilities = np.array(model.predict_many([row.inputs for row in recent]))
    labels = np.array([row.positive for row in recent], dtype=int)
    weeks: dict[str, list[int]] = {}
    for i, row in enumerate(recent):
        year, week, _ = row.recorded_at.isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", []).append(i)
    out = []
    for week in sorted(weeks):
        index = np.array(weeks[week])
        out.append(
            {
                "week": week,
                "outcomes": len(index),
                "positives": int(labels[index].sum()),
                "auc": auc(labels[index], probabilities[index]),
                "predicted": float(probabilities[index].mean()),
                "observed": float(labels[index].mean()),
            }
        )
    return out


def drift_verdict(weeks: Sequence[dict[str, Any]], held_out_auc: float) -> tuple[bool, str]:
    """(degraded?, what the recent weeks say in words)."""
    recent: list[dict[str, Any]] = []
    for week in reversed(weeks):
        recent.append(week)
        if sum(w["outcomes"] for w in recent) >= MIN_RECENT:
            break
    total = sum(w["outcomes"] for w in recent)
    if total < MIN_RECENT:
        return False, (
            f"{total} outcomes since the model was fitted; drift is judged from {MIN_RECENT}."
        )
    predicted = sum(w["predicted"] * w["outcomes"] for w in recent) / total
    observed = sum(w["observed"] * w["outcomes"] for w in recent) / total
    ranked = [w for w in recent if w["auc"] is not None]
    weight = sum(w["outcomes"] for w in ranked)
    recent_auc = sum(w["auc"] * w["outcomes"] for w in ranked) / weight if weight else None
    span = f"over the last {len(recent)} week{'s' if len(recent) != 1 else ''} ({total} outcomes)"
    problems = []
    if recent_auc is not None and recent_auc <= held_out_auc - AUC_DROP:
        problems.append(
            f"it ranks worse than when it was fitted (AUC {recent_auc:.2f}, "
            f"held-out {held_out_auc:.2f})"
        )
    if abs(predicted - observed) > CALIBRATION_GAP:
        problems.append(f"it predicted {predicted:.0%} conversion but {observed:.0%} converted")
    if problems:
        return True, f"The likelihood has degraded {span}: " + "; ".join(problems) + "."
    auc_text = f"AUC {recent_auc:.2f}" if recent_auc is not None else "AUC not measurable"
    return False, (
        f"The likelihood holds {span}: {auc_text} (held-out {held_out_auc:.2f}), "
        f"predicted {predicted:.0%}, observed {observed:.0%}."
    )
