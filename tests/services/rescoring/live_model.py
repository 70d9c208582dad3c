"""A small, hand-set likelihood model made live, for the tests of the likelihood path.

Its weights are known, so a test can compute what a lead's likelihood must be: pricing
interest (the catalog's criterion) and webinars in the last 30 days (an event no criterion
names: the aggregation pass counts it for the model alone) raise it; being a student (a
trait) lowers it.
"""

from __future__ import annotations

import math

import numpy as np
from django.utils import timezone

from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.model import LikelihoodModel
from qualification.models import Recalibration

WEBINAR = "Webinar Attended"
COLUMNS = [
    ["fired", "pricing"],
    ["event", WEBINAR, 1],  # the 30-day window
    ["cat", "lead", "trait.occupation", "student"],
]
LABELS = ["Pricing interest", f"{WEBINAR} events in the last 30 days", "Occupation is Student"]
COEF = (1.0, 0.8, -1.5)
INTERCEPT = -1.0


def hand_model(*, shift: float = 0.0) -> LikelihoodModel:
    """The model above; ``shift`` moves the intercept (a "new model" with other figures)."""
    n = len(COLUMNS)
    return LikelihoodModel(
        space=FeatureSpace(COLUMNS, LABELS),
        mean=np.zeros(n),
        scale=np.ones(n),
        coef=np.array(COEF, dtype=float),
        intercept=INTERCEPT + shift,
        held_out_auc=0.8,
        n_outcomes=120,
    )


def expected(*, pricing: bool, webinars_30d: int, student: bool, shift: float = 0.0) -> float:
    """What the model must say for such a lead, from its weights (rounded as stored)."""
    z = INTERCEPT + shift
    z += COEF[0] * pricing + COEF[1] * math.log1p(webinars_30d) + COEF[2] * student
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def live_recalibration(*, shift: float = 0.0, auc: float = 0.81) -> Recalibration:
    """Store the model as the one live recalibration (the previous live one steps down)."""
    Recalibration.objects.filter(is_live=True).update(is_live=False)
    return Recalibration.objects.create(
        status="done",
        trigger="command",
        is_live=True,
        model=hand_model(shift=shift).to_json(),
        n_outcomes=120,
        figures={"auc_likelihood": auc},
        finished_at=timezone.now(),
    )
