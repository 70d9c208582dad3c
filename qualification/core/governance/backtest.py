"""Would the draft have ranked past leads better? Published against draft on real outcomes.

The caller scores every lead with a sales outcome on both sides and says whether the
outcome was positive (accepted, converted, won) or negative (rejected, lost). Per side:
the ROC AUC of the total score, the share of positives among the top-ranked leads, the
conversion rate per tier, and how many qualified leads the outcome proved wrong.

The queue counted is the score's own ``result.queue``, not ``placement``: leads with an
outcome have mostly moved on to sales stages, where placement would empty every queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from qualification.core.vocabulary import SDR_QUEUES, TIER_NAMES

_TIER_ORDER = tuple(TIER_NAMES[tier] for tier in sorted(TIER_NAMES, reverse=True))


class OutcomeLead(NamedTuple):
    id: int
    positive: bool


class Scored(Protocol):
    """What the backtest reads of one side's result (a ``ScoreResult`` is one)."""

    @property
    def total(self) -> int: ...
    @property
    def tier(self) -> int: ...
    @property
    def queue(self) -> str: ...


class Side(NamedTuple):
    """One side's result as a preview keeps it between chunks (``Scored``)."""

    total: int
    tier: int
    queue: str


class _Row(NamedTuple):
    id: int
    positive: bool
    total: int
    tier: int
    queue: str


def backtest(
    rows: Iterable[tuple[OutcomeLead, Scored, Scored]], min_per_class: int = 10
) -> dict[str, Any]:
    """Compare the two sides on ``(lead, published result, draft result)`` rows.

    Every figure is computed even with few outcomes; ``enough`` and ``message`` say
    whether they mean anything (both classes need ``min_per_class`` leads).
    """
    published: list[_Row] = []
    draft: list[_Row] = []
    for lead, before, after in rows:
        published.append(_Row(lead.id, lead.positive, before.total, before.tier, before.queue))
        draft.append(_Row(lead.id, lead.positive, after.total, after.tier, after.queue))
    n_positive = sum(row.positive for row in published)
    n_negative = len(published) - n_positive
    enough = n_positive >= min_per_class and n_negative >= min_per_class
    sides = {"published": _side(published), "draft": _side(draft)}
    return {
        "n_outcomes": len(published),
        "n_positive": n_positive,
        "n_negative": n_negative,
        "enough": enough,
        "message": _message(n_positive, n_negative, min_per_class, enough),
        "auc_published": sides["published"]["auc"],
        "auc_draft": sides["draft"]["auc"],
        **sides,
    }


def _message(n_positive: int, n_negative: int, min_per_class: int, enough: bool) -> str:
    counts = f"{n_positive} accepted or won"
    if not enough:
        need = "is" if min_per_class == 1 else "are"
        return (
            f"Too few outcomes to tell: {counts} and {n_negative} rejected or lost "
            f"(at least {min_per_class} of each {need} needed)."
        )
    total = n_positive + n_negative
    leads = "lead" if total == 1 else "leads"
    return f"Based on {total} {leads} with outcomes: {counts}, {n_negative} rejected or lost."


def _side(rows: list[_Row]) -> dict[str, Any]:
    ranked = sorted(rows, key=lambda row: (-row.total, row.id))
    return {
        "auc": _auc(rows),
        "precision_top_10": _precision_at(ranked, 10),
        "precision_top_20": _precision_at(ranked, 20),
        "conversion_by_tier": _conversion_by_tier(rows),
        "false_positives": {
            queue: sum(row.queue == queue and not row.positive for row in rows)
            for queue in SDR_QUEUES
        },
        "qualified": {queue: sum(row.queue == queue for row in rows) for queue in SDR_QUEUES},
    }


def _auc(rows: Iterable[_Row]) -> float | None:
    """ROC AUC of the total score against the outcome; None without both classes.

    scikit-learn is imported here, not at module level, so importing the governance
    package (its field lists, the diff) does not load it.
    """
    rows = list(rows)
    labels = [int(row.positive) for row in rows]
    if not rows or len(set(labels)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, [row.total for row in rows]))


def _precision_at(ranked: list[_Row], percent: int) -> float | None:
    """The share of positives among the top ``ceil(percent% of n)`` leads."""
    if not ranked:
        return None
    top = ranked[: -(-len(ranked) * percent // 100)]
    return sum(row.positive for row in top) / len(top)


def _conversion_by_tier(rows: list[_Row]) -> dict[str, dict[str, Any]]:
    tiers: dict[str, dict[str, Any]] = {name: {"n": 0, "positive": 0} for name in _TIER_ORDER}
    for row in rows:
        counts = tiers[TIER_NAMES.get(row.tier, "cold")]
        counts["n"] += 1
        counts["positive"] += row.positive
    for counts in tiers.values():
        counts["rate"] = counts["positive"] / counts["n"] if counts["n"] else None
    return tiers
