"""Reason sentences: fill a criterion's template with its evidence.

Templates are validated when saved (``validation.py``), but rendering never raises: a
placeholder without a value, an unknown placeholder or a malformed template renders
"unknown" (or the template as written) instead of crashing a rescore.

Placeholders: {count} {times} {days} {window} {window_days} {last_seen} {value} {event}
{account} {employees} {industry} {country} {users}.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from qualification.core.wording import event_label, key_words, relative_day

UNKNOWN = "unknown"

# Common ISO 3166-1 alpha-2 codes, written as they read after "in" ("in Germany",
# "in the United States"). An unlisted code is shown as it is.
COUNTRY_NAMES = {
    "AE": "the United Arab Emirates",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CL": "Chile",
    "CN": "China",
    "CO": "Colombia",
    "CZ": "the Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "the United Kingdom",
    "GR": "Greece",
    "HK": "Hong Kong",
    "HU": "Hungary",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "South Korea",
    "LU": "Luxembourg",
    "MX": "Mexico",
    "NG": "Nigeria",
    "NL": "the Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SG": "Singapore",
    "TR": "Turkey",
    "UA": "Ukraine",
    "UK": "the United Kingdom",
    "US": "the United States",
    "ZA": "South Africa",
}


@dataclass(frozen=True)
class ReasonContext:
    """The evidence a template may mention; None renders as "unknown"."""

    count: int | None = None
    days: int | None = None
    window_days: int | None = None
    has_window: bool = True  # False for attribute criteria: {window} is then "unknown"
    last_seen: datetime | None = None
    value: Any = None
    event: str | None = None
    account: str | None = None
    employees: Any = None
    industry: str | None = None
    country: str | None = None
    users: int | None = None


def format_number(value: Any) -> str:
    """1200 → "1,200"; 12.50 → "12.5"; a numeric string is left as written."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return f"{round(value, 2):,}"
    return str(value)


def format_value(value: Any) -> str:
    """An attribute's value in a sentence: lists joined "DE, FR", numbers with separators."""
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, list | tuple | set):
        items = [format_value(v) for v in value]
        return ", ".join(items) if items else UNKNOWN
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items()) or UNKNOWN
    return format_number(value)


def format_spoken(value: Any) -> str:
    """An attribute's value as said in a sentence: ``format_value``, with stored keys in
    words ("c_level" → "C-level", "monthly_exports" → "monthly exports")."""
    if isinstance(value, str):
        return key_words(value) or UNKNOWN
    if isinstance(value, list | tuple | set):
        items = [format_spoken(v) for v in value]
        return ", ".join(items) if items else UNKNOWN
    return format_value(value)


def format_times(count: int | None) -> str:
    """1 → "once", 2 → "twice", 1500 → "1,500 times"."""
    if count is None:
        return UNKNOWN
    if count == 1:
        return "once"
    if count == 2:
        return "twice"
    return f"{count:,} times"


def format_window(window_days: int | None) -> str:
    """None → "so far" (ever); 1 → "in the last day"; 7 → "in the last 7 days"."""
    if window_days is None:
        return "so far"
    if window_days == 1:
        return "in the last day"
    return f"in the last {window_days:,} days"


def format_relative(when: datetime | None, now: datetime) -> str:
    """A past moment relative to ``now`` by calendar day in now's timezone ("8 days ago").

    The words are ``wording.relative_day``'s, the one definition the displays use too.
    """
    if when is None:
        return UNKNOWN
    return relative_day(when, now)


def country_name(code: Any) -> str:
    if code is None or code == "":
        return UNKNOWN
    text = str(code).strip()
    return COUNTRY_NAMES.get(text.upper(), text)


def fill_placeholder(name: str, ctx: ReasonContext, now: datetime) -> str:
    """What one placeholder reads as for ``ctx`` ("unknown" for an unknown name)."""
    if name == "count":
        return UNKNOWN if ctx.count is None else format_number(ctx.count)
    if name == "times":
        return format_times(ctx.count)
    if name == "days":
        return UNKNOWN if ctx.days is None else format_number(ctx.days)
    if name == "window":
        return format_window(ctx.window_days) if ctx.has_window else UNKNOWN
    if name == "window_days":
        return UNKNOWN if ctx.window_days is None else format_number(ctx.window_days)
    if name == "last_seen":
        return format_relative(ctx.last_seen, now)
    if name == "value":
        return format_spoken(ctx.value)
    if name == "employees":
        return format_value(ctx.employees)
    if name == "country":
        return country_name(ctx.country)
    if name == "users":
        return UNKNOWN if ctx.users is None else format_number(ctx.users)
    if name == "event":
        return event_label(ctx.event) or UNKNOWN
    if name in ("account", "industry"):
        return str(getattr(ctx, name) or UNKNOWN)
    return UNKNOWN


@lru_cache(maxsize=1024)
def parse_template(template: str) -> tuple[tuple[str, str | None], ...] | None:
    """A template's (literal text, placeholder name or None) pairs; None when malformed.

    Cached: a rescore renders the same few templates for every lead, and parsing each time
    would be a visible part of its cost.
    """
    try:
        return tuple(
            (literal, name) for literal, name, _s, _c in string.Formatter().parse(template)
        )
    except ValueError:
        return None


def render_reason(template: str, ctx: ReasonContext, now: datetime) -> str:
    """Fill ``template``'s placeholders from ``ctx``; never raises.

    >>> from datetime import UTC
    >>> render_reason("Viewed pricing {times} {window}", ReasonContext(count=4, window_days=7),
    ...               datetime(2025, 1, 1, tzinfo=UTC))
    'Viewed pricing 4 times in the last 7 days'
    """
    parts = parse_template(template or "")
    if parts is None:
        return template or ""
    out: list[str] = []
    for literal, name in parts:
        out.append(literal)
        if name is not None:
            out.append(fill_placeholder(name, ctx, now))
    return " ".join("".join(out).split())
