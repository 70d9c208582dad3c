"""The pure scoring core: plain Python, no Django, no clock, no settings.

``score_lead(criteria, signals, policy, now)`` turns criteria and one lead's aggregated
signals into a ``ScoreResult``; ``next_stage(stage, result)`` says where the lead moves.
``prepare_criteria(criteria)`` does the per-criterion work once for a whole rescore; pass
its result to ``score_lead`` for every lead (plain specs are prepared on each call).
The rules themselves, written to be read, are in ``conditions.py``.
"""

from qualification.core.scoring.conditions import (
    apply_operator,
    attribute_condition,
    decay_factor,
    event_condition,
    event_points,
    is_near_miss,
    resolve_attribute,
    round_points,
)
from qualification.core.scoring.engine import score_lead
from qualification.core.scoring.lifecycle import next_stage, placement
from qualification.core.scoring.prepared import PreparedCriteria, prepare_criteria
from qualification.core.scoring.qualify import meets_usage_criteria, tier_for
from qualification.core.scoring.reasons import ReasonContext, render_reason
from qualification.core.scoring.types import (
    Contribution,
    CriterionSpec,
    EventSignal,
    LeadFacts,
    LeadSignals,
    NearMiss,
    PolicySpec,
    ScoreResult,
)
from qualification.core.scoring.validation import REASON_PLACEHOLDERS, validate_criterion

__all__ = [
    "REASON_PLACEHOLDERS",
    "Contribution",
    "CriterionSpec",
    "EventSignal",
    "LeadFacts",
    "LeadSignals",
    "NearMiss",
    "PolicySpec",
    "PreparedCriteria",
    "ReasonContext",
    "ScoreResult",
    "apply_operator",
    "attribute_condition",
    "decay_factor",
    "event_condition",
    "event_points",
    "is_near_miss",
    "meets_usage_criteria",
    "next_stage",
    "placement",
    "prepare_criteria",
    "render_reason",
    "resolve_attribute",
    "round_points",
    "score_lead",
    "tier_for",
    "validate_criterion",
]
