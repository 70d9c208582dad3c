"""Learning from sales feedback (pure: numpy and scikit-learn, no Django).

``recalibrate(rows, criteria)`` turns outcome rows (``TrainingRow``: a lead as it was when
sales first acted, and its label) and the published criteria (``CriterionInfo``) into the
stored figures and a ``LikelihoodModel`` (JSON round trip, pure-numpy ``predict``,
plain-words ``factors``). ``drift_weeks``/``drift_verdict`` judge a live model on later
outcomes.
"""

from qualification.core.learning.drift import drift_verdict, drift_weeks
from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.inputs import (
    EVENT_WINDOWS,
    CriterionInfo,
    LeadInputs,
    TrainingRow,
)
from qualification.core.learning.model import Factor, LikelihoodModel
from qualification.core.learning.outcomes import (
    LABELLED_OUTCOMES,
    NEGATIVE_OUTCOMES,
    POSITIVE_OUTCOMES,
    REJECTION_REASONS,
    outcome_label,
)
from qualification.core.learning.report import RecalibrationResult, recalibrate

__all__ = [
    "EVENT_WINDOWS",
    "LABELLED_OUTCOMES",
    "NEGATIVE_OUTCOMES",
    "POSITIVE_OUTCOMES",
    "REJECTION_REASONS",
    "CriterionInfo",
    "Factor",
    "FeatureSpace",
    "LeadInputs",
    "LikelihoodModel",
    "RecalibrationResult",
    "TrainingRow",
    "drift_verdict",
    "drift_weeks",
    "outcome_label",
    "recalibrate",
]
