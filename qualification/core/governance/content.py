"""The content snapshot of a criteria version, and how its values read in plain words.

A snapshot is a plain JSON dict ``{"criteria": {key: {field: value}}, "policy": {field:
value}}``: what a version stores, what a draft edits, and what the diff and the rebase
compare. The field lists are defined once here, with the labels people see, so the diff,
the rebase, the draft form and the version page all name a field the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Every field of a criterion in a snapshot, in the order a diff lists them (a rename
# first: the later lines use the new name), with its label.
CRITERION_FIELDS: dict[str, str] = {
    "name": "name",
    "description": "description",
    "kind": "kind",
    "applies_to": "applies to",
    "signal_type": "signal type",
    "event_name": "event",
    "property_filter": "event properties",
    "measure": "measure",
    "threshold": "threshold",
    "window_days": "window",
    "attribute": "attribute",
    "operator": "operator",
    "value": "value",
    "points": "points",
    "points_mode": "points mode",
    "max_occurrences": "occurrence cap",
    "half_life_days": "half-life (days)",
    "reason_template": "reason",
    "owner_team": "owner team",
    "is_active": "active",
    "glossary_term": "glossary term",
}

# Every field of the qualification policy in a snapshot, with its label.
POLICY_FIELDS: dict[str, str] = {
    "mql_threshold": "MQL threshold",
    "mql_min_fit": "MQL minimum fit",
    "pql_usage_threshold": "PQL usage threshold",
    "tier_hot": "Hot tier at",
    "tier_warm": "Warm tier at",
    "tier_cool": "Cool tier at",
    "outreach_order": "Outreach order",
    "hand_raiser_events": "Hand-raiser events",
    "limit_events": "Limit events",
    "purchase_events": "Purchase events",
    "account_pql_min_users": "Account PQL minimum users",
    "account_pql_window_days": "Account PQL window (days)",
}

# Policy fields holding a list of event names: their order means nothing, so the diff
# reports added and removed names and the rebase merges them as sets.
POLICY_LIST_FIELDS = ("hand_raiser_events", "limit_events", "purchase_events")

# How stored choice values read (the models' choice labels, shortened to fit a sentence).
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "kind": {
        "fit": "fit",
        "intent": "intent",
        "usage": "usage",
        "negative": "negative",
        "disqualifier": "disqualifier",
    },
    "applies_to": {"mql": "MQL", "pql": "PQL", "both": "MQL and PQL"},
    "signal_type": {"event": "event", "attribute": "attribute"},
    "measure": {"count": "number of events", "distinct_days": "distinct days active"},
    "operator": {
        "eq": "equals",
        "in": "is one of",
        "not_in": "is not one of",
        "gte": "at least",
        "lte": "at most",
        "between": "between",
    },
    "points_mode": {"once": "once", "per_occurrence": "per occurrence"},
    "owner_team": {
        "marketing": "Marketing",
        "product": "Product",
        "sales": "Sales",
        "ops": "Revenue operations",
    },
    "outreach_order": {
        "mql_first": "MQL first",
        "pql_first": "PQL first",
        "parallel": "Parallel",
    },
}

# What an empty value means for the fields where empty is a setting of its own.
_NONE_LABELS = {
    "window_days": "ever",
    "max_occurrences": "no cap",
    "half_life_days": "no decay",
    "glossary_term": "none",
    "property_filter": "any",
}


def criteria_of(content: Mapping[str, Any] | None) -> Mapping[str, Mapping[str, Any]]:
    """The criteria of a snapshot by key; a snapshot without any reads as none."""
    return (content or {}).get("criteria") or {}


def policy_of(content: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The policy of a snapshot; a snapshot without one reads as an empty policy."""
    return (content or {}).get("policy") or {}


def field_label(field: str) -> str:
    """The label of a criterion or policy field; an unknown field reads as its own name."""
    return CRITERION_FIELDS.get(field) or POLICY_FIELDS.get(field) or field.replace("_", " ")


def ordered_fields(known: Mapping[str, str], *records: Mapping[str, Any]) -> list[str]:
    """The known fields in their order, then any other field the records carry, sorted.

    Why: a snapshot written by a newer release may carry a field this one does not list;
    the diff and the rebase must still see it rather than drop it silently.
    """
    extra = {name for record in records for name in record if name not in known}
    return [*known, *sorted(extra)]


def quoted(text: Any) -> str:
    """``“text”``: how names, events and templates appear inside a sentence."""
    return f"“{text}”"


def display_value(field: str, value: Any) -> str:
    """A stored value as a person reads it: choice labels, ``ever`` for no window, quoted
    strings, lists as quoted names, ``yes``/``no`` and ``key = value`` pairs."""
    if value is None or (field in _NONE_LABELS and value in ({}, [], "")):
        return _NONE_LABELS.get(field, "none")
    if field in CHOICE_LABELS and isinstance(value, str):
        return CHOICE_LABELS[field].get(value, value)
    if field == "is_active" and isinstance(value, bool):
        return "on" if value else "off"
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return quoted(value) if value else "empty"
    if isinstance(value, Mapping):
        if not value:
            return "none"
        return ", ".join(f"{key} = {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) if value else "none"
    return str(value)
