"""An SDR's own figures for *My queue*: the last four weeks, the same definitions as the dashboard.

A rep sees what their manager sees about them (leads are theirs by the dashboard's rule: the
first toucher, else the owner), so there is one truth about their response times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.models import Lead
from qualification.models.accounts import CLOCK_RUNNING
from qualification.selectors.dashboard.expressions import percentiles
from qualification.selectors.dashboard.period import DEFAULT_DAYS, DashboardFilters, default_period
from qualification.selectors.dashboard.sla import clocked_leads, met_q, missed_q


@dataclass(frozen=True)
class RepStrip:
    days: int
    touched: int  # leads this rep first-touched in the window
    attainment: float | None  # met / (met + missed) over leads qualified in the window
    median_business_minutes: float | None  # over the touched leads
    open_overdue: int  # owned, untouched, workable and past due right now (any age)


def rep_strip_read(*, user, now: datetime) -> RepStrip | None:
    """The strip, or None for a user who works no leads (nothing true to show). Three queries."""
    if not user.is_authenticated:
        return None
    start, end = default_period(now, timezone.get_current_timezone())
    filters = DashboardFilters(
        start=start, end=end, tz=timezone.get_current_timezone(), rep_ids=frozenset({user.pk})
    )
    touched_qs = Lead.objects.filter(
        filters.in_period("first_touched_at"), first_touched_by=user
    ).order_by()
    figures = clocked_leads(filters).aggregate(
        met=Count("id", filter=met_q()), missed=Count("id", filter=missed_q(now))
    )
    counts = Lead.objects.filter(Q(first_touched_by=user) | Q(owner=user)).aggregate(
        touched=Count(
            "id", filter=filters.in_period("first_touched_at") & Q(first_touched_by=user)
        ),
        overdue=Count(
            "id",
            filter=CLOCK_RUNNING
            & Q(owner=user, stage__in=SDR_WORKABLE_STAGES, sla_due_at__lte=now),
        ),
    )
    median = percentiles(touched_qs, F("sla_response_minutes"), [], (0.5,)).get((), {}).get(0.5)
    if not counts["touched"] and not counts["overdue"] and not figures["met"] + figures["missed"]:
        return None
    decided = figures["met"] + figures["missed"]
    return RepStrip(
        days=DEFAULT_DAYS,
        touched=counts["touched"],
        attainment=figures["met"] / decided if decided else None,
        median_business_minutes=median,
        open_overdue=counts["overdue"],
    )


__all__ = ["RepStrip", "rep_strip_read"]
