"""Suggested opening messages (pure): pick the trigger from the freshest strong signal, then
fill an ops-edited template with the lead's own facts, in words still true when shown.

No Django imports and no database: the lead page's selector fetches the facts, this module
decides. Rendering never raises: a template that names a fact we do not have gets a
sensible fallback, and an unknown placeholder is left as written, because a broken
suggestion must not break the page an SDR works from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from qualification.core.wording import key_words, parse_when, relative_day

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
# Words that mark a criterion as a hand-raise (asked for a demo or for sales) or a limit.
_HAND_RAISE_WORDS = ("demo", "talk to sales", "contact-sales", "contact sales", "hand-rais")
_LIMIT_WORDS = ("limit",)
# The PQL kinds that are openings in themselves, and what the rep reads for them.
_PQL_TRIGGERS = {"limit_reached": USAGE_LIMIT, "hand_raiser": HAND_RAISE}
_PQL_NAMES = {"limit_reached": "Free-plan limit reached", "hand_raiser": "Asked for sales"}

FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "account": "your team",
    "feature": "the product",
    "limit": "usage",
    "content": "our guide",
    "sender": "the LeadHub team",
    "product": PRODUCT,
    "teammates": "several",
    "when": "recently",
    "request": "a call with our team",
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
    now: datetime | None = None  # the viewer's local time: "today" is their today
    pql_seen_at: datetime | None = None  # when the PQL trigger event happened


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


def _says(contribution: Mapping[str, Any], words: Sequence[str]) -> bool:
    text = f"{contribution.get('key', '')} {contribution.get('name', '')}".lower()
    return any(word in text for word in words)


class Trigger(NamedTuple):
    """Which kind of opening suits the lead (an ``OutreachTrigger`` value), and why.

    ``seen_at``: when the signal behind it happened (None: not known), for ``{when}``;
    ``request``: what a hand-raiser asked for, for ``{request}``.
    """

    trigger: str
    why: str
    seen_at: datetime | None = None
    request: str = ""


def _kind_trigger(contribution: Mapping[str, Any]) -> str | None:
    """The opening a positive contribution calls for (None: it calls for none)."""
    if _says(contribution, _HAND_RAISE_WORDS):
        return HAND_RAISE
    if _says(contribution, _LIMIT_WORDS):
        return USAGE_LIMIT
    kind = contribution.get("kind")
    if kind == "usage":
        return MILESTONE if _is_milestone(contribution) else HEAVY_USAGE
    if kind == "intent":
        return CONTENT_INTEREST
    return None


def _points(contribution: Mapping[str, Any]) -> int:
    points = contribution.get("points") or 0
    return points if isinstance(points, int | float) else 0


def _local_day(when: datetime, now: datetime | None) -> date | None:
    """The calendar day of ``when`` where the viewer is (``now``'s zone)."""
    try:
        if now is not None and now.tzinfo is not None and when.tzinfo is not None:
            when = when.astimezone(now.tzinfo)
        return when.date()
    except (OverflowError, ValueError):
        return None


def _request(contribution: Mapping[str, Any] | None) -> str:
    if contribution is not None and _says(contribution, ("demo",)):
        return "a demo"
    return ""


class _Candidate(NamedTuple):
    day: date  # the viewer's calendar day it happened on
    points: int | float
    trigger: str
    seen_at: datetime
    contribution: Mapping[str, Any] | None  # None: the PQL trigger event itself


def _candidates(facts: OutreachFacts) -> list[_Candidate]:
    """Every positive signal that calls for an opening and says when it happened."""
    found = []
    for c in facts.contributions:
        points = _points(c)
        seen_at = parse_when(c.get("last_seen"))
        trigger = _kind_trigger(c) if points > 0 else None
        day = _local_day(seen_at, facts.now) if seen_at is not None else None
        if trigger is not None and seen_at is not None and day is not None:
            found.append(_Candidate(day, points, trigger, seen_at, c))
    trigger = _PQL_TRIGGERS.get(facts.pql_kind)
    if trigger is not None and facts.pql_seen_at is not None:
        day = _local_day(facts.pql_seen_at, facts.now)
        if day is not None and all(c.trigger != trigger for c in found):
            found.append(_Candidate(day, 0, trigger, facts.pql_seen_at, None))
    return found


def _freshest(facts: OutreachFacts) -> Trigger | None:
    """The freshest strong signal's trigger, or None when no signal says when it happened.

    Strong: a hand-raise or a limit (what a PQL kind is made of) whatever its points, or
    the most points of any signal. Freshest by the viewer's calendar day, so a demo asked
    for today beats a limit hit last week; on one day a hand-raise or a limit beats other
    signals (as the PQL kind always did), then the stronger wins.
    """
    found = _candidates(facts)
    if not found:
        return None
    most = max(c.points for c in found)
    strong = [c for c in found if c.trigger in _PQL_TRIGGERS.values() or c.points >= most]
    best = max(strong, key=lambda c: (c.day, c.trigger in _PQL_TRIGGERS.values(), c.points))
    if best.contribution is not None:
        name = str(best.contribution.get("name") or "")
    else:
        name = _PQL_NAMES.get(facts.pql_kind, "")
    when = relative_day(best.seen_at, facts.now) if facts.now is not None else ""
    why = f"Freshest strong signal: {name}, {when}." if when else f"Freshest strong signal: {name}."
    return Trigger(best.trigger, why, best.seen_at, _request(best.contribution))


def pick_trigger(facts: OutreachFacts) -> Trigger:
    """The trigger for the freshest strong signal, and a short why the SDR can read.

    Signals that say when they happened decide (``_freshest``): an opening about
    something from last week reads stale next to a demo asked for today. Without times
    (an old breakdown), the PQL kind wins over the score: a limit reached or a hand-raise
    is a stronger opening than any number of page views; then the strongest positive
    usage or intent contribution decides (the breakdown lists them strongest first).
    """
    fresh = _freshest(facts)
    if fresh is not None:
        return fresh
    if facts.pql_kind == "limit_reached":
        return Trigger(USAGE_LIMIT, "They reached a free-plan limit.")
    if facts.pql_kind == "hand_raiser":
        return Trigger(HAND_RAISE, "They asked to talk to sales.")
    ranked = sorted(
        (c for c in facts.contributions if _points(c) > 0),
        key=lambda c: -_points(c),
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


def fact_values(facts: OutreachFacts, trigger: Trigger | None = None) -> dict[str, str]:
    """Every placeholder's value: the lead's own fact, or the fallback when it is missing.

    Stored keys read as words ("monthly_exports" → "monthly exports"); ``{when}`` says when
    the trigger's signal happened, as it is on the day the message is shown.
    """
    seen_at = trigger.seen_at if trigger is not None else None
    values = {
        "first_name": facts.first_name.strip(),
        "account": facts.account.strip(),
        "sender": facts.sender.strip(),
        "product": PRODUCT,
        "feature": key_words(_first_property(facts.events, _FEATURE_KEYS, "product")),
        "limit": key_words(_first_property(facts.events, _LIMIT_KEYS)),
        "content": _first_property(facts.events, _CONTENT_KEYS, "marketing"),
        "teammates": str(facts.teammates) if facts.teammates else "",
        "when": relative_day(seen_at, facts.now) if seen_at and facts.now else "",
        "request": trigger.request if trigger is not None else "",
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
    picked = pick_trigger(facts)
    trigger, why = picked.trigger, picked.why
    by_trigger: dict[str, Mapping[str, Any]] = {}
    for template in templates:
        by_trigger.setdefault(str(template.get("trigger", "")), template)
    template = by_trigger.get(trigger) or by_trigger.get(GENERAL)
    if template is None:
        return None
    values = fact_values(facts, picked)
    return Suggestion(
        trigger=trigger,
        why=why,
        subject=render(str(template.get("subject", "")), values),
        body=render(str(template.get("body", "")), values),
        template_name=str(template.get("name", "")),
        facts=values,
    )
