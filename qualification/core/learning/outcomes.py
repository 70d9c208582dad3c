"""What counts as a sales outcome, and which moment of a lead learning reads.

Positive: accepted (SQL), converted to an opportunity, won. Negative: rejected (with its
reason) and lost (with its reason). "No response" is neither: it says nothing about the
lead, only about the reply. A lead's label is its latest positive or negative feedback
(a lead accepted and later lost is a negative), so submitting the same feedback twice,
or a retried task, never counts a lead twice: learning reads one row per lead.

The moment that counts is the lead as it was when sales first acted on it: its first
touch, or its first feedback when feedback came without a touch (``LeadSnapshot``).
Events after that moment are the SDR's own work and would leak the answer.
"""

from __future__ import annotations

from collections.abc import Iterable

ACCEPTED, CONVERTED, WON = "accepted", "converted", "won"
REJECTED, LOST, NO_RESPONSE = "rejected", "lost", "no_response"

POSITIVE_OUTCOMES = (ACCEPTED, CONVERTED, WON)
NEGATIVE_OUTCOMES = (REJECTED, LOST)
LABELLED_OUTCOMES = (*POSITIVE_OUTCOMES, *NEGATIVE_OUTCOMES)


def outcome_label(outcomes_oldest_first: Iterable[str]) -> bool | None:
    """True/False from the latest positive or negative outcome; None without one."""
    label = None
    for outcome in outcomes_oldest_first:
        if outcome in POSITIVE_OUTCOMES:
            label = True
        elif outcome in NEGATIVE_OUTCOMES:
            label = False
    return label


# Reason codes that say the lead should not have been qualified (an SDR's rejection),
# as opposed to a deal lost later. The models' ``REJECTION_REASONS`` hold the same codes
# (``tests/core/learning/test_outcomes.py`` keeps them equal). A negative outcome with one
# of these reasons on a qualified lead is a false positive of the criteria that fired.
REJECTION_REASONS = frozenset(
    {
        "not_icp",
        "no_budget",
        "no_authority",
        "no_need",
        "bad_timing",
        "student",
        "competitor",
        "existing_customer",
        "spam",
        "other",
    }
)
