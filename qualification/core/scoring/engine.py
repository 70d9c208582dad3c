"""The scoring engine: criteria + one lead's signals → score, reasons, qualification.

Pure: no Django, no clock (``now`` is passed in), no settings.

Points
    * ``once``: the criterion's points when its condition holds.
    * ``per_occurrence``: points x min(measured, max_occurrences), where *measured* is the
      count in the window (or the distinct days, for a distinct-days criterion), paid when
      the condition holds (measured ≥ threshold).
    * Attribute criteria always score once and never decay.
    * Decay (``half_life_days`` set) multiplies by a factor in [0, 1]:
      - ``per_occurrence``: the average decay of the matching events,
        ``decayed_sum / count``;
      - ``once``: the decay of the **most recent** matching event,
        ``0.5 ** (age of last_seen in days / half_life)``. The points are for the
        condition, so they are as fresh as the latest evidence: a lead who viewed
        pricing a year ago and again today keeps full points (falls back to the
        average when ``last_seen`` is unknown).
      Each contribution is rounded half away from zero to a whole number.

Sub-scores
    fit, intent and usage criteria count in the sub-score of their kind (``applies_to``
    does not move them). A **negative**
    criterion counts in the sub-score named by ``applies_to``: ``mql`` → intent,
    ``pql`` → usage, ``both`` → fit for an attribute (who they are) and intent for an
    event. Total = fit + intent + usage; sub-scores are not clamped, so every point shown
    is a point counted.

Disqualifiers
    Add no points. When any fires the lead is disqualified: qualification none, queue
    none, tier cold, and the reasons start with why ("Uses a personal email address
    (gmail.com)"). Scores are still computed so the breakdown shows what was lost.

Reporting
    Contributions are sorted strongest first by absolute points (ties: positive first,
    then fit, intent, usage, negative, then key); a contribution decayed to 0 points stays
    itemized but gives no reason. Attribute criteria whose attribute the lead lacks are
    listed in ``unknown_attributes``; positive event criteria at half their threshold or
    more (but below it) are ``near_misses``. ``strongest_signal_at`` is the ``last_seen`` of
    the strongest positive event contribution (queue recency ordering).

Qualification, tiers and routing: see ``qualify.py``; lifecycle moves: ``lifecycle.py``.

Speed: this runs for every lead of a full rescore, so everything that depends only on the
criteria (operators, paths, reason templates, sub-scores) is worked out once, in
``prepared.py``; the loop here does only the lead's part, and builds reasons only for
the criteria that fired.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from qualification.core.scoring.prepared import (
    POSITIVE_KINDS,
    LeadView,
    PreparedCriteria,
    PreparedEvent,
    prepared_for,
    subscore_for,
)
from qualification.core.scoring.qualify import route, tier_for
from qualification.core.scoring.types import (
    Contribution,
    CriterionSpec,
    EventSignal,
    LeadSignals,
    NearMiss,
    PolicySpec,
    ScoreResult,
    build_frozen,
)
from qualification.core.vocabulary import KIND_FIT, KIND_INTENT, KIND_USAGE, TIER_COLD

__all__ = [
    "POSITIVE_KINDS",
    "decay_factor",
    "round_points",
    "score_lead",
    "subscore_for",
]


def round_points(value: float) -> int:
    """Round half away from zero: 2.5 → 3, -2.5 → -3 (not Python's banker's rounding)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _age_days(when: datetime, now: datetime) -> float:
    return max(0.0, (now - when).total_seconds() / 86400)


def decay_factor(spec: CriterionSpec, signal: EventSignal, now: datetime) -> float | None:
    """The decay applied to an event criterion's points, or None when it does not decay."""
    half_life = spec.half_life_days
    if not half_life:
        return None
    average = (
        signal.decayed_sum / signal.count
        if signal.decayed_sum is not None and signal.count > 0
        else None
    )
    latest = (
        0.5 ** (_age_days(signal.last_seen, now) / half_life)
        if signal.last_seen is not None
        else None
    )
    if spec.points_mode == "per_occurrence":
        factor = average if average is not None else latest
    else:
        factor = latest if latest is not None else average
    return 1.0 if factor is None else min(1.0, max(0.0, factor))


def _lead_view(signals: LeadSignals) -> LeadView:
    """What reasons may say about the lead's account; worked out once per lead."""
    account = signals.facts.account or {}
    return (
        signals.account_name,
        account.get("employee_count"),
        account.get("industry") or None,
        account.get("country") or None,
        signals.account_active_users,
    )


# Contributions, near misses and results are built with ``build_frozen`` (see there why)
# from the prepared criterion's template of the fields that do not depend on the lead.


