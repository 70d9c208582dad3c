"""Suggested new criteria: trait values, attribute values and events that convert unusually.

A candidate is a value of a lead or account attribute or trait ("occupation is Working
Professional"), or an event seen at least once in a window ("pricing_viewed in the last 30
days"). It is suggested when

- at least ``MIN_SUPPORT`` leads with an outcome have it (and ``MIN_SUPPORT`` do not),
- its smoothed lift (conversion with it over conversion without it, both m-estimates
  toward the base rate) is at least ``HIGH_LIFT`` (a fit, intent or usage criterion) or at
  most ``LOW_LIFT`` (a negative fit criterion),
- and no existing criterion covers it: none reads the same attribute or trait, or counts
  the same event name (an existing rule is for ops to re-weight, not to duplicate).

Each comes with a draft-ready criterion (``content``: the keys of ``CRITERION_FIELDS``),
its points from the smoothed log odds ratio on the version's points scale
(``stats.points_scale``), so "one click away from a draft" needs no further input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from qualification.core.governance.content import CRITERION_FIELDS
from qualification.core.learning.attributes import (
    SIDES,
    SKIPPED_ATTRIBUTES,
    attribute_label,
    attribute_path,
    input_attribute,
    value_keys,
)
from qualification.core.learning.inputs import EVENT_WINDOWS, CriterionInfo, TrainingRow
from qualification.core.learning.metrics import smoothed_rate
from qualification.core.learning.stats import SMOOTHING_M
from qualification.core.vocabulary import KIND_FIT, KIND_INTENT, KIND_NEGATIVE, KIND_USAGE

MIN_SUPPORT = 20
HIGH_LIFT = 1.5
LOW_LIFT = 0.67
MAX_SUGGESTIONS = 10
MAX_POINTS = 50


def _covered(criteria: Sequence[CriterionInfo]) -> tuple[set[tuple[str, str]], set[str]]:
    attributes, events = set(), set()
    for c in criteria:
        if c.event_name:
            events.add(c.event_name)
        if c.attribute:
            found = input_attribute(c.attribute)
            if found:
                attributes.add(found)
    return attributes, events


def _tally(rows: Sequence[TrainingRow], covered_attrs: set, covered_events: set):
    """(candidate -> [leads, positives]) and a display form per attribute value."""
    counts: dict[tuple, list[int]] = {}
    display: dict[tuple, str] = {}
    for row in rows:
        seen = set()
        inputs = row.inputs
        for side, values in ((SIDES[0], inputs.lead), (SIDES[1], inputs.account)):
            skipped = SKIPPED_ATTRIBUTES[side]
            for attr, value in values.items():
                if attr in skipped or (side, attr) in covered_attrs:
                    continue
                if isinstance(value, int | float) and not isinstance(value, bool):
                    continue  # numbers are features, not one-value criteria
                items = value if isinstance(value, list | tuple | set) else [value]
                for item in items:
                    for key in value_keys(item):
                        candidate = ("attribute", side, attr, key)
                        seen.add(candidate)
                        display.setdefault(candidate, str(item).strip())
        for name, window_counts in inputs.events.items():
            if name in covered_events:
                continue
            for index in range(len(EVENT_WINDOWS)):
                if window_counts[index] > 0:
                    seen.add(("event", name, index))
        for candidate in seen:
            tally = counts.get(candidate)
            if tally is None:
                tally = counts[candidate] = [0, 0]
            tally[0] += 1
            tally[1] += row.positive
    return counts, display


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:80] or "suggested"


def suggest_criteria(
    rows: Sequence[TrainingRow],
    criteria: Sequence[CriterionInfo],
    *,
    points_scale: float,
    event_kinds: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The suggested new criteria, strongest evidence first (``figures["new_criteria"]``).

    ``event_kinds`` maps an event name to "intent" (marketing) or "usage" (product) when
    the caller knows its source; an unknown event is suggested as intent.
    """
    n = len(rows)
    positives = sum(row.positive for row in rows)
    if not n or positives in (0, n):
        return []
    base = positives / n
    covered_attrs, covered_events = _covered(criteria)
    counts, display = _tally(rows, covered_attrs, covered_events)
    found: dict[tuple, dict[str, Any]] = {}
    for candidate, (support, pos) in counts.items():
        if support < MIN_SUPPORT or n - support < MIN_SUPPORT:
            continue
        with_it = smoothed_rate(pos, support, base, SMOOTHING_M)
        without = smoothed_rate(positives - pos, n - support, base, SMOOTHING_M)
        lift = with_it / without
        if LOW_LIFT < lift < HIGH_LIFT:
            continue
        log_odds = math.log(with_it / (1 - with_it)) - math.log(without / (1 - without))
        strength = abs(math.log(lift)) * math.sqrt(support)
        # one suggestion per event name: the window with the strongest evidence
        group = candidate[:2] if candidate[0] == "event" else candidate
        if group in found and found[group]["_strength"] >= strength:
            continue
        found[group] = {
            "_strength": strength,
            "candidate": candidate,
            "lift": lift,
            "support": support,
            "conversion": with_it,
            "log_odds": log_odds,
        }
    ranked = sorted(found.values(), key=lambda f: -f["_strength"])[:MAX_SUGGESTIONS]
    existing = {c.key for c in criteria}
    out = []
    for f in ranked:
        points = max(-MAX_POINTS, min(MAX_POINTS, round(points_scale * f["log_odds"])))
        if points == 0:
            points = 1 if f["lift"] > 1 else -1
        content, text, key = _criterion(f, points, display, event_kinds or {})
        while key in existing:
            key = f"{key}_new"[:80]
        existing.add(key)
        out.append(
            {
                "key": key,
                "text": text,
                "lift": round(f["lift"], 4),
                "support": f["support"],
                "conversion": round(f["conversion"], 4),
                "content": content,
            }
        )
    return out


