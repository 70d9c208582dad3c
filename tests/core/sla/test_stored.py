"""``stored_state``: a lead's SLA state from its stored clock, as a case table (no database)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from qualification.core.sla.clock import SLASpec, clock_times
from qualification.core.sla.stored import stored_state

BERLIN = ZoneInfo("Europe/Berlin")
SPEC = SLASpec(response_minutes=60, warning_percent=75, timezone="Europe/Berlin")


def b(*args: int) -> datetime:
    """A Berlin wall-clock time (2025-03-05 is a Wednesday)."""
    return datetime(*args, tzinfo=BERLIN)


# The clock of a lead qualified at 19:48 on Wednesday: it starts Thursday 09:00.
EVENING = clock_times(b(2025, 3, 5, 19, 48), SPEC)
WARN, DUE = EVENING.warn_at, EVENING.due_at

CASES = [
    # name, warn_at, due_at, touched_at, met, now, spec -> state, minutes_left
    ("no clock", None, None, None, None, b(2025, 3, 5, 20, 0), SPEC, "none", None),
    ("evening: ok until tomorrow", WARN, DUE, None, None, b(2025, 3, 5, 20, 0), SPEC, "ok", 60),
    ("next morning, before warning", WARN, DUE, None, None, b(2025, 3, 6, 9, 44), SPEC, "ok", 16),
    ("warning starts exactly at warn_at", WARN, DUE, None, None, b(2025, 3, 6, 9, 45), SPEC, "warning", 15),
    ("half a minute left rounds up", WARN, DUE, None, None, datetime(2025, 3, 6, 9, 59, 30, tzinfo=BERLIN), SPEC, "warning", 1),
    ("due at 10:00 is overdue at 10:00", WARN, DUE, None, None, b(2025, 3, 6, 10, 0), SPEC, "breached", 0),
    ("overdue in business minutes", WARN, DUE, None, None, b(2025, 3, 6, 12, 30), SPEC, "breached", -150),
    ("overdue over the night counts business time", WARN, DUE, None, None, b(2025, 3, 7, 9, 30), SPEC, "breached", -450),
    ("no spec: wall-clock minutes left", WARN, DUE, None, None, b(2025, 3, 6, 9, 30), None, "ok", 30),
    ("no spec: wall-clock minutes overdue", WARN, DUE, None, None, b(2025, 3, 6, 12, 0), None, "breached", -120),
    ("touched, recorded met", WARN, DUE, b(2025, 3, 6, 9, 30), True, b(2025, 3, 9, 0, 0), SPEC, "met", None),
    ("touched, recorded late", WARN, DUE, b(2025, 3, 6, 11, 0), False, b(2025, 3, 9, 0, 0), SPEC, "breached", None),
    ("the recorded figure wins over the deadline", WARN, DUE, b(2025, 3, 6, 11, 0), True, b(2025, 3, 9, 0, 0), SPEC, "met", None),
    ("old touch without a figure: before the deadline", WARN, DUE, b(2025, 3, 6, 9, 59), None, b(2025, 3, 9, 0, 0), SPEC, "met", None),
    ("old touch without a figure: at the deadline is late", WARN, DUE, b(2025, 3, 6, 10, 0), None, b(2025, 3, 9, 0, 0), SPEC, "breached", None),
    ("no warn_at stored: warns only at the deadline", None, DUE, None, None, b(2025, 3, 6, 9, 50), SPEC, "ok", 10),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "warn_at", "due_at", "touched_at", "met", "now", "spec", "state", "left"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_stored_state(name, warn_at, due_at, touched_at, met, now, spec, state, left):
    result = stored_state(
        warn_at=warn_at, due_at=due_at, touched_at=touched_at, met=met, now=now, spec=spec
    )
    assert result.state == state
    assert result.minutes_left == left
    if state != "none":
        assert result.due_at == due_at


def test_the_stored_deadline_wins_over_the_spec():
    """A policy edited from 60 to 240 minutes but not yet refreshed into the stored columns:
    the state follows the stored deadline (what the filter and the sort see)."""
    longer = SLASpec(response_minutes=240, timezone="Europe/Berlin")
    result = stored_state(
        warn_at=WARN, due_at=DUE, touched_at=None, met=None, now=b(2025, 3, 6, 10, 30), spec=longer
    )
    assert result.state == "breached"
    assert result.minutes_left == -30