def _event_contribution(
    item: PreparedEvent, signal: EventSignal, have: int, view: LeadView, now: datetime
) -> Contribution:
    occurrences = None
    base = item.points
    if item.per_occurrence:
        occurrences = min(have, item.max_occurrences) if item.max_occurrences else have
        base = item.points * occurrences
    factor = decay_factor(item.spec, signal, now) if item.decays else None
    points = base if factor is None else round_points(base * factor)
    disqualifier = item.disqualifier
    found = build_frozen(
        Contribution,
        item.contribution,
        points=0 if disqualifier else points,
        reason=item.reason.render(view, signal, None, now),
        base_points=0 if disqualifier else base,
        occurrences=occurrences,
        count=signal.count,
        days=signal.distinct_days,
        last_seen=signal.last_seen,
        decay=None if factor is None else round(factor, 4),
    )
    if item.filter_many is not None:  # a fresh list per contribution, as before
        found.__dict__["value"] = item.filter_value()
    return found


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def score_lead(
    criteria: Sequence[CriterionSpec] | PreparedCriteria,
    signals: LeadSignals,
    policy: PolicySpec,
    now: datetime,
) -> ScoreResult:
    """Score one lead: itemized contributions, sub-scores, tier, reasons, qualification.

    ``criteria`` may be plain specs (prepared on first use and remembered for the same
    unchanged object, see ``prepared.py``) or ``prepare_criteria(specs)``.
    """
    prepared = prepared_for(criteria)
    subscores = {KIND_FIT: 0, KIND_INTENT: 0, KIND_USAGE: 0}
    # Sorted strongest first: by absolute points, positive first, then the prepared rank
    # (kind, key); the position keeps equal criteria in order and the sort off the objects.
    ranked: list[tuple[int, int, int, str, int, Contribution]] = []
    disqualifiers: list[Contribution] = []
    unknown: set[str] = set()
    near_misses: list[NearMiss] = []
    events = signals.events
    facts = signals.facts
    view: LeadView | None = None
    for item in prepared.items:
        if item.__class__ is PreparedEvent:
            signal = events.get(item.key)
            if not signal:  # no events: nothing to score, nothing nearly reached
                continue
            have = signal.distinct_days if item.by_days else signal.count
            if have < item.minimum:
                threshold = item.threshold
                if item.positive and 0 < have < threshold and have * 2 >= threshold:
                    near_misses.append(
                        build_frozen(
                            NearMiss,
                            item.near_miss,
                            have=have,
                            description=item.near_miss_text(have),
                        )
                    )
                continue
            view = view or _lead_view(signals)
            found = _event_contribution(item, signal, have, view, now)
        else:
            value = item.resolve(facts)
            if value is None:
                if not item.is_set and item.attribute:
                    unknown.add(item.attribute)
                continue
            if not item.matches(value):
                continue
            view = view or _lead_view(signals)
            found = build_frozen(
                Contribution,
                item.contribution,
                reason=item.reason.render(view, None, value, now),
                value=value,
            )
        if item.disqualifier:
            disqualifiers.append(found)
        else:
            points = found.points
            subscores[item.subscore] += points
            ranked.append((-abs(points), -points, item.rank, item.key, len(ranked), found))
    ranked.sort()
    contributions = [entry[5] for entry in ranked]
    near_misses.sort(key=lambda n: (-abs(n.points), n.key))
    fit, intent, usage = subscores[KIND_FIT], subscores[KIND_INTENT], subscores[KIND_USAGE]
    total = fit + intent + usage
    disqualifiers.sort(key=lambda d: d.key)
    disqualified = bool(disqualifiers)
    disqualification_reasons = _dedupe([d.reason for d in disqualifiers])

    routing = route(
        prepared.usage_events,
        signals,
        policy,
        now,
        fit=fit,
        intent=intent,
        usage=usage,
        disqualification=disqualification_reasons[0] if disqualified else "",
    )
    sentences = [c.reason for c in contributions if c.points != 0]
    if disqualified:
        reasons = _dedupe([*disqualification_reasons, *sentences])
    else:
        reasons = _dedupe([routing.trigger, *sentences])
    strongest = next(
        (
            c.last_seen
            for c in contributions
            if c.points > 0 and c.signal_type == "event" and c.last_seen
        ),
        None,
    )
    return build_frozen(
        ScoreResult,
        {
            "fit": fit,
            "intent": intent,
            "usage": usage,
            "total": total,
            "tier": TIER_COLD if disqualified else tier_for(total, policy),
            "contributions": tuple(contributions),
            "reasons": reasons,
            "qualification": routing.qualification,
            "pql_kind": routing.pql_kind,
            "pql_level": routing.pql_level,
            "queue": routing.queue,
            "also_mql": routing.also_mql,
            "meets_mql": routing.meets_mql,
            "meets_pql": routing.meets_pql,
            "qualification_reason": routing.reason,
            "disqualified": disqualified,
            "disqualifiers": tuple(disqualifiers),
            "disqualification_reasons": disqualification_reasons,
            "unknown_attributes": tuple(sorted(unknown)),
            "near_misses": tuple(near_misses),
            "strongest_signal_at": strongest,
            "signed_up": signals.signed_up,
        },
    )
