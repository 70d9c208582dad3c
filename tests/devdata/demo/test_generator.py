"""The generator alone (no database): stable identities, times anchored at "now".

A rerun must find the same accounts and leads whatever day it runs, and no event may
land in the future, whatever the hour of "now" in the leads' time zones.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest

from qualification.devdata.demo.catalog import demo_holidays
from qualification.devdata.demo.desk import ZONES
from qualification.devdata.demo.generator import generate
from qualification.devdata.demo.people import SDR_USERNAMES, SLOW_REP

# A Monday just after midnight UTC (early morning in Europe, evening in the Americas) and
# a Sunday late evening: the awkward cases for placing sessions "today".
NOW_MONDAY_EARLY = datetime(2026, 3, 2, 0, 20, tzinfo=UTC)
NOW_SUNDAY_LATE = datetime(2026, 3, 8, 23, 50, tzinfo=UTC)


@pytest.fixture(scope="module")
def monday():
    return generate(NOW_MONDAY_EARLY)


def test_same_now_gives_the_same_data(monday):
    again = generate(NOW_MONDAY_EARLY)
    assert [lead.email for lead in again.leads] == [lead.email for lead in monday.leads]
    assert [(e.message_id, e.name, e.occurred_at) for e in again.leads[7].events] == [
        (e.message_id, e.name, e.occurred_at) for e in monday.leads[7].events
    ]


def test_who_exists_does_not_depend_on_the_day(monday):
    later = generate(NOW_SUNDAY_LATE)
    assert [a.domain for a in later.accounts] == [a.domain for a in monday.accounts]
    assert [lead.email for lead in later.leads] == [lead.email for lead in monday.leads]


@pytest.mark.parametrize("now", [NOW_MONDAY_EARLY, NOW_SUNDAY_LATE])
def test_events_stay_inside_the_last_90_days(now):
    data = generate(now)
    times = [e.occurred_at for lead in data.leads for e in lead.events]
    times += [e.occurred_at for e in data.anonymous_events]
    assert max(times) <= now
    assert min(times) >= now - timedelta(days=91)
    assert data.event_count >= 50_000


def test_message_ids_are_unique(monday):
    ids = [e.message_id for lead in monday.leads for e in lead.events]
    ids += [e.message_id for e in monday.anonymous_events]
    assert len(ids) == len(set(ids))


def test_sales_history_is_in_order(monday):
    for lead in monday.leads:
        moments = [t.occurred_at for t in lead.transitions]
        assert moments == sorted(moments), lead.email
        if lead.transitions:
            assert lead.stage == lead.transitions[-1].to_stage
        if lead.first_touched_at:
            assert lead.claimed_at <= lead.first_touched_at
        for entry in lead.feedback:
            assert lead.first_touched_at <= entry.created_at <= NOW_MONDAY_EARLY


def test_the_desk_never_works_in_the_future_or_on_a_day_off(monday):
    days_off = {day for day, _name in demo_holidays(NOW_MONDAY_EARLY.date())}
    for lead in monday.leads:
        for moment in (lead.claimed_at, lead.first_touched_at):
            if moment is None:
                continue
            assert moment <= NOW_MONDAY_EARLY
            local = moment.astimezone(ZONES[lead.owner])
            assert local.weekday() < 5, lead.email
            assert local.date() not in days_off, lead.email
        if lead.first_touched_at:
            assert lead.facts["qualified_at"] <= lead.claimed_at


def test_the_slow_rep_takes_longest_to_first_touch(monday):
    waits: dict[str, list[float]] = {}
    for lead in monday.leads:
        if lead.first_touched_at:
            wait = (lead.first_touched_at - lead.facts["qualified_at"]).total_seconds() / 60
            waits.setdefault(lead.owner, []).append(wait)
    medians = {owner: statistics.median(values) for owner, values in waits.items()}
    assert set(medians) == set(SDR_USERNAMES)
    assert max(medians, key=medians.get) == SLOW_REP


def test_fast_answers_convert_more_often(monday):
    """Leads reached within 15 minutes become SQLs more often than those left an hour."""
    fast, slow = [], []
    for lead in monday.leads:
        if lead.first_touched_at and lead.account and lead.account.segment == "icp":
            wait = (lead.first_touched_at - lead.facts["qualified_at"]).total_seconds() / 60
            accepted = any(f.outcome == "accepted" for f in lead.feedback)
            (fast if wait < 15 else slow if wait >= 60 else []).append(accepted)
    assert len(fast) >= 15
    assert len(slow) >= 15
    assert sum(fast) / len(fast) > sum(slow) / len(slow) + 0.1
