"""Conditions: resolve an attribute path, apply an operator, test an event count.

Rules (the engine and the reason sentences rely on them):

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
* An event condition holds when the measured value (count, or distinct days) in the
  window reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .types import CriterionSpec, EventSignal, LeadFacts

_MISSING = object()


@dataclass(frozen=True)
class AttributeOutcome:
    """The result of an attribute condition: ``known`` False means the value is missing."""

    known: bool
    holds: bool
    value: Any = None


def is_missing(value: Any) -> bool:
    if value is _MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict) and not value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def resolve_attribute(facts: LeadFacts, path: str) -> Any:
    """The value at a dotted path, or None when it is missing (see module rules)."""
    head, _, rest = path.partition(".")
    if head == "lead":
        root: Any = facts.lead
    elif head == "account":
        root = facts.account
    else:
        return None
    value = root
    for part in rest.split(".") if rest else ():
        if not isinstance(value, Mapping):
            value = _MISSING
            break
        value = value.get(part, _MISSING)
    if path == "lead.email_domain" and is_missing(value):
        email = (facts.lead or {}).get("email") or ""
        if isinstance(email, str) and "@" in email:
            value = email.rsplit("@", 1)[1].strip().lower()
    return None if is_missing(value) else value


def to_number(value: Any) -> float | None:
    """A number, or a string holding one (thousands separators allowed); else None."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        # True/False match only booleans or the words "true"/"false".
        return str(actual).strip().casefold() == str(expected).strip().casefold()
    if _is_number(actual) or _is_number(expected):
        a, e = to_number(actual), to_number(expected)
        return a is not None and e is not None and a == e
    return str(actual).strip().casefold() == str(expected).strip().casefold()


def _contains(actual: Any, needle: Any) -> bool:
    return str(needle).strip().casefold() in str(actual).casefold()


def _items(actual: Any) -> list[Any]:
    return list(actual) if isinstance(actual, list | tuple | set) else [actual]


def apply_operator(operator: str, actual: Any, expected: Any) -> bool:
    """Whether a present value satisfies ``operator expected`` (missing is the caller's job)."""
    if operator == "is_set":
        return not is_missing(actual)
    if operator == "eq":
        return any(_same(item, expected) for item in _items(actual))
    if operator in ("in", "not_in"):
        options = _items(expected)
        found = any(_same(item, option) for item in _items(actual) for option in options)
        return found if operator == "in" else not found
    if operator == "contains":
        return any(_contains(item, expected) for item in _items(actual))
    if operator in ("gte", "lte", "between"):
        number = to_number(actual)
        if number is None:
            return False
        if operator == "gte":
            bound = to_number(expected)
            return bound is not None and number >= bound
        if operator == "lte":
            bound = to_number(expected)
            return bound is not None and number <= bound
        if not isinstance(expected, list | tuple) or len(expected) != 2:
            return False
        low, high = to_number(expected[0]), to_number(expected[1])
        return low is not None and high is not None and low <= number <= high
    return False


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


def is_near_miss(spec: CriterionSpec, signal: EventSignal) -> bool:
    """Below the threshold but at least half of it (and at least one event)."""
    have = measured(spec, signal)
    return 0 < have < spec.threshold and have * 2 >= spec.threshold
