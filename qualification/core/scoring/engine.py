"""The scoring engine: criteria + one lead's signals → score, reasons, qualification.

Pure: no Django, no clock (``now`` is passed in), no settings.

Points
    What fires, for how many points, with what decay, and what is a near miss: written
    out in ``conditions.py``, the reference this engine must agree with
    (``tests/core/scoring/test_reference.py``), and whose helpers it calls. In short:
    ``once`` pays the points, ``per_occurrence`` pays points x the measured value
    (capped), decay multiplies by a factor in [0, 1], attribute criteria pay once and
    never decay, and each contribution is rounded half away from zero.

Sub-scores
    fit, intent and usage criteria count in the sub-score of their kind (``applies_to``
    does not move them). A **negative** criterion counts in the sub-score named by
    ``applies_to``: ``mql`` → intent, ``pql`` → usage, ``both`` → fit for an attribute
    (who they are) and intent for an event (``prepared.subscore_for``). Total = fit +
    intent + usage; sub-scores are not clamped, so every point shown is a point counted.

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

from collections.abc import Sequence
from datetime import datetime

from qualification.core.scoring.conditions import (
    decay_factor,
    decayed_points,
    nearly_reached,
    paid_occurrences,
)
from qualification.core.scoring.prepared import (
    KIND_ORDER,
    LeadView,
    PreparedCriteria,
    PreparedEvent,
    lead_view,
    prepare_criteria,
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
from qualification.core.wording import WHEN_SLOT, relative_day

__all__ = ["score_lead"]

# Contributions, near misses and results are built with ``build_frozen`` (see there why)
# from the prepared criterion's template of the fields that do not depend on the lead.


def _event_contribution(
    item: PreparedEvent, signal: EventSignal, have: int, view: LeadView, now: datetime
) -> Contribution:
    occurrences = None
    base = item.points
    if item.per_occurrence:
        occurrences = paid_occurrences(have, item.max_occurrences)
        base = item.points * occurrences
    factor = decay_factor(item.spec, signal, now) if item.decays else None
    points = decayed_points(base, factor)
    disqualifier = item.disqualifier
    render_when = item.reason.render_when
    if render_when is not None and signal.last_seen is not None:
        reason_when = render_when(view, signal, None, now)
        reason = reason_when.replace(WHEN_SLOT, relative_day(signal.last_seen, now))
    else:
        reason_when = ""
        reason = item.reason.render(view, signal, None, now)
    found = build_frozen(
        Contribution,
        item.contribution,
        points=0 if disqualifier else points,
        reason=reason,
        reason_when=reason_when,
        base_points=0 if disqualifier else base,
        occurrences=occurrences,
        count=signal.count,
        days=signal.distinct_days,
        last_seen=signal.last_seen,
        decay=None if factor is None else round(factor, 4),
    )
    if item.filter_many is not None:  # the template holds one value; several get a new list
        found.__dict__["value"] = item.filter_value()
    return found


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _strength(found: Contribution) -> tuple[int, int, int, str]:
    """Strongest first: absolute points, positive before negative, kind, then key (the
    sort is stable, so equal criteria keep their order)."""
    points = found.points
    return (-abs(points), -points, KIND_ORDER.get(found.kind, 9), found.key)


def score_lead(
    criteria: Sequence[CriterionSpec] | PreparedCriteria,
    signals: LeadSignals,
    policy: PolicySpec,
    now: datetime,
) -> ScoreResult:
    """Score one lead: itemized contributions, sub-scores, tier, reasons, qualification.

    ``criteria``: ``prepare_criteria(specs)``, as the services pass it, prepared once for
    a whole run; plain specs are prepared on each call (see ``prepared.py``).
    """
    prepared = prepare_criteria(criteria)
    subscores = {KIND_FIT: 0, KIND_INTENT: 0, KIND_USAGE: 0}
    contributions: list[Contribution] = []
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
                if item.positive and nearly_reached(have, item.threshold):
                    near_misses.append(
                        build_frozen(
                            NearMiss,
                            item.near_miss,
                            have=have,
                            description=item.near_miss_text(have),
                        )
                    )
                continue
            view = view or lead_view(signals)
            found = _event_contribution(item, signal, have, view, now)
        else:
            value = item.resolve(facts)
            if value is None:
                if not item.is_set and item.attribute:
                    unknown.add(item.attribute)
                continue
            if not item.matches(value):
                continue
            view = view or lead_view(signals)
            found = build_frozen(
                Contribution,
                item.contribution,
                reason=item.reason.render(view, None, value, now),
                value=value,
            )
        if item.disqualifier:
            disqualifiers.append(found)
        else:
            subscores[item.subscore] += found.points
            contributions.append(found)
    contributions.sort(key=_strength)
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
            "qualification_reason_when": routing.reason_when,
            "qualification_seen_at": routing.seen_at,
        },
    )
