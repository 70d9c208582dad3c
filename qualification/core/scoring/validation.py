"""Validation of a criterion's definition, shared by the model, the admin and the JSON import.

Pure: takes plain values, returns field -> messages. A criterion that passes here can
always be evaluated by the engine, so bad definitions are refused when saved, not
discovered at scoring time.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from qualification.core.vocabulary import ACCOUNT_ATTRIBUTES, LEAD_ATTRIBUTES

SIGNAL_TYPES = ("event", "attribute")
MEASURES = ("count", "distinct_days")
OPERATORS = ("eq", "in", "not_in", "gte", "lte", "between", "contains", "is_set")
KINDS = ("fit", "intent", "usage", "negative", "disqualifier")
SCOPES = ("mql", "pql", "both")
POINTS_MODES = ("once", "per_occurrence")

# Attributes a criterion may read: the named fields, or any trait under traits.<key>.
_LEAD_ALT = "|".join(LEAD_ATTRIBUTES)
_ACCOUNT_ALT = "|".join(ACCOUNT_ATTRIBUTES)
ATTRIBUTE_RE = re.compile(
    rf"^(lead\.(?:{_LEAD_ALT})|account\.(?:{_ACCOUNT_ALT})"
    r"|(?:lead|account)\.traits\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)$"
)
EVENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.:\-/]{0,199}$")

# Placeholders a reason template may use; the engine fills each with the evidence.
REASON_PLACEHOLDERS = frozenset(
    {
        "count",  # matching events (capped at the window)
        "times",  # "once", "twice", "4 times"
        "days",  # distinct active days
        "window",  # "in the last 7 days" or "so far"
        "window_days",
        "last_seen",  # "2 days ago"
        "value",  # the attribute's value
        "event",  # the event name
        "account",  # account name
        "employees",
        "industry",
        "country",
        "users",  # account-level: how many users met it
    }
)


def _placeholders(template: str) -> tuple[set[str], str | None]:
    try:
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(template)]
    except ValueError as exc:
        return set(), f"The template is not valid: {exc}."
    if "" in fields:
        return set(), "Name each placeholder, e.g. {count}; empty braces {} are not allowed."
    return {field for field in fields if field}, None


def _check_value(operator: str, value: Any) -> str | None:
    """The shape each operator expects of its value."""
    if operator == "is_set":
        return None
    if value is None or value == "":
        return "A value is required for this operator."
    if operator in {"in", "not_in"}:
        if not isinstance(value, list) or not value:
            return 'Give a non-empty JSON list, e.g. ["DE", "FR"].'
        return None
    if operator in {"gte", "lte"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Give a number."
        return None
    if operator == "between":
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
        ):
            return "Give two numbers as a JSON list, e.g. [50, 500]."
        if value[0] > value[1]:
            return "The lower bound must not exceed the upper bound."
        return None
    if operator == "contains" and not isinstance(value, str):
        return "Give the text to look for."
    if operator == "eq" and isinstance(value, list | dict):
        return "Give a single value (use 'is one of' for a list)."
    return None


def validate_criterion(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return field -> messages for everything wrong with a criterion definition.

    ``spec`` holds the criterion's fields by their model names. Empty dict: valid.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = spec.get("kind")
    if kind not in KINDS:
        add("kind", f"Unknown kind {kind!r}; use one of {', '.join(KINDS)}.")
    # applies_to is optional here (the model's definition() leaves it out); checked if given.
    if "applies_to" in spec and spec["applies_to"] not in SCOPES:
        add("applies_to", f"Unknown scope {spec['applies_to']!r}; use mql, pql or both.")
    signal_type = spec.get("signal_type")
    if signal_type not in SIGNAL_TYPES:
        add("signal_type", f"Unknown signal type {signal_type!r}; use event or attribute.")

    points = spec.get("points")
    if isinstance(points, bool) or not isinstance(points, int):
        add("points", "Points must be a whole number (negative allowed).")
    elif kind == "negative" and points > 0:
        add("points", "A negative criterion must take points away (use a value below zero).")
    elif kind in {"fit", "intent", "usage"} and points == 0:
        add("points", "A criterion worth 0 points changes nothing; give it points.")

    half_life = spec.get("half_life_days")
    if half_life is not None and (
        isinstance(half_life, bool) or not isinstance(half_life, int | float) or half_life <= 0
    ):
        add(
            "half_life_days",
            "The half-life must be a positive number of days, or empty for no decay.",
        )

    if signal_type == "event":
        event_name = spec.get("event_name") or ""
        if not EVENT_NAME_RE.match(event_name):
            add(
                "event_name",
                "Name the event this criterion counts (letters, digits, spaces, _ . : - /).",
            )
        measure = spec.get("measure")
        if measure not in MEASURES:
            add("measure", f"Unknown measure {measure!r}; use count or distinct_days.")
        threshold = spec.get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            add("threshold", "The threshold must be a whole number of at least 1.")
        window = spec.get("window_days")
        if window is not None and (
            isinstance(window, bool) or not isinstance(window, int) or window < 1
        ):
            add(
                "window_days",
                "The window must be a whole number of days (at least 1), or empty for 'ever'.",
            )
        if measure == "distinct_days" and window is None:
            add("window_days", "Distinct days active needs a window.")
        props = spec.get("property_filter")
        if props not in (None, {}) and (
            not isinstance(props, dict)
            or any(not isinstance(k, str) or isinstance(v, dict | list) for k, v in props.items())
        ):
            add(
                "property_filter",
                'Give a JSON object of property -> value, e.g. {"feature": "reports"}.',
            )
        mode = spec.get("points_mode")
        if mode not in POINTS_MODES:
            add("points_mode", f"Unknown points mode {mode!r}; use once or per_occurrence.")
        cap = spec.get("max_occurrences")
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            add("max_occurrences", "The cap must be a whole number of at least 1, or empty.")
        if mode == "per_occurrence" and cap is None:
            add("max_occurrences", "Points per occurrence need a cap (at most K times).")
    elif signal_type == "attribute":
        attribute = spec.get("attribute") or ""
        if not ATTRIBUTE_RE.match(attribute):
            add(
                "attribute",
                "Use lead.<field>, account.<field> or lead/account.traits.<key>; "
                f"fields: lead.{{{', '.join(LEAD_ATTRIBUTES)}}}, account.{{{', '.join(ACCOUNT_ATTRIBUTES)}}}.",
            )
        operator = spec.get("operator")
        if operator not in OPERATORS:
            add("operator", f"Unknown operator {operator!r}; use one of {', '.join(OPERATORS)}.")
        else:
            problem = _check_value(operator, spec.get("value"))
            if problem:
                add("value", problem)
        if spec.get("half_life_days") is not None:
            add("half_life_days", "Decay applies to events only; leave it empty for an attribute.")

    template = spec.get("reason_template") or ""
    if not template.strip():
        add("reason_template", "Write the sentence a salesperson can say aloud.")
    else:
        names, problem = _placeholders(template)
        if problem:
            add("reason_template", problem)
        unknown = sorted(names - REASON_PLACEHOLDERS)
        if unknown:
            add(
                "reason_template",
                f"Unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}; "
                f"use {', '.join('{' + n + '}' for n in sorted(REASON_PLACEHOLDERS))}.",
            )
    return errors
