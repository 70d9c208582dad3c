"""The pure scoring core: plain Python, no Django, no clock, no settings.

``score_lead(criteria, signals, policy, now)`` turns criteria and one lead's aggregated
signals into a ``ScoreResult``; ``next_stage(stage, result)`` says where the lead moves.
``prepare_criteria(criteria)`` does the per-criterion work once for a whole rescore
(``score_lead`` also does it by itself for a criteria list it sees again).
"""

from .conditions import apply_operator, attribute_condition, event_condition, resolve_attribute
from .engine import decay_factor, round_points, score_lead
from .lifecycle import next_stage
from .prepared import PreparedCriteria, prepare_criteria
from .qualify import meets_usage_criteria, tier_for
from .reasons import ReasonContext, render_reason
from .types import (
    Contribution,
    CriterionSpec,
    EventSignal,
    LeadFacts,
    LeadSignals,
    NearMiss,
    PolicySpec,
    ScoreResult,
)
from .validation import REASON_PLACEHOLDERS, validate_criterion

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
    "meets_usage_criteria",
    "next_stage",
    "prepare_criteria",
    "render_reason",
    "resolve_attribute",
    "round_points",
    "score_lead",
    "tier_for",
    "validate_criterion",
]
