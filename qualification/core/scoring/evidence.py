"""A contribution's evidence in words, for the lead page's breakdown (pure).

The breakdown stores the evidence as numbers and keys (``count``, ``window_days``,
``decay``, ``attribute``, ``value``) so it can be recomputed and compared; a rep reads it
as "4 times on 3 days · in the last 30 days · 62% weight" or "Industry: Marketing agency",
never ``account.industry = Marketing agency`` or a bare decay factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from qualification.core.scoring.reasons import format_spoken, format_times, format_window
from qualification.core.wording import attribute_label, decay_words


class Evidence(NamedTuple):
    """What the evidence cell says: the main line and the details under it."""

    main: str
    detail: str


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def evidence_words(contribution: Mapping[str, Any]) -> Evidence:
    """The evidence of one stored contribution (a breakdown dict); never raises, so an
    old or partial breakdown still shows what it has."""
    if contribution.get("signal_type") == "attribute":
        label = attribute_label(contribution.get("attribute"))
        return Evidence(f"{label}: {format_spoken(contribution.get('value'))}", "")
    count = _count(contribution.get("count"))
    days = _count(contribution.get("days"))
    main = format_times(count) if count is not None else ""
    if days:
        main = f"{main} on {days:,} day{'s' if days != 1 else ''}".strip()
    window = contribution.get("window_days")
    details = [format_window(window if isinstance(window, int) and window > 0 else None)]
    details.append(decay_words(contribution.get("decay")))
    paid = _count(contribution.get("occurrences"))
    if paid:
        details.append(f"{paid:,} counted")
    return Evidence(main, " · ".join(d for d in details if d))