def _criterion(
    f: dict[str, Any], points: int, display: dict, event_kinds: Mapping[str, str]
) -> tuple[dict[str, Any], str, str]:
    candidate = f["candidate"]
    lift = f["lift"]
    times = "\u00d7"  # the multiplication sign: "3.1x as often" as people write it
    often = f"{lift:.1f}{times} as often" if lift >= 1 else f"{1 / lift:.1f}{times} less often"
    content: dict[str, Any] = dict.fromkeys(CRITERION_FIELDS)
    content.update(
        applies_to="both",
        property_filter={},
        measure="count",
        threshold=1,
        points=points,
        points_mode="once",
        owner_team="ops",
        is_active=True,
        glossary_term=None,
        event_name="",
        attribute="",
        operator="",
        value=None,
        window_days=None,
        max_occurrences=None,
        half_life_days=None,
    )
    if candidate[0] == "attribute":
        _, side, attr, key = candidate
        shown = display.get(candidate, key)
        label = attribute_label(side, attr)
        kind = KIND_FIT if lift > 1 else KIND_NEGATIVE
        what = f"whose {label[:1].lower() + label[1:]} is {shown}"
        name = f"{label} is {shown}"
        content.update(
            name=name,
            kind=kind,
            signal_type="attribute",
            attribute=attribute_path(side, attr),
            operator="eq",
            value=shown,
            reason_template=f"{label} is {{value}}",
        )
    else:
        _, event, index = candidate
        days = EVENT_WINDOWS[index]
        kind = KIND_NEGATIVE if lift < 1 else event_kinds.get(event, KIND_INTENT)
        if kind not in (KIND_INTENT, KIND_USAGE, KIND_NEGATIVE):
            kind = KIND_INTENT
        what = f"with {event} in the last {days} days"
        name = f"{event} in the last {days} days"
        content.update(
            name=name,
            kind=kind,
            signal_type="event",
            event_name=event,
            window_days=days,
            reason_template=f"{event} {{times}} {{window}}",
        )
    if kind == KIND_NEGATIVE:
        content["points"] = min(points, -1)
    noun = {KIND_FIT: "a fit", KIND_NEGATIVE: "a negative", KIND_USAGE: "a usage"}.get(
        kind, "an intent"
    )
    text = f"Leads {what} convert {often}: add {noun} criterion?"
    content["description"] = f"Suggested from sales feedback: {text}"
    return content, text, _slug(name)
