"""The rules of scoring, written to be read: what fires, for how many points, near misses.

This module is the reference for the rules; ``engine.score_lead`` is the fast path that
applies them to every lead of a rescore, and ``tests/core/scoring/test_reference.py``
checks on generated cases that both agree. Where the engine needs a rule it calls the
helper here (``nearly_reached``, ``paid_occurrences``, ``decay_factor``,
``decayed_points``) instead of writing it again.

Attribute criteria

* A path is ``lead.<field>``, ``account.<field>``, or ``lead|account.traits.<key>[.<key>...]``
  into nested trait dicts. ``lead.email_domain`` falls back to the part of ``lead.email``
  after the ``@`` when the lead dict has no domain.
* Missing means: no account, a key absent, or a value that is None, ``""``, ``[]`` or ``{}``.
  A missing attribute is *unknown*: its criterion never fires and the path is reported,
  except ``is_set``, which answers False (that is the question it asks).
* ``eq``, ``in``, ``not_in`` and ``contains`` compare text case-insensitively (surrounding
  spaces ignored); a number and a numeric string compare as numbers. When the lead's value
  is a list (e.g. ``account.traits.tech``), ``eq``/``in``/``contains`` hold if any item does
  and ``not_in`` holds if no item is in the list.
* ``gte``, ``lte`` and ``between`` (inclusive) compare numbers; ``"1,200"`` is coerced to 1200.
  A value that is not a number makes them False (known, not unknown).
* An attribute criterion that holds pays its points once and never decays.

Event criteria

* The condition holds when the measured value (count, or distinct days) in the window
  reaches the threshold (at least 1).
* ``once`` pays the points; ``per_occurrence`` pays points x the measured value, capped at
  ``max_occurrences`` when that is set.
* Decay (``half_life_days`` set) multiplies by a factor in [0, 1]: for ``per_occurrence``
  the average decay of the matching events (``decayed_sum / count``); for ``once`` the
  decay of the most recent one, ``0.5 ** (age of last_seen in days / half_life)``, since
  the points are for the condition and are as fresh as its latest evidence. Each falls
  back to the other when its input is unknown. The result is rounded half away from zero.
* A near miss is a positive (fit, intent, usage) criterion below its threshold but at
  half of it or more, with at least one event: a question for the SDR.
* Disqualifiers pay nothing: when one holds the lead is disqualified.

Speed: a full rescore tests every criterion against every lead, so a path and an
operator with its expected value are *compiled* once (``attribute_resolver``,
``operator_matcher``) into small functions that do only the per-lead work: the expected
values are normalised (case-folded, coerced to numbers) up front. ``resolve_attribute``
and ``apply_operator`` are those compiled functions applied once, so there is a single
implementation of the rules above.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from qualification.core.domains import email_domain
from qualification.core.scoring.types import CriterionSpec, EventSignal, LeadFacts
from qualification.core.vocabulary import KIND_DISQUALIFIER, POSITIVE_KINDS

_MISSING = object()
_SEQUENCES = (list, tuple, set)  # a lead value of these types is tested item by item

Resolver = Callable[[LeadFacts], Any]
Matcher = Callable[[Any], bool]


@dataclass(frozen=True)
class AttributeOutcome:
    """The result of an attribute condition: ``known`` False means the value is missing."""

    known: bool
    holds: bool
    value: Any = None


def is_missing(value: Any) -> bool:
    if value is None or value is _MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict) and not value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _norm(value: Any) -> str:
    """Text as the comparisons see it: stripped and case-folded."""
    return str(value).strip().casefold()


def to_number(value: Any) -> float | None:
    """A number, or a string holding one (thousands separators allowed); else None."""
    kind = type(value)
    if kind is int or kind is float or _is_number(value):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _none(_facts: LeadFacts) -> None:
    return None


@lru_cache(maxsize=1024)
def attribute_resolver(path: str) -> Resolver:
    """A function returning the value at ``path`` in a lead's facts, or None when missing.

    Cached per path: the path is split once instead of once per lead.
    """
    head, _, rest = path.partition(".")
    if head not in ("lead", "account"):
        return _none
    from_lead = head == "lead"
    parts = tuple(rest.split(".")) if rest else ()
    if len(parts) == 1 and path != "lead.email_domain":
        return _field_resolver(from_lead, parts[0])
    email_fallback = path == "lead.email_domain"

    def resolve(facts: LeadFacts) -> Any:
        value: Any = facts.lead if from_lead else facts.account
        for part in parts:
            if type(value) is not dict and not isinstance(value, Mapping):
                value = _MISSING
                break
            value = value.get(part, _MISSING)
        if email_fallback and is_missing(value):
            value = email_domain((facts.lead or {}).get("email") or "")
        return None if is_missing(value) else value

    return resolve


def _field_resolver(from_lead: bool, name: str) -> Resolver:
    """The common one-level path (``account.industry``), without the general loop."""

    def resolve(facts: LeadFacts) -> Any:
        root = facts.lead if from_lead else facts.account
        if type(root) is dict:
            value = root.get(name)
        elif isinstance(root, Mapping):
            value = root.get(name, _MISSING)
        else:
            return None
        if value is None:
            return None
        if type(value) is str:
            return value if value.strip() else None
        return None if is_missing(value) else value

    return resolve


def resolve_attribute(facts: LeadFacts, path: str) -> Any:
    """The value at a dotted path, or None when it is missing (see module rules)."""
    return attribute_resolver(path)(facts)


def _add_number(numbers: set[float], value: float | None) -> None:
    # NaN equals nothing, not even itself; leaving it out keeps set lookups from
    # matching it by identity.
    if value is not None and value == value:
        numbers.add(value)


def _equality_matcher(options: tuple[Any, ...], negate: bool) -> Matcher:
    """Any item of the lead's value equal to any option (``eq``, ``in``; ``not_in`` negated).

    Equality between one item and one option: if either is a bool, their texts compare
    ("true"/"false"); else if either is a number, both are coerced to numbers; else their
    texts compare. The options are sorted into sets once so each item is a few lookups.
    """
    texts_all: set[str] = set()  # every option's text: what a bool item is compared with
    texts_bool: set[str] = set()  # bool options' texts: all a number item compares as text
    texts_plain: set[str] = set()  # non-number options' texts: what text items compare with
    numbers_all: set[float] = set()  # non-bool options as numbers: for number items
    numbers_only: set[float] = set()  # number options: for text items that are numeric
    for option in options:
        text = _norm(option)
        texts_all.add(text)
        if isinstance(option, bool):
            texts_bool.add(text)
            texts_plain.add(text)
        elif _is_number(option):
            _add_number(numbers_all, float(option))
            _add_number(numbers_only, float(option))
        else:
            texts_plain.add(text)
            _add_number(numbers_all, to_number(option))

    def item_matches(item: Any) -> bool:
        kind = type(item)
        if kind is str:
            if item.strip().casefold() in texts_plain:
                return True
        elif isinstance(item, bool):
            return _norm(item) in texts_all
        elif _is_number(item):
            return (bool(texts_bool) and _norm(item) in texts_bool) or float(item) in numbers_all
        elif _norm(item) in texts_plain:
            return True
        if not numbers_only:
            return False
        number = to_number(item)
        return number is not None and number in numbers_only

    if not options:
        return _never if not negate else _always

    def matches(actual: Any) -> bool:
        if isinstance(actual, _SEQUENCES):
            found = any(item_matches(item) for item in actual)
        else:
            found = item_matches(actual)
        return not found if negate else found

    return matches


def _contains_matcher(needle: Any) -> Matcher:
    text = _norm(needle)

    def matches(actual: Any) -> bool:
        if isinstance(actual, _SEQUENCES):
            return any(text in str(item).casefold() for item in actual)
        return text in str(actual).casefold()

    return matches


def _range_matcher(low: float | None, high: float | None) -> Matcher:
    """Inclusive bounds; None is open for gte/lte (see ``operator_matcher``)."""

    def matches(actual: Any) -> bool:
        number = to_number(actual)
        if number is None:
            return False
        return (low is None or number >= low) and (high is None or number <= high)

    return matches


def _never(_actual: Any) -> bool:
    return False


def _always(_actual: Any) -> bool:
    return True


def _is_set(actual: Any) -> bool:
    return not is_missing(actual)


def operator_matcher(operator: str, expected: Any) -> Matcher:
    """A function telling whether a present value satisfies ``operator expected``.

    Built once per criterion: the expected value is normalised here, not per lead.
    """
    if operator == "is_set":
        return _is_set
    if operator == "eq":
        return _equality_matcher((expected,), negate=False)
    if operator in ("in", "not_in"):
        options = tuple(expected) if isinstance(expected, _SEQUENCES) else (expected,)
        return _equality_matcher(options, negate=operator == "not_in")
    if operator == "contains":
        return _contains_matcher(expected)
    if operator in ("gte", "lte"):
        bound = to_number(expected)
        if bound is None:
            return _never
        return _range_matcher(bound, None) if operator == "gte" else _range_matcher(None, bound)
    if operator == "between":
        if not isinstance(expected, list | tuple) or len(expected) != 2:
            return _never
        low, high = to_number(expected[0]), to_number(expected[1])
        if low is None or high is None:
            return _never
        return _range_matcher(low, high)
    return _never


def apply_operator(operator: str, actual: Any, expected: Any) -> bool:
    """Whether a present value satisfies ``operator expected`` (missing is the caller's job)."""
    return operator_matcher(operator, expected)(actual)


def attribute_condition(spec: CriterionSpec, facts: LeadFacts) -> AttributeOutcome:
    """Evaluate an attribute criterion against a lead's facts."""
    value = resolve_attribute(facts, spec.attribute)
    if value is None:
        return AttributeOutcome(known=spec.operator == "is_set", holds=False, value=None)
    return AttributeOutcome(
        known=True, holds=apply_operator(spec.operator, value, spec.value), value=value
    )


def measured(spec: CriterionSpec, signal: EventSignal) -> int:
    """What an event criterion counts: events, or distinct active days."""
    return signal.distinct_days if spec.measure == "distinct_days" else signal.count


def event_condition(spec: CriterionSpec, signal: EventSignal) -> bool:
    """Whether the measured value in the window reaches the threshold (at least 1)."""
    return measured(spec, signal) >= max(spec.threshold, 1)


def nearly_reached(have: int, threshold: int) -> bool:
    """Below the threshold but at least half of it, and at least one."""
    return 0 < have < threshold and have * 2 >= threshold


def is_near_miss(spec: CriterionSpec, signal: EventSignal) -> bool:
    """Whether a positive event criterion nearly fired (see ``nearly_reached``)."""
    return spec.kind in POSITIVE_KINDS and nearly_reached(measured(spec, signal), spec.threshold)


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


def paid_occurrences(have: int, max_occurrences: int | None) -> int:
    """How many occurrences a ``per_occurrence`` criterion pays: all, or up to the cap."""
    return min(have, max_occurrences) if max_occurrences else have


def decayed_points(base: int, factor: float | None) -> int:
    """The points after decay: ``base`` itself without decay, else rounded."""
    return base if factor is None else round_points(base * factor)


class EventPoints(NamedTuple):
    """What an event criterion that holds pays, and how that was worked out."""

    base: int  # before decay: points, or points x occurrences
    occurrences: int | None  # per_occurrence only: the occurrences paid
    decay: float | None  # the factor applied, None without decay
    points: int  # after decay and rounding


def event_points(spec: CriterionSpec, signal: EventSignal, now: datetime) -> EventPoints:
    """The points of an event criterion whose condition holds (a disqualifier pays 0)."""
    occurrences = None
    base = spec.points
    if spec.points_mode == "per_occurrence":
        occurrences = paid_occurrences(measured(spec, signal), spec.max_occurrences)
        base = spec.points * occurrences
    factor = decay_factor(spec, signal, now)
    if spec.kind == KIND_DISQUALIFIER:
        return EventPoints(0, occurrences, factor, 0)
    return EventPoints(base, occurrences, factor, decayed_points(base, factor))
