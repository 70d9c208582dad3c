"""Pure SLA maths: business-time arithmetic in a team's timezone (no Django, no clock)."""

from qualification.core.sla.clock import (
    SLASpec,
    SLAState,
    business_minutes_between,
    due_at,
    latest_start_due_by,
    sla_state,
)

__all__ = [
    "SLASpec",
    "SLAState",
    "business_minutes_between",
    "due_at",
    "latest_start_due_by",
    "sla_state",
]
