"""The pure outcome vocabulary agrees with the models' choices (one meaning, two places)."""

from __future__ import annotations

from qualification.core.learning import NEGATIVE_OUTCOMES, POSITIVE_OUTCOMES, REJECTION_REASONS
from qualification.models.choices import REJECTION_REASONS as MODEL_REJECTION_REASONS
from qualification.models.choices import FeedbackOutcome


def test_rejection_reasons_match_the_models():
    assert {str(r) for r in MODEL_REJECTION_REASONS} == set(REJECTION_REASONS)


def test_outcomes_are_feedback_outcomes():
    assert set(POSITIVE_OUTCOMES) | set(NEGATIVE_OUTCOMES) <= set(FeedbackOutcome.values)
