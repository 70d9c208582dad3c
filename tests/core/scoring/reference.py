"""A straightforward scorer built only on the rules in ``conditions.py``: the reference the
fast engine (``score_lead`` with prepared criteria) is compared with.

It does per lead, in the plainest way, what the engine does with prepared criteria and
templates: test each criterion (``attribute_condition``, ``event_condition``), pay it
(``event_points``), put the points in a sub-score by the rule in the engine's docstring,
note near misses (``is_near_miss``) and unknown attributes, and order the result. It
leaves out what it does not check: reason sentences (``test_prepared.py`` compares those
with ``render_reason``) and routing (``test_engine_qualification.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from qualification.core.scoring import CriterionSpec, LeadSignals
from qualification.core.scoring.conditions import (
    attribute_condition,
    event_condition,
    event_points,
    is_near_miss,
    measured,
)

# Ties between equally strong contributions, after the sign: the engine docstring's order.
_KIND_RANK = {"fit": 0, "intent": 1, "usage": 2, "negative": 3}


class Paid(NamedTuple):
    """One fired criterion as the comparison sees it."""

    key: str
    subscore: str
    points: int
    base_points: int
    occurrences: int | None
    decay: float | None
    value: Any  # an attribute criterion's resolved value; None for events


class NearlyFired(NamedTuple):
    key: str
    have: int


class Reference(NamedTuple):
    fit: int
    intent: int
    usage: int
    total: int
    paid: tuple[Paid, ...]  # strongest first
    disqualifiers: tuple[str, ...]  # keys, sorted
    near_misses: tuple[NearlyFired, ...]
    unknown_attributes: tuple[str, ...]
    strongest_signal_at: datetime | None


def subscore(spec: CriterionSpec) -> str:
    """Fit, intent and usage count as themselves; a negative one by ``applies_to``."""
    if spec.kind in ("fit", "intent", "usage"):
        return spec.kind
    if spec.applies_to == "mql":
        return "intent"
    if spec.applies_to == "pql":
        return "usage"
    return "intent" if spec.signal_type == "event" else "fit"


def reference_score(
    criteria: Sequence[CriterionSpec], signals: LeadSignals, now: datetime
) -> Reference:
    paid: list[tuple[Paid, str, datetime | None]] = []
    disqualifiers: list[str] = []
    near: list[tuple[CriterionSpec, int]] = []
    unknown: set[str] = set()
    for spec in criteria:
        if spec.signal_type == "event":
            signal = signals.events.get(spec.key)
            if signal is None:
                continue
            if not event_condition(spec, signal):
                if is_near_miss(spec, signal):
                    near.append((spec, measured(spec, signal)))
                continue
            if spec.kind == "disqualifier":
                disqualifiers.append(spec.key)
                continue
            points = event_points(spec, signal, now)
            decay = None if points.decay is None else round(points.decay, 4)
            entry = Paid(
                spec.key,
                subscore(spec),
                points.points,
                points.base,
                points.occurrences,
                decay,
                None,
            )
            paid.append((entry, spec.kind, signal.last_seen))
            continue
        outcome = attribute_condition(spec, signals.facts)
        if not outcome.known:
            unknown.add(spec.attribute)
        if not outcome.holds:
            continue
        if spec.kind == "disqualifier":
            disqualifiers.append(spec.key)
            continue
        entry = Paid(spec.key, subscore(spec), spec.points, spec.points, None, None, outcome.value)
        paid.append((entry, spec.kind, None))

    paid.sort(key=lambda e: (-abs(e[0].points), -e[0].points, _KIND_RANK[e[1]], e[0].key))
    near.sort(key=lambda n: (-abs(n[0].points), n[0].key))
    sums = {"fit": 0, "intent": 0, "usage": 0}
    for entry, _kind, _last in paid:
        sums[entry.subscore] += entry.points
    strongest = next((last for entry, _k, last in paid if entry.points > 0 and last), None)
    return Reference(
        fit=sums["fit"],
        intent=sums["intent"],
        usage=sums["usage"],
        total=sum(sums.values()),
        paid=tuple(entry for entry, _kind, _last in paid),
        disqualifiers=tuple(sorted(disqualifiers)),
        near_misses=tuple(NearlyFired(spec.key, have) for spec, have in near),
        unknown_attributes=tuple(sorted(unknown)),
        strongest_signal_at=strongest,
    )


def engine_view(result: Any) -> Reference:
    """The same summary read off a ``ScoreResult``."""
    return Reference(
        fit=result.fit,
        intent=result.intent,
        usage=result.usage,
        total=result.total,
        paid=tuple(
            Paid(
                c.key,
                c.subscore,
                c.points,
                c.base_points,
                c.occurrences,
                c.decay,
                c.value if c.signal_type == "attribute" else None,
            )
            for c in result.contributions
        ),
        disqualifiers=tuple(d.key for d in result.disqualifiers),
        near_misses=tuple(NearlyFired(n.key, n.have) for n in result.near_misses),
        unknown_attributes=result.unknown_attributes,
        strongest_signal_at=result.strongest_signal_at,
    )
