"""Pure SLA maths: business-time arithmetic in a team's timezone (no Django, no clock)."""

from .clock import (
    PolicySpec,
    SLAState,
    business_minutes_between,
    due_at,
    latest_start_due_by,
    sla_state,
)

__all__ = [
    "PolicySpec",
    "SLAState",
    "business_minutes_between",
    "due_at",
    "latest_start_due_by",
    "sla_state",
]
