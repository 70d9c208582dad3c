"""When did a lead the engine finds qualified today first become qualified? Ask the engine.

Some leads qualify on signals no journey fact tracks (a teammate's usage, an account that
grew active). The demo replays the published criteria over their events at one moment per
day going back (the aggregation pass ignores events after the moment it is given), and
takes the day they turned qualified and stayed so: the same answer a rescore on every event
would have stored. One aggregation query per day for all of them, read-only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from qualification.core.scoring import prepare_criteria, score_lead
from qualification.core.vocabulary import QUALIFICATION_NONE
from qualification.models import Event
from qualification.selectors.scoring_specs import (
    criteria_specs_read,
    policy_spec_read,
    published_version_read,
)
from qualification.selectors.signals import lead_batch_build, lead_batch_fetch

DAYS = 42


def _qualified_at(lead_ids: Sequence[int], moment: datetime, criteria, policy) -> set[int]:
    fetched = lead_batch_fetch(list(lead_ids), criteria, policy, moment)
    built = lead_batch_build(fetched, criteria, policy, moment)
    return {
        lead_id
        for lead_id, signals in built.signals.items()
        if score_lead(criteria, signals, policy, moment).qualification != QUALIFICATION_NONE
    }


def qualified_since(lead_ids: Sequence[int], now: datetime) -> dict[int, datetime]:
    """Per lead: the event on the day it became (and stayed) qualified, at most ``DAYS`` ago
    (leads qualified all along get the first event of that oldest day)."""
    version = published_version_read()
    if version is None or not lead_ids:
        return {}
    criteria = prepare_criteria(criteria_specs_read(version.pk))
    policy = policy_spec_read(version.pk)
    still = set(lead_ids)
    day_of: dict[int, int] = {}
    for day in range(1, DAYS + 1):
        qualified = _qualified_at(sorted(still), now - timedelta(days=day), criteria, policy)
        for lead_id in still - qualified:
            day_of[lead_id] = day  # not yet qualified then: it qualified the day after
        still &= qualified
        if not still:
            break
    for lead_id in still:
        day_of[lead_id] = DAYS + 1
    since: dict[int, datetime] = {}
    for lead_id, day in day_of.items():
        start, end = now - timedelta(days=day), now - timedelta(days=day - 1)
        events = Event.objects.filter(lead_id=lead_id, occurred_at__gt=start, occurred_at__lte=end)
        first = events.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        since[lead_id] = first or _some_moment(lead_id, start, end)
    return since


def _some_moment(lead_id: int, start: datetime, end: datetime) -> datetime:
    """A moment of that day for a lead with no event on it (a fit criterion qualified it):
    the lead's own, so such leads do not all share the day's last instant."""
    share = random.Random(f"{lead_id}:qualified").uniform(0.2, 0.9)
    return start + (end - start) * share
