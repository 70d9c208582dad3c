"""Reads for SLA clocks: every policy as the pure core's ``SLASpec``, read once.

A policy's spec carries its calendar (time zone, workdays, hours, holidays), so whoever
holds the map can compute any lead's clock without another query: two queries in all
(policies with their calendars, then the calendars' holidays).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from qualification.core.sla import SLASpec
from qualification.models import Holiday, SLAPolicy

PolicyMap = dict[tuple[str, int], SLASpec]


@dataclass(frozen=True)
class PolicyInfo:
    """What alerts and the UI need about a policy beyond its clock."""

    policy_id: int
    calendar_name: str
    return_on_breach: bool


def policy_spec(policy: SLAPolicy, holidays: frozenset[date] = frozenset()) -> SLASpec:
    calendar = policy.calendar
    return SLASpec(
        response_minutes=policy.response_minutes,
        warning_percent=policy.warning_percent,
        timezone=calendar.timezone,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        workdays=tuple(calendar.workdays),
        holidays=holidays,
        starts_at=policy.clock_starts,
    )


def _policies() -> list[SLAPolicy]:
    return list(SLAPolicy.objects.select_related("calendar"))


def _holidays(calendar_ids: set[int]) -> dict[int, frozenset[date]]:
    days: dict[int, set[date]] = defaultdict(set)
    for calendar_id, day in Holiday.objects.filter(calendar_id__in=calendar_ids).values_list(
        "calendar_id", "day"
    ):
        days[calendar_id].add(day)
    return {key: frozenset(value) for key, value in days.items()}


def sla_policies_read() -> PolicyMap:
    """Every SLA policy's clock spec by (queue, tier), holidays included (two queries)."""
    policies = _policies()
    holidays = _holidays({p.calendar_id for p in policies})
    return {
        (p.queue, p.tier): policy_spec(p, holidays.get(p.calendar_id, frozenset()))
        for p in policies
    }


def sla_policy_info_read() -> dict[tuple[str, int], PolicyInfo]:
    """Per (queue, tier): the policy id, its calendar's name, whether breaches return leads."""
    return {
        (p.queue, p.tier): PolicyInfo(p.pk, p.calendar.name, p.return_on_breach)
        for p in _policies()
    }
