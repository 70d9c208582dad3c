"""The live likelihood model, as the rescore and the lead page read it.

A rescore reads the live model once per run (``live_model_read``): one small query for
the live recalibration's id, and the model's JSON only when that run is new to this
process. A stored recalibration's model never changes, so a model parsed once is kept by
its run (a worker rescoring all day parses each new model once); a different live run
replaces it. The lead page reads which model estimated a lead (``lead_likelihood_read``).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Q

from qualification.core.learning.model import LikelihoodModel
from qualification.models import Lead, Recalibration

logger = logging.getLogger(__name__)


class LiveModel(NamedTuple):
    """The model that scores leads, and the recalibration it came from (its version)."""

    recalibration_id: int
    model: LikelihoodModel


class ModelInfo(NamedTuple):
    """What the lead page says about the model behind a likelihood."""

    recalibration_id: int
    fitted_at: datetime | None
    n_outcomes: int
    held_out_auc: float | None
    is_live: bool


# Parsed models by (recalibration id, requested at): the time guards against an id reused
# after a database reset (tests roll back, ids repeat).
_parsed: dict[tuple[int, datetime], LikelihoodModel] = {}
_parsed_lock = threading.Lock()


def live_model_read() -> LiveModel | None:
    """The live model, or None when no recalibration is live (or its model cannot be read).

    A stored model that does not parse is logged and treated as no model, so a bad row
    never stops scores from being written; the likelihood then reads "no model".
    """
    live = Recalibration.objects.filter(is_live=True).values_list("pk", "requested_at").first()
    if live is None:
        return None
    with _parsed_lock:
        model = _parsed.get(live)
    if model is None:
        data = Recalibration.objects.filter(pk=live[0]).values_list("model", flat=True).first()
        try:
            model = LikelihoodModel.from_json(data or {})
        except Exception:
            logger.exception("The live recalibration %s's model cannot be read", live[0])
            return None
        with _parsed_lock:
            _parsed.clear()  # only the live one is ever needed again
            _parsed[live] = model
    return LiveModel(live[0], model)


def likelihood_shown(value: float | None) -> str:
    """A likelihood as people read it: "72%", or "—" without one (queues and lead page)."""
    return "—" if value is None else f"{round(value * 100)}%"


class LeadLikelihood(NamedTuple):
    """The lead page's likelihood panel: the estimate, its factors, and the model's version.

    ``note`` says in plain words what the number is, or truthfully why there is none.
    """

    value: float | None
    shown: str
    positive: list[dict[str, Any]]
    negative: list[dict[str, Any]]
    model: ModelInfo | None
    live_id: int | None
    note: str


def lead_likelihood_read(*, lead: Lead) -> LeadLikelihood:
    """What the lead page says about ``lead``'s likelihood (one query of a few columns).

    Reads the lead's model and the live one together, so the page can say when the
    estimate came from a model that is no longer live (the next rescore replaces it).
    """
    rows = list(
        Recalibration.objects.filter(Q(is_live=True) | Q(pk=lead.likelihood_model_id or 0)).values(
            *_INFO_FIELDS
        )
    )
    infos = {row["pk"]: _info(row) for row in rows}
    live_id = next((pk for pk, info in infos.items() if info.is_live), None)
    model = infos.get(lead.likelihood_model_id) if lead.likelihood_model_id else None
    factors = [f for f in (lead.likelihood_factors or []) if isinstance(f, dict)]
    positive = [f for f in factors if (f.get("weight") or 0) > 0]
    negative = [f for f in factors if (f.get("weight") or 0) < 0]
    if lead.likelihood is None:
        note = (
            "No model yet: a likelihood appears once a recalibration has learned from "
            "enough sales outcomes."
            if live_id is None
            else "Not estimated yet: the next rescore estimates this lead with the live model."
        )
    elif model is not None and not model.is_live:
        note = (
            f"Estimated by model #{model.recalibration_id}, no longer live; the next rescore "
            "updates it."
        )
    else:
        note = (
            "The calibrated chance that sales accepts this lead: of leads shown this "
            "figure, about that share were accepted."
        )
    return LeadLikelihood(
        lead.likelihood, likelihood_shown(lead.likelihood), positive, negative, model, live_id, note
    )


_INFO_FIELDS = ("pk", "finished_at", "n_outcomes", "is_live", "figures__auc_likelihood")


def _info(row: dict[str, Any]) -> ModelInfo:
    auc = row["figures__auc_likelihood"]
    return ModelInfo(
        recalibration_id=row["pk"],
        fitted_at=row["finished_at"],
        n_outcomes=row["n_outcomes"],
        held_out_auc=float(auc) if isinstance(auc, int | float) else None,
        is_live=row["is_live"],
    )
