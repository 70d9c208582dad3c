"""Queue priority: a lead's score, weighted by how fresh its qualifying signal is.

Within a tier the queue shows first the lead whose *fresh score* is highest: its total
score halved every ``FRESHNESS_HALF_LIFE_DAYS`` since its freshest strong signal (the
latest positive event contribution; a lead qualified on fit alone counts from its
qualification). A demo asked for today (70 points) then outranks a free-plan limit hit
eight days ago (96 points, which counts as 43 today).

Why a stored key and not a sort on the fresh score: the fresh score changes every minute,
so sorting by it means computing it for every queue lead on every page. But halving is
multiplicative, and every lead ages at the same rate, so the *order* of fresh scores never
changes with time: ``score * 2^-(now - t)/h`` ranks as ``log2(score) + t/h``. That key is
written with the score (``priority_key``) and indexed; ``fresh_score`` gives the number the
page shows beside it, at the moment it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from qualification.core.scoring.types import Contribution

FRESHNESS_HALF_LIFE_DAYS = 7.0
# Keys count days from here, so they stay small numbers (any fixed instant would do).
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_SECONDS_PER_DAY = 86400.0
# The key of a lead with no moment to count from (never qualified, no positive event): it
# ranks after every other. A number rather than NULL, which PostgreSQL sorts first.
PRIORITY_UNKNOWN = -1e9


def freshest_strong_signal(contributions: Iterable[Contribution]) -> datetime | None:
    """When the lead last did something that raised its score (a positive event)."""
    seen = [
        c.last_seen
        for c in contributions
        if c.points > 0 and c.signal_type == "event" and c.last_seen is not None
    ]
    return max(seen, default=None)


def priority_key(score: int, fresh_at: datetime | None) -> float:
    """The time-independent sort key of ``fresh_score`` (higher first); ``PRIORITY_UNKNOWN``
    without a moment to count from. Scores below 1 count as 1, so the log is defined."""
    if fresh_at is None:
        return PRIORITY_UNKNOWN
    days = (fresh_at - _EPOCH).total_seconds() / _SECONDS_PER_DAY
    return round(math.log2(max(score, 1)) + days / FRESHNESS_HALF_LIFE_DAYS, 9)


def fresh_score(score: int, fresh_at: datetime | None, now: datetime) -> float:
    """``score`` halved for every half-life since ``fresh_at`` (never above ``score``: a
    signal stamped in the future counts as now)."""
    if fresh_at is None:
        return float(score)
    age_days = max(0.0, (now - fresh_at).total_seconds() / _SECONDS_PER_DAY)
    return score * 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)


def fresh_score_of(key: float, now: datetime) -> float | None:
    """The fresh score at ``now`` of a lead stored with ``key`` (None for no key): the key
    is ``log2(score) + t/h``, so the score halved since ``t`` is ``2^(key - now/h)``."""
    if key <= PRIORITY_UNKNOWN:
        return None
    now_days = (now - _EPOCH).total_seconds() / _SECONDS_PER_DAY
    return 2.0 ** min(key - now_days / FRESHNESS_HALF_LIFE_DAYS, 1000.0)


def fresh_since(key: float, score: int) -> datetime | None:
    """The moment a stored ``key`` counts from (its freshest strong signal)."""
    if key <= PRIORITY_UNKNOWN:
        return None
    days = (key - math.log2(max(score, 1))) * FRESHNESS_HALF_LIFE_DAYS
    try:
        return _EPOCH + timedelta(days=days)
    except OverflowError:
        return None
