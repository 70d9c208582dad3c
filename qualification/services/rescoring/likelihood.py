"""The likelihood a rescore stores beside each score: one vectorized estimate per batch.

The live model (``selectors.learning_live``, read once per run) estimates every lead of a
batch at once, from inputs laid out the way snapshots are read
(``selectors.lead_inputs.lead_columns_build``): the criteria the score just fired, the
lead's counts of the model's event names (fetched by the same aggregation pass) and its
facts, turned into one feature matrix column by column (``core.learning.columns``).
Only the leads a rescore writes are estimated: the digest holds what the likelihood
depends on (``likelihood_fingerprint``), so an unchanged lead is skipped before any
estimate. The plain-words factors come from the same feature rows. No query here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import orjson

from qualification.core.learning.columns import EventCounts
from qualification.core.learning.model import Strongest
from qualification.core.scoring import ScoreResult
from qualification.selectors.lead_inputs import fired_criteria, lead_columns_build
from qualification.selectors.learning_live import LiveModel
from qualification.selectors.signals import LEAD_FACT_COLUMNS, LeadBatchSignals

logger = logging.getLogger(__name__)
_facts_of = itemgetter(*LEAD_FACT_COLUMNS)  # a tuple, dumped as the list it replaced

# Stored factors: the strongest few pushing the likelihood up, and down.
TOP_POSITIVE = 3
TOP_NEGATIVE = 2
# Rounded, so float noise between runs never counts as a change (the digest holds it).
LIKELIHOOD_PLACES = 4

NO_LIKELIHOOD: dict[str, Any] = {
    "likelihood": None,
    "likelihood_model_id": None,
    "likelihood_factors": "[]",
}


class Estimate(NamedTuple):
    """One lead's likelihood from one model, and its row in the batch's feature matrix."""

    recalibration_id: int
    likelihood: float
    row: int


class BatchEstimates(NamedTuple):
    """A batch's estimates in scoring order (None without a model) and the feature rows
    they came from (reused for the factors of the leads written)."""

    estimates: list[Estimate | None]
    matrix: np.ndarray | None = None


def likelihood_fingerprint(
    built: LeadBatchSignals, lead_id: int, live: LiveModel | None
) -> bytes | None:
    """What a lead's likelihood depends on beyond its breakdown, as bytes for the digest:
    the model's version, the lead's counts of the model's events and its fact columns
    (attributes and traits). None without a model (the digest stays as it was)."""
    if live is None:
        return None
    row = built.rows[lead_id]
    return orjson.dumps(
        [
            live.recalibration_id,
            built.model_counts.get(lead_id, ""),
            _facts_of(row),
        ],
        default=str,
        option=orjson.OPT_SORT_KEYS,
    )


def batch_likelihoods(
    built: LeadBatchSignals,
    scored: Sequence[tuple[int, ScoreResult]],
    live: LiveModel | None,
) -> BatchEstimates:
    """Each scored lead's estimate (None for all without a model), in ``scored``'s order.

    A model that fails on the batch is logged and the batch gets no likelihood (its
    scores are still written): a broken model must not stop scoring.
    """
    if live is None or not scored:
        return BatchEstimates([None] * len(scored))
    try:
        packed = built.model_counts
        columns = lead_columns_build(
            [built.rows[lead_id] for lead_id, _ in scored],
            criteria=fired_criteria([result for _, result in scored]),
            events=EventCounts.from_packed(
                [packed.get(lead_id, "") for lead_id, _ in scored], built.model_events
            ),
        )
        matrix = live.model.space.transform_columns(columns)
        predicted = live.model.predict_matrix(matrix).round(LIKELIHOOD_PLACES).tolist()
    except Exception:
        logger.exception(
            "Likelihood model %s failed on a batch; its leads get no likelihood",
            live.recalibration_id,
        )
        return BatchEstimates([None] * len(scored))
    model_id = live.recalibration_id
    return BatchEstimates(
        [Estimate(model_id, p, i) for i, p in enumerate(predicted)],
        matrix,
    )


def likelihood_columns(estimate: Estimate | None) -> dict[str, Any]:
    """The likelihood columns of a score row (``db.writes.SCORE_COLUMNS``); the factors
    are filled in for the batch's written rows at once (``factors_fill``)."""
    if estimate is None:
        return dict(NO_LIKELIHOOD)
    return {
        "likelihood": estimate.likelihood,
        "likelihood_model_id": estimate.recalibration_id,
        "likelihood_factors": "[]",
    }


def factors_fill(
    rows: Sequence[dict[str, Any]],
    estimates: Sequence[Estimate],
    batch: BatchEstimates,
    live: LiveModel | None,
) -> None:
    """Store each written row's factors as JSON text: top positive, then top negative.

    One vectorized call for the batch's written leads, on the feature rows the estimate
    already built. Factors that cannot be worked out are logged and left empty: the
    likelihood itself is still right.
    """
    if live is None or batch.matrix is None or not rows:
        return
    try:
        strongest = live.model.strongest_of(
            batch.matrix[[e.row for e in estimates]], up=TOP_POSITIVE, down=TOP_NEGATIVE
        )
    except Exception:
        logger.exception("Likelihood factors failed on a batch; they are left empty")
        return
    for row, text in zip(rows, FactorsText(live.model.space.labels).texts(strongest), strict=True):
        row["likelihood_factors"] = text


class FactorsText:
    """Stored factors, ``[{"label": ..., "weight": ...}]``, as JSON text per row.

    A column's weight is the same for every lead with the same value (all the leads a
    criterion fired on, say), so each distinct (column, weight) is encoded once per batch
    (``np.unique`` over the batch's kept slots) and a row's text is its pieces joined.
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = labels

    def piece(self, column: int, weight: float) -> str:
        label = orjson.dumps(self.labels[column]).decode()
        return f'{{"label":{label},"weight":{weight!r}}}'

    def texts(self, strongest: Strongest) -> list[str]:
        """Each row's factors text, in slot order (``strongest.kept`` slots only)."""
        kept = strongest.kept
        # A (column, weight) pair as one complex number: np.unique sorts it as a pair.
        pairs = strongest.columns[kept] + 1j * strongest.weights[kept]
        distinct, which = np.unique(pairs, return_inverse=True)
        pieces = np.array(
            [self.piece(int(c.real), float(c.imag)) for c in distinct.tolist()] + [""],
            dtype=object,
        )
        slots = np.full(kept.shape, len(distinct), dtype=np.intp)  # "" where not kept
        slots[kept] = which
        return ["[" + ",".join(filter(None, row)) + "]" for row in pieces[slots].tolist()]
