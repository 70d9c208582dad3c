"""Words a rep can say aloud: when something happened, and what internal keys are called.

Pure: no Django, no clock (``now`` is passed in, already in the viewer's time zone).

When
    A reason such as "Hit a free-plan limit 8 days ago" is true only on the day it is read,
    so the scoring engine stores the sentence with a ``{when}`` slot and the moment itself
    (``seen_at``), and every place that shows it (queue cell, lead page, REST API, suggested
    opening) fills the slot with ``relative_day(seen_at, now)`` at display time through
    ``reason_now``. A reason stored before the slot existed has no slot and is shown as
    written; the next rescore rewrites it.

Names
    Criteria, events and attributes are stored by key (``account.industry``,
    ``monthly_exports``, ``product_signup``). ``attribute_label`` and ``key_words`` turn
    them into what a person calls them ("Industry", "monthly exports", "Product signup").
    Event names in the tracking plan are already written for people ("Demo Requested");
    ``event_label`` only rewrites names that look like code (``demo_requested``).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

# Where the time goes in a stored sentence ("Hit a free-plan limit {when}").
WHEN_SLOT = "{when}"
UNKNOWN_WHEN = "at an unknown time"

# What the known attribute paths are called (the part after "lead." / "account.").
_ATTRIBUTE_LABELS = {
    "account.name": "Company",
    "account.domain": "Company domain",
    "account.industry": "Industry",
    "account.employee_count": "Employees",
    "account.country": "Country",
    "account.business_model": "Business model",
    "account.plan": "Plan",
    "lead.email": "Email",
    "lead.email_domain": "Email domain",
    "lead.title": "Job title",
    "lead.source": "Lead source",
    "lead.first_name": "First name",
    "lead.last_name": "Last name",
}
# A stored key: lower case and digits joined by underscores ("monthly_exports"), or one
# lower-case word. Hyphens and dots are left alone: "e-commerce", "gmail.com" are words.
_CODE_LIKE = re.compile(r"^[a-z0-9]+(?:_+[a-z0-9]+)+$|^[a-z][a-z0-9]*$")
_SEPARATORS = re.compile(r"_+")
_ACRONYMS = {
    "api": "API",
    "crm": "CRM",
    "sso": "SSO",
    "csv": "CSV",
    "ui": "UI",
    "url": "URL",
    "vp": "VP",
    "cto": "CTO",
    "ceo": "CEO",
    "b2b": "B2B",
    "b2c": "B2C",
}
_WHOLE = {"c_level": "C-level"}  # keys that read better than their words


def relative_day(when: datetime | None, now: datetime) -> str:
    """When ``when`` happened, by calendar day in ``now``'s time zone: "today", "yesterday",
    "3 days ago", "a week ago", "3 weeks ago", "2 months ago", "over a year ago".

    Calendar days, not 24-hour spans: at 00:10 something from 23:50 was "yesterday". A
    moment later than ``now`` (a device clock ahead of ours) reads "today": it is the
    newest thing we know of. Never raises.
    """
    if when is None:
        return UNKNOWN_WHEN
    try:
        if now.tzinfo is not None and when.tzinfo is not None:
            when = when.astimezone(now.tzinfo)
        days = (now.date() - when.date()).days
    except (OverflowError, ValueError, TypeError):
        return UNKNOWN_WHEN
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == 7:
        return "a week ago"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{days // 30} months ago"
    return "over a year ago"


def parse_when(value: Any) -> datetime | None:
    """A stored ISO 8601 time (or a datetime) as a datetime; anything else is None."""
    if isinstance(value, datetime):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def reason_now(text: str, text_when: str | None, seen_at: Any, now: datetime) -> str:
    """A stored reason as it reads at ``now``: the one definition every display uses.

    ``text``: the sentence as scored (kept for old readers); ``text_when``: the same
    sentence with ``WHEN_SLOT`` where the time goes, or empty when it names no time (and
    for reasons stored before the slot existed, which are shown as written); ``seen_at``:
    the moment, a datetime or its ISO text.
    """
    if not text_when or WHEN_SLOT not in text_when:
        return text or ""
    return text_when.replace(WHEN_SLOT, relative_day(parse_when(seen_at), now))


_SLOT_AND_LEAD_IN = re.compile(r",?\s*" + re.escape(WHEN_SLOT))


def timeless(text: str, text_when: str | None) -> str:
    """A reason for a record that keeps its own time (a stage change in the history): the
    sentence without its time ("Asked for a demo", not a "today" that is wrong tomorrow)."""
    if not text_when or WHEN_SLOT not in text_when:
        return text or ""
    return " ".join(_SLOT_AND_LEAD_IN.sub("", text_when).split())


def key_words(key: Any) -> str:
    """A stored key in words: "monthly_exports" → "monthly exports", "crm_sync" → "CRM sync".

    Text that already reads as words ("Marketing agency", "Demo Requested") is kept.
    """
    return _key_words("" if key is None else str(key))


@lru_cache(maxsize=4096)
def _key_words(key: str) -> str:
    """Cached: a rescore says the same few attribute values (industries, roles) in many
    leads' reasons, and the pattern match would otherwise run for each."""
    text = key.strip()
    if not text or not _CODE_LIKE.match(text):
        return text
    if text in _WHOLE:
        return _WHOLE[text]
    words = [_ACRONYMS.get(word, word) for word in _SEPARATORS.split(text) if word]
    return " ".join(words)


def sentence_case(text: str) -> str:
    """The first letter capitalised, the rest as written."""
    return text[:1].upper() + text[1:] if text else text


def attribute_label(path: Any) -> str:
    """What an attribute path is called: "account.industry" → "Industry",
    "lead.traits.crm_used" → "CRM used"."""
    text = "" if path is None else str(path).strip()
    if text in _ATTRIBUTE_LABELS:
        return _ATTRIBUTE_LABELS[text]
    last = text.rsplit(".", 1)[-1]
    return sentence_case(key_words(last)) or "Attribute"


def event_label(name: Any) -> str:
    """A tracking-plan event name for people: kept when written as words ("Demo Requested"),
    otherwise in words ("demo_requested" → "Demo requested")."""
    return sentence_case(key_words(name))


def decay_words(factor: Any) -> str:
    """A decay factor as a share of the points: 1.0 → "full weight", 0.62 → "62% weight"
    (older signals count less); "" when there is no decay."""
    if factor is None or isinstance(factor, bool):
        return ""
    try:
        share = round(float(factor) * 100)
    except (TypeError, ValueError, OverflowError):
        return ""
    if share >= 100:
        return "full weight"
    return f"{max(share, 0)}% weight"
