"""Writes to the SLA rules: role checks, holiday imports, and the clock refresh they owe."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import qualification.tasks  # noqa: F401  (registers the refresh task the services send)
from qualification.core.sla.ics import IcsError
from qualification.models import BusinessCalendar, Holiday, SLAPolicy
from qualification.roles import Role
from qualification.services.sla_clocks import sla_clocks_refresh, sla_clocks_stale
from qualification.services.sla_rules import (
    ImportReport,
    holidays_import,
    holidays_save,
    sla_rule_save,
    sla_rules_delete,
)
from tests import factories
from tests.admin.test_sla import ics
from tests.factories import T0, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(make_user):
    return make_user(Role.OPS, username="olga")


def _refreshes(callbacks) -> int:
    """How many clock refreshes were queued to run on commit."""
    return len(callbacks)


# -- policies and calendars -------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER, Role.MARKETING, Role.PRODUCT])
def test_only_ops_may_write_sla_rules(make_user, role):
    user = make_user(role)
    cal = factories.calendar()
    with pytest.raises(PermissionDenied):
        sla_rule_save(
            rule=SLAPolicy(queue="pql", tier=4, calendar=cal, response_minutes=5), user=user
        )
    with pytest.raises(PermissionDenied):
        sla_rules_delete(rules=[cal], user=user)
    assert not SLAPolicy.objects.exists()
    assert BusinessCalendar.objects.filter(pk=cal.pk).exists()


def test_policy_changes_that_move_clocks_request_a_refresh(ops, django_capture_on_commit_callbacks):
    cal = factories.calendar()
    policy = SLAPolicy(queue="pql", tier=4, calendar=cal, response_minutes=60)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sla_rule_save(rule=policy, user=ops) is True
    assert _refreshes(callbacks) == 1
    assert policy.history.get().history_user == ops

    policy.return_on_breach = True  # alerts read it; no clock does
    with django_capture_on_commit_callbacks() as callbacks:
        assert sla_rule_save(rule=policy, user=ops) is False
    assert _refreshes(callbacks) == 0

    policy.warning_percent = 50
    with django_capture_on_commit_callbacks() as callbacks:
        assert sla_rule_save(rule=policy, user=ops) is True
    assert _refreshes(callbacks) == 1


def test_calendar_changes_request_a_refresh_only_when_hours_change(
    ops, django_capture_on_commit_callbacks
):
    cal = BusinessCalendar(
        name="Berlin", timezone="Europe/Berlin", day_start=time(9), day_end=time(17)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert sla_rule_save(rule=cal, user=ops) is False  # a new calendar has no policy yet
        cal.name = "Berlin office"
        assert sla_rule_save(rule=cal, user=ops) is False
        cal.workdays = ["mon", "tue"]
        assert sla_rule_save(rule=cal, user=ops) is True
    assert _refreshes(callbacks) == 1


def test_deleting_a_policy_clears_its_leads_clocks(
    ops, eager_tasks, django_capture_on_commit_callbacks
):
    policy = factories.sla(queue="pql", tier=4, response_minutes=60, timezone="UTC")
    lead = LeadFactory(queue="pql", tier=4, qualified_at=T0)
    sla_clocks_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_rules_delete(rules=[policy], user=ops) is True
    lead.refresh_from_db()
    assert lead.sla_due_at is None


# -- holidays ---------------------------------------------------------------------------------


def test_renaming_a_holiday_moves_no_clock(ops, django_capture_on_commit_callbacks):
    cal = factories.calendar(holidays=[date(2026, 12, 25)])
    before = BusinessCalendar.objects.get(pk=cal.pk).updated_at
    holiday = Holiday.objects.get()
    holiday.name = "Christmas Day"
    with django_capture_on_commit_callbacks() as callbacks:
        assert holidays_save(calendar_id=cal.pk, saved=[holiday], deleted=[], user=ops) is False
    assert _refreshes(callbacks) == 0
    assert BusinessCalendar.objects.get(pk=cal.pk).updated_at == before
    assert Holiday.objects.get().name == "Christmas Day"


def test_moving_a_holiday_bumps_the_calendar_and_requests_a_refresh(
    ops, django_capture_on_commit_callbacks
):
    cal = factories.calendar(holidays=[date(2026, 12, 25)])
    before = BusinessCalendar.objects.get(pk=cal.pk).updated_at
    holiday = Holiday.objects.get()
    holiday.day = date(2026, 12, 24)
    with django_capture_on_commit_callbacks() as callbacks:
        assert holidays_save(calendar_id=cal.pk, saved=[holiday], deleted=[], user=ops) is True
    assert _refreshes(callbacks) == 1
    assert BusinessCalendar.objects.get(pk=cal.pk).updated_at > before


def test_holidays_of_another_calendar_are_refused(ops):
    mine, other = factories.calendar(), factories.calendar()
    stray = Holiday(calendar=other, day=date(2027, 1, 1), name="New Year")
    with pytest.raises(ValueError, match="belong to the calendar"):
        holidays_save(calendar_id=mine.pk, saved=[stray], deleted=[], user=ops)
    assert not Holiday.objects.exists()


def test_import_adds_new_days_records_who_and_reports(ops, django_capture_on_commit_callbacks):
    cal = factories.calendar(name="Berlin", holidays=[date(2027, 1, 1)])
    with django_capture_on_commit_callbacks() as callbacks:
        report = holidays_import(
            calendar_id=cal.pk,
            text=ics(date(2027, 1, 1), date(2027, 5, 1), date(2027, 12, 25)),
            user=ops,
        )
    assert report == ImportReport("Berlin", 2, 1, date(2027, 5, 1), date(2027, 12, 25))
    assert report.summary() == "Added 2 holidays, 1 already there (01 May 2027 to 25 Dec 2027)."
    assert _refreshes(callbacks) == 1
    added = Holiday.objects.get(day=date(2027, 5, 1))
    assert added.name == "Holiday 1"
    assert added.history.get().history_user == ops


def test_import_of_nothing_new_requests_nothing(ops, django_capture_on_commit_callbacks):
    cal = factories.calendar(holidays=[date(2027, 1, 1)])
    before = BusinessCalendar.objects.get(pk=cal.pk).updated_at
    with django_capture_on_commit_callbacks() as callbacks:
        report = holidays_import(calendar_id=cal.pk, text=ics(date(2027, 1, 1)), user=ops)
    assert (report.added, report.already_there, report.refresh_requested) == (0, 1, False)
    assert report.summary() == "Added 0 holidays, 1 already there."
    assert _refreshes(callbacks) == 0
    assert BusinessCalendar.objects.get(pk=cal.pk).updated_at == before


def test_malformed_import_raises_with_the_line_and_writes_nothing(ops):
    cal = factories.calendar()
    bad = ics(date(2027, 1, 1), date(2027, 5, 1)).replace(
        b"END:VEVENT\r\nBEGIN:VEVENT", b"BEGIN:VEVENT"
    )
    with pytest.raises(IcsError) as caught:
        holidays_import(calendar_id=cal.pk, text=bad, user=ops)
    assert caught.value.line == 8  # the second BEGIN:VEVENT, inside the first
    assert not Holiday.objects.exists()


def test_yearly_holidays_start_this_year_in_the_calendars_zone(ops):
    cal = factories.calendar(timezone="Pacific/Kiritimati")  # UTC+14: the new year comes first
    holidays_import(calendar_id=cal.pk, text=ics(date(2015, 7, 4), repeat=True), user=ops, years=2)
    year = timezone.now().astimezone(ZoneInfo("Pacific/Kiritimati")).year
    assert list(Holiday.objects.values_list("day", flat=True)) == [
        date(year, 7, 4),
        date(year + 1, 7, 4),
    ]


@pytest.mark.parametrize("role", [Role.SDR, Role.MARKETING])
def test_import_needs_the_add_holiday_permission(make_user, role):
    cal = factories.calendar()
    with pytest.raises(PermissionDenied):
        holidays_import(calendar_id=cal.pk, text=ics(date(2027, 1, 1)), user=make_user(role))
    with pytest.raises(PermissionDenied):
        holidays_import(calendar_id=cal.pk, text=ics(date(2027, 1, 1)), user=None)
    assert not Holiday.objects.exists()


@pytest.mark.parametrize("years", [0, 21])
def test_import_years_are_bounded(ops, years):
    cal = factories.calendar()
    with pytest.raises(ValueError, match="years must be between 1 and 20"):
        holidays_import(calendar_id=cal.pk, text=ics(date(2027, 1, 1)), user=ops, years=years)


def test_a_refresh_lost_to_a_broker_outage_is_still_owed(
    ops, broker_down, django_capture_on_commit_callbacks
):
    """The bumped calendar makes the clocks stale, so the alert scan asks for a refresh again."""
    cal = factories.calendar()
    factories.sla(calendar=cal)
    BusinessCalendar.objects.update(clocks_refreshed_at=timezone.now())
    assert not sla_clocks_stale()
    with django_capture_on_commit_callbacks(execute=True):
        holidays_import(calendar_id=cal.pk, text=ics(date(2027, 1, 1)), user=ops)
    assert Holiday.objects.count() == 1
    assert sla_clocks_stale()


def test_a_refresh_lost_after_deleting_a_policy_is_still_owed(
    ops, broker_down, django_capture_on_commit_callbacks
):
    """Deleting a policy moves its leads' clocks (they lose the deadline); the calendar
    carries the change, so the alert scan asks for the refresh the outage lost."""
    cal = factories.calendar()
    policy = factories.sla(calendar=cal)
    BusinessCalendar.objects.update(clocks_refreshed_at=timezone.now())
    assert not sla_clocks_stale()
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_rules_delete(rules=[policy], user=ops)
    assert sla_clocks_stale()
