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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .conditions import attribute_condition, event_condition, is_near_miss, measured
from .qualify import route, tier_for
from .reasons import ReasonContext, format_window, render_reason
from .types import (
    KIND_DISQUALIFIER,
    KIND_FIT,
    KIND_INTENT,
    KIND_NEGATIVE,
    KIND_USAGE,
    TIER_COLD,
    Contribution,
    CriterionSpec,
    EventSignal,
    LeadSignals,
    NearMiss,
    PolicySpec,
    ScoreResult,
)

POSITIVE_KINDS = (KIND_FIT, KIND_INTENT, KIND_USAGE)
_KIND_ORDER = {KIND_FIT: 0, KIND_INTENT: 1, KIND_USAGE: 2, KIND_NEGATIVE: 3, KIND_DISQUALIFIER: 4}


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


def subscore_for(spec: CriterionSpec) -> str:
    """Which sub-score a criterion's points go to ("" for a disqualifier)."""
    if spec.kind in POSITIVE_KINDS:
        return spec.kind
    if spec.kind == KIND_NEGATIVE:
        if spec.applies_to == "mql":
            return KIND_INTENT
        if spec.applies_to == "pql":
            return KIND_USAGE
        return KIND_INTENT if spec.is_event else KIND_FIT
    return ""


def _context(spec: CriterionSpec, signals: LeadSignals, **evidence) -> ReasonContext:
    account = signals.facts.account or {}
    return ReasonContext(
        account=signals.account_name,
        employees=account.get("employee_count"),
        industry=account.get("industry") or None,
        country=account.get("country") or None,
        users=signals.account_active_users,
        event=spec.event_name or None,
        **evidence,
    )


def _filter_value(spec: CriterionSpec):
    values = list(spec.property_filter.values()) if spec.property_filter else []
    return values[0] if len(values) == 1 else (values or None)


@dataclass(frozen=True)
class Evaluation:
    contribution: Contribution | None = None
    unknown_attribute: str | None = None
    near_miss: NearMiss | None = None


def _evaluate_event(spec: CriterionSpec, signals: LeadSignals, now: datetime) -> Evaluation:
    signal = signals.event(spec.key)
    if not event_condition(spec, signal):
        if spec.kind in POSITIVE_KINDS and is_near_miss(spec, signal):
            have = measured(spec, signal)
            noun = "active days" if spec.measure == "distinct_days" else "events"
            text = (
                f"{spec.name}: {have} of {spec.threshold} {noun} {format_window(spec.window_days)}"
            )
            return Evaluation(
                near_miss=NearMiss(
                    key=spec.key,
                    name=spec.name,
                    kind=spec.kind,
                    measure=spec.measure,
                    have=have,
                    threshold=spec.threshold,
                    window_days=spec.window_days,
                    points=spec.points,
                    description=text,
                )
            )
        return Evaluation()
    occurrences = None
    base = spec.points
    if spec.points_mode == "per_occurrence":
        have = measured(spec, signal)
        occurrences = min(have, spec.max_occurrences) if spec.max_occurrences else have
        base = spec.points * occurrences
    factor = decay_factor(spec, signal, now)
    points = base if factor is None else round_points(base * factor)
    disqualifier = spec.kind == KIND_DISQUALIFIER
    ctx = _context(
        spec,
        signals,
        count=signal.count,
        days=signal.distinct_days,
        window_days=spec.window_days,
        last_seen=signal.last_seen,
        value=_filter_value(spec),
    )
    return Evaluation(
        contribution=Contribution(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            points=0 if disqualifier else points,
            subscore=subscore_for(spec),
            reason=render_reason(spec.reason_template, ctx, now),
            signal_type="event",
            base_points=0 if disqualifier else base,
            occurrences=occurrences,
            count=signal.count,
            days=signal.distinct_days,
            window_days=spec.window_days,
            last_seen=signal.last_seen,
            decay=None if factor is None else round(factor, 4),
            value=_filter_value(spec),
            glossary_term=spec.glossary_term,
        )
    )


def _evaluate_attribute(spec: CriterionSpec, signals: LeadSignals, now: datetime) -> Evaluation:
    outcome = attribute_condition(spec, signals.facts)
    if not outcome.known:
        return Evaluation(unknown_attribute=spec.attribute)
    if not outcome.holds:
        return Evaluation()
    disqualifier = spec.kind == KIND_DISQUALIFIER
    ctx = _context(spec, signals, value=outcome.value, has_window=False)
    points = 0 if disqualifier else spec.points
    return Evaluation(
        contribution=Contribution(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            points=points,
            subscore=subscore_for(spec),
            reason=render_reason(spec.reason_template, ctx, now),
            signal_type="attribute",
            base_points=points,
            attribute=spec.attribute,
            value=outcome.value,
            glossary_term=spec.glossary_term,
        )
    )


def evaluate(spec: CriterionSpec, signals: LeadSignals, now: datetime) -> Evaluation:
    if spec.is_event:
        return _evaluate_event(spec, signals, now)
    return _evaluate_attribute(spec, signals, now)


def _strength(c: Contribution) -> tuple:
    return (-abs(c.points), -c.points, _KIND_ORDER.get(c.kind, 9), c.key)


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def score_lead(
    criteria: Sequence[CriterionSpec], signals: LeadSignals, policy: PolicySpec, now: datetime
) -> ScoreResult:
    """Score one lead: itemized contributions, sub-scores, tier, reasons, qualification."""
    subscores = {KIND_FIT: 0, KIND_INTENT: 0, KIND_USAGE: 0}
    contributions: list[Contribution] = []
    disqualifiers: list[Contribution] = []
    unknown: set[str] = set()
    near_misses: list[NearMiss] = []
    for spec in criteria:
        result = evaluate(spec, signals, now)
        if result.unknown_attribute:
            unknown.add(result.unknown_attribute)
        if result.near_miss:
            near_misses.append(result.near_miss)
        found = result.contribution
        if found is None:
            continue
        if found.kind == KIND_DISQUALIFIER:
            disqualifiers.append(found)
        else:
            contributions.append(found)
            subscores[found.subscore] += found.points
    contributions.sort(key=_strength)
    near_misses.sort(key=lambda n: (-abs(n.points), n.key))
    fit, intent, usage = subscores[KIND_FIT], subscores[KIND_INTENT], subscores[KIND_USAGE]
    total = fit + intent + usage
    disqualifiers.sort(key=lambda d: d.key)
    disqualified = bool(disqualifiers)
    disqualification_reasons = _dedupe([d.reason for d in disqualifiers])

    routing = route(
        criteria,
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
    return ScoreResult(
        fit=fit,
        intent=intent,
        usage=usage,
        total=total,
        tier=TIER_COLD if disqualified else tier_for(total, policy),
        contributions=tuple(contributions),
        reasons=reasons,
        qualification=routing.qualification,
        pql_kind=routing.pql_kind,
        pql_level=routing.pql_level,
        queue=routing.queue,
        also_mql=routing.also_mql,
        meets_mql=routing.meets_mql,
        meets_pql=routing.meets_pql,
        qualification_reason=routing.reason,
        disqualified=disqualified,
        disqualifiers=tuple(disqualifiers),
        disqualification_reasons=disqualification_reasons,
        unknown_attributes=tuple(sorted(unknown)),
        near_misses=tuple(near_misses),
        strongest_signal_at=strongest,
        signed_up=signals.signed_up,
    )
