"""Suggested opening messages (pure): pick the trigger from the strongest signal, then fill
an ops-edited template with the lead's own facts.

No Django imports and no database: the lead page's selector fetches the facts, this module
decides. Rendering never raises: a template that names a fact we do not have gets a
sensible fallback, and an unknown placeholder is left as written, because a broken
suggestion must not break the page an SDR works from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The stored values of OutreachTrigger (qualification/models/choices.py).
USAGE_LIMIT = "usage_limit"
HEAVY_USAGE = "heavy_usage"
MILESTONE = "milestone"
HAND_RAISE = "hand_raise"
CONTENT_INTEREST = "content_interest"
GENERAL = "general"

PRODUCT = "LeadHub"

# Words that mark a usage criterion as a success milestone rather than heavy use.
_MILESTONE_WORDS = ("integration", "activat", "invite", "teammate", "onboard", "connected", "setup")

FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "account": "your team",
    "feature": "the product",
    "limit": "usage",
    "content": "our guide",
    "sender": "the LeadHub team",
    "product": PRODUCT,
    "teammates": "several",
}

_FEATURE_KEYS = ("feature", "feature_name")
_LIMIT_KEYS = ("limit", "limit_name", "quota")
_CONTENT_KEYS = ("title", "content", "asset", "content_title")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\w+)\}")


class RecentEvent(NamedTuple):
    """One of the lead's recent events, as the message's facts read it."""

    name: str
    source: str  # "product", "marketing", ...
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class OutreachFacts:
    """What the message may say about the lead, as plain values (missing → fallback)."""

    first_name: str = ""
    account: str = ""
    sender: str = ""
    pql_kind: str = ""
    contributions: Sequence[Mapping[str, Any]] = ()
    events: Sequence[RecentEvent] = ()  # newest first
    teammates: int | None = None


@dataclass(frozen=True)
class Suggestion:
    trigger: str
    why: str
    subject: str
    body: str
    template_name: str = ""
    facts: Mapping[str, str] = field(default_factory=dict)


def _is_milestone(contribution: Mapping[str, Any]) -> bool:
    text = f"{contribution.get('key', '')} {contribution.get('name', '')}".lower()
    return any(word in text for word in _MILESTONE_WORDS)


class Trigger(NamedTuple):
    """Which kind of opening suits the lead (an ``OutreachTrigger`` value), and why."""

    trigger: str
    why: str


def pick_trigger(facts: OutreachFacts) -> Trigger:
    """The trigger for the strongest signal, and a short why the SDR can read.

    The PQL kind wins over the score: a limit reached or a hand-raise is a stronger
    opening than any number of page views. Then the strongest positive usage or intent
    contribution decides (the breakdown lists them strongest first).
    """
    if facts.pql_kind == "limit_reached":
        return Trigger(USAGE_LIMIT, "They reached a free-plan limit.")
    if facts.pql_kind == "hand_raiser":
        return Trigger(HAND_RAISE, "They asked to talk to sales.")
    ranked = sorted(
        (c for c in facts.contributions if (c.get("points") or 0) > 0),
        key=lambda c: -(c.get("points") or 0),
    )
    for contribution in ranked:
        kind = contribution.get("kind")
        name = contribution.get("name", "")
        if kind == "usage":
            if _is_milestone(contribution):
                return Trigger(MILESTONE, f"Strongest signal: {name}.")
            return Trigger(HEAVY_USAGE, f"Strongest signal: {name}.")
        if kind == "intent":
            return Trigger(CONTENT_INTEREST, f"Strongest signal: {name}.")
    return Trigger(GENERAL, "No usage or intent signal stands out.")


def _first_property(events: Iterable[RecentEvent], keys: Sequence[str], source: str = "") -> str:
    for _name, event_source, properties in events:  # unpacked: a plain 3-tuple works too
        if source and event_source != source:
            continue
        for key in keys:
            value = properties.get(key) if isinstance(properties, Mapping) else None
            if value not in (None, ""):
                return str(value)
    return ""


def fact_values(facts: OutreachFacts) -> dict[str, str]:
    """Every placeholder's value: the lead's own fact, or the fallback when it is missing."""
    values = {
        "first_name": facts.first_name.strip(),
        "account": facts.account.strip(),
        "sender": facts.sender.strip(),
        "product": PRODUCT,
        "feature": _first_property(facts.events, _FEATURE_KEYS, "product"),
        "limit": _first_property(facts.events, _LIMIT_KEYS),
        "content": _first_property(facts.events, _CONTENT_KEYS, "marketing"),
        "teammates": str(facts.teammates) if facts.teammates else "",
    }
    return {key: value or FALLBACKS[key] for key, value in values.items()}


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders; ``{{``/``}}`` are literal braces; unknown names stay."""

    def _sub(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name in values:
            return values[name]
        return FALLBACKS.get(name, token)

    return _PLACEHOLDER.sub(_sub, text or "")


def suggest(facts: OutreachFacts, templates: Sequence[Mapping[str, Any]]) -> Suggestion | None:
    """The suggested message: the first active template for the trigger, else a general one.

    ``templates``: dicts with name, trigger, subject, body (active ones only, in the
    admin's order). None when ops have not written any template yet.
    """
    trigger, why = pick_trigger(facts)
    by_trigger: dict[str, Mapping[str, Any]] = {}
    for template in templates:
        by_trigger.setdefault(str(template.get("trigger", "")), template)
    template = by_trigger.get(trigger) or by_trigger.get(GENERAL)
    if template is None:
        return None
    values = fact_values(facts)
    return Suggestion(
        trigger=trigger,
        why=why,
        subject=render(str(template.get("subject", "")), values),
        body=render(str(template.get("body", "")), values),
        template_name=str(template.get("name", "")),
        facts=values,
    )
