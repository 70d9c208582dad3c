"""The SLA rules admin: calendars with holidays and .ics import, policies, SDR teams.

What ops type is validated next to its field, and a saved rule moves the open clocks: the
refresh tests run the real Celery task in-process and read the lead's stored deadline.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

import qualification.tasks  # noqa: F401  (registers the refresh task; see the report)
from qualification.models import BusinessCalendar, Holiday, Lead, SDRTeam, SLAPolicy
from qualification.roles import Role
from qualification.services.sla_clocks import sla_clocks_refresh
from qualification.services.sla_rules import REFRESH_MESSAGE
from tests import factories
from tests.admin.helpers import admin_url, form_data, post_change
from tests.factories import T0, LeadFactory

pytestmark = pytest.mark.django_db

WEEK = ["mon", "tue", "wed", "thu", "fri"]
UTC_DAY = {"timezone": "UTC", "day_start": time(9), "day_end": time(17), "workdays": WEEK}


def ics(*days: date, repeat: bool = False) -> bytes:
    """An .ics file with one all-day event per day (yearly ones with ``repeat``)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//LeadHub tests//EN"]
    for number, day in enumerate(days):
        lines += [
            "BEGIN:VEVENT",
            f"UID:holiday-{number}@test",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"SUMMARY:Holiday {number}",
            *(["RRULE:FREQ=YEARLY"] if repeat else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _add_calendar(client, **fields):
    url = admin_url(BusinessCalendar, "add")
    data = {**form_data(client.get(url)), "name": "Berlin office", **fields}
    return client.post(url, data, follow=True)


# -- calendars --------------------------------------------------------------------------------


def test_calendar_is_added_with_ticked_workdays_stored_in_week_order(ops_client):
    response = _add_calendar(
        ops_client, timezone="Europe/Berlin", workdays=["fri", "mon"], day_start="08:30"
    )
    assert response.status_code == 200
    made = BusinessCalendar.objects.get(name="Berlin office")
    assert made.workdays == ["mon", "fri"]
    assert made.day_start == time(8, 30)
    assert made.timezone == "Europe/Berlin"


def test_calendar_form_offers_a_checkbox_per_day(ops_client):
    html = ops_client.get(admin_url(BusinessCalendar, "add")).content.decode()
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        assert f'type="checkbox" name="workdays" value="{day}"' in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"workdays": []}, "workdays", "Tick at least one workday"),
        ({"workdays": ["funday"]}, "workdays", "Select a valid choice"),
        ({"day_start": "17:00", "day_end": "09:00"}, "day_end", "never open"),
        ({"day_start": "09:00", "day_end": "09:00"}, "day_end", "never open"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a known time zone"),
        ({"day_start": "25:00"}, "day_start", "Enter a valid time"),
    ],
)
def test_calendar_whose_hours_never_open_is_refused_next_to_its_field(
    ops_client, fields, field, message
):
    url = admin_url(BusinessCalendar, "add")
    data = {**form_data(ops_client.get(url)), "name": "Never", **fields}
    if fields.get("workdays") == []:
        data.pop("workdays")  # no box ticked: the browser sends nothing
    form_errors = _errors(ops_client.post(url, data))
    assert message in " ".join(form_errors[field])
    assert list(form_errors) == [field], "one clear complaint, no duplicate constraint error"
    assert not BusinessCalendar.objects.filter(name="Never").exists()


def test_calendar_open_around_the_clock_ends_at_midnight(ops_client):
    response = _add_calendar(ops_client, day_start="00:00", day_end="00:00")
    assert response.status_code == 200
    made = BusinessCalendar.objects.get(name="Berlin office")
    assert (made.day_start, made.day_end) == (time(0), time(0))
    html = ops_client.get(admin_url(BusinessCalendar, "changelist")).content.decode()
    assert "00:00\u201324:00" in html


def test_calendar_list_reads_in_plain_words(ops_client):
    used = factories.calendar(
        name="Berlin", timezone="Europe/Berlin", holidays=[date(2026, 12, 25)]
    )
    factories.sla(queue="pql", tier=4, calendar=used)
    factories.sla(queue="mql", tier=3, calendar=used)
    factories.calendar(name="Weekend desk", workdays=["mon", "wed", "sat", "sun"])
    html = ops_client.get(admin_url(BusinessCalendar, "changelist")).content.decode()
    assert "09:00\u201317:00" in html
    assert "Mon\u2013Fri" in html
    assert "Mon, Wed, Sat\u2013Sun" in html
    assert "Warm MQL, Hot PQL" in html
    assert '<td class="field-holiday_count">1</td>' in html


def test_holiday_inline_adds_a_day_and_bumps_the_calendar(ops_client):
    cal = factories.calendar(name="Berlin")
    before = cal.updated_at
    response = post_change(
        ops_client, cal, **{"holidays-0-day": "2026-12-25", "holidays-0-name": "Christmas"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(calendar=cal)
    assert (holiday.day, holiday.name) == (date(2026, 12, 25), "Christmas")
    cal.refresh_from_db()
    assert cal.updated_at > before
    assert holiday.history.get().history_user.username == "ops"


def test_holiday_inline_refuses_a_day_twice(ops_client):
    cal = factories.calendar(holidays=[date(2026, 12, 25)])
    response = post_change(
        ops_client, cal, **{"holidays-1-day": "2026-12-25", "holidays-1-name": "Again"}
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "Please correct the duplicate data for day." in formset.non_form_errors()
    assert Holiday.objects.filter(calendar=cal).count() == 1


def test_calendar_history_names_who_changed_the_hours(ops_client):
    cal = factories.calendar()
    assert post_change(ops_client, cal, day_end="18:00").status_code == 302
    page = ops_client.get(admin_url(cal, "history", cal.pk))
    newest = page.context["page_obj"][0]
    assert newest.history_user.username == "ops"
    assert [c["field"] for c in newest.history_delta_changes] == ["Day end"]


# -- importing holidays -----------------------------------------------------------------------


def _import_url(cal: BusinessCalendar) -> str:
    return reverse("admin:qualification_businesscalendar_import_holidays", args=[cal.pk])


def _upload(client, cal, content: bytes, name: str = "holidays.ics", **fields):
    upload = SimpleUploadedFile(name, content, content_type="text/calendar")
    return client.post(_import_url(cal), {"file": upload, "years": "5", **fields}, follow=True)


def _import_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors.get("file", [])


def test_calendar_page_links_to_the_import(ops_client):
    cal = factories.calendar()
    html = ops_client.get(admin_url(cal, "change", cal.pk)).content.decode()
    assert f'href="{_import_url(cal)}"' in html
    assert "Import holidays (.ics)" in html
    assert ops_client.get(_import_url(cal)).status_code == 200


def test_import_adds_new_days_and_keeps_the_ones_already_there(ops_client):
    days = [date(2027, 1, 1) + timedelta(days=7 * i) for i in range(11)]
    cal = factories.calendar(name="Berlin", holidays=days[:2])
    kept = Holiday.objects.get(calendar=cal, day=days[0])
    response = _upload(ops_client, cal, ics(*days))
    assert response.redirect_chain[-1][0] == admin_url(cal, "change", cal.pk)
    assert any("Added 9 holidays, 2 already there" in m for m in _messages(response))
    assert REFRESH_MESSAGE in _messages(response)
    assert sorted(Holiday.objects.filter(calendar=cal).values_list("day", flat=True)) == days
    kept.refresh_from_db()
    assert kept.name == f"Holiday {days[0]}"  # the existing day is left as it was

    again = _upload(ops_client, cal, ics(*days))
    assert any("Added 0 holidays, 11 already there" in m for m in _messages(again))
    assert REFRESH_MESSAGE not in _messages(again)
    assert Holiday.objects.filter(calendar=cal).count() == 11


def test_import_expands_yearly_holidays_for_the_years_asked(ops_client):
    cal = factories.calendar()
    _upload(ops_client, cal, ics(date(2010, 12, 25), repeat=True), years="3")
    years = sorted(d.year for d in Holiday.objects.values_list("day", flat=True))
    this_year = datetime.now().year
    assert years == [this_year, this_year + 1, this_year + 2]


def test_malformed_file_names_the_line_and_imports_nothing(ops_client):
    cal = factories.calendar()
    bad = ics(date(2027, 1, 1), date(2027, 5, 1)).replace(
        b"DTSTART;VALUE=DATE:20270501", b"DTSTART;VALUE=DATE:2027-05-01"
    )
    errors = _import_errors(_upload(ops_client, cal, bad))
    assert len(errors) == 1
    assert errors[0].startswith("Line 11: ")
    assert "Nothing was imported" in errors[0]
    assert not Holiday.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024 + 10), "larger than 1 MB"),
        ("BEGIN:VCALENDAR\r\nSUMMARY:F\u00eate\r\n".encode("latin-1"), "not UTF-8 text"),
        (b"", "The submitted file is empty"),
        (b"hello, world\r\n", "Line 1: 'hello, world' is not a property line"),
    ],
    ids=["oversized", "latin-1", "empty", "not-ics"],
)
def test_unreadable_files_are_refused_clearly(ops_client, content, message):
    cal = factories.calendar()
    errors = _import_errors(_upload(ops_client, cal, content))
    assert message in " ".join(errors)
    assert not Holiday.objects.exists()


@pytest.mark.parametrize("years", ["0", "21", "many"])
def test_import_years_out_of_range_are_refused(ops_client, years):
    cal = factories.calendar()
    response = _upload(ops_client, cal, ics(date(2027, 1, 1)), years=years)
    assert "years" in response.context["form"].errors
    assert not Holiday.objects.exists()


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PRODUCT])
def test_import_is_refused_to_roles_that_may_not_add_holidays(client_as, role):
    cal = factories.calendar()
    client = client_as(role)
    assert client.get(_import_url(cal)).status_code == 403
    assert _upload(client, cal, ics(date(2027, 1, 1))).status_code == 403
    assert "Import holidays" not in client.get(admin_url(cal, "change", cal.pk)).content.decode()
    assert not Holiday.objects.exists()


# -- policies ---------------------------------------------------------------------------------


def _policy_fields(cal: BusinessCalendar, **fields) -> dict:
    return {
        "queue": "pql",
        "tier": "4",
        "calendar": str(cal.pk),
        "response_minutes": "60",
        "warning_percent": "75",
        "clock_starts": "qualification",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"response_minutes": "0"}, "response_minutes", "at least 1 business minute"),
        ({"response_minutes": "-30"}, "response_minutes", "at least 1 business minute"),
        ({"warning_percent": "0"}, "warning_percent", "1 to 99 %"),
        ({"warning_percent": "100"}, "warning_percent", "1 to 99 %"),
        ({"calendar": ""}, "calendar", "required"),
        ({"queue": "cs"}, "queue", "Select a valid choice"),
    ],
)
def test_bad_policy_is_refused_next_to_its_field(ops_client, fields, field, message):
    cal = factories.calendar()
    url = admin_url(SLAPolicy, "add")
    data = {**form_data(ops_client.get(url)), **_policy_fields(cal, **fields)}
    form_errors = _errors(ops_client.post(url, data))
    assert message in " ".join(form_errors[field])
    assert list(form_errors) == [field]
    assert not SLAPolicy.objects.exists()


@pytest.mark.parametrize(
    "changes", [{"response_minutes": 0}, {"warning_percent": 0}, {"warning_percent": 100}]
)
def test_database_refuses_what_the_form_refuses(changes):
    policy = factories.sla()
    with pytest.raises(IntegrityError), transaction.atomic():
        SLAPolicy.objects.filter(pk=policy.pk).update(**changes)


def test_policy_list_summarises_the_rule_in_plain_words(ops_client):
    cal = factories.calendar(timezone="Europe/Berlin")
    factories.sla(calendar=cal, response_minutes=60, warning_percent=75)
    html = ops_client.get(admin_url(SLAPolicy, "changelist")).content.decode()
    assert "60 business min, warn at 75 %, Mon\u2013Fri 09:00\u201317:00 Europe/Berlin" in html


# -- open clocks follow the rules -------------------------------------------------------------


@pytest.fixture
def open_lead(eager_tasks):
    """An untouched hot PQL lead qualified Monday 09:00 UTC under a 60-minute policy."""
    policy = factories.sla(queue="pql", tier=4, response_minutes=60, **UTC_DAY)
    lead = LeadFactory(queue="pql", tier=4, qualified_at=T0)
    sla_clocks_refresh()
    lead.refresh_from_db()
    assert lead.sla_due_at == T0 + timedelta(hours=1)
    return policy, lead


def _due(lead: Lead) -> datetime | None:
    lead.refresh_from_db()
    return lead.sla_due_at


def test_saving_a_policy_recomputes_the_open_clock(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, lead = open_lead
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(ops_client, policy, response_minutes="120")
    assert response.status_code == 302
    assert _due(lead) == T0 + timedelta(hours=2)
    assert REFRESH_MESSAGE in _messages(ops_client.get(response["Location"]))


def test_renaming_a_calendar_requests_no_refresh(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, _lead = open_lead
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_change(ops_client, policy.calendar, name="Renamed")
    assert response.status_code == 302
    assert callbacks == []
    assert REFRESH_MESSAGE not in _messages(ops_client.get(response["Location"]))


def test_changing_calendar_hours_recomputes_the_open_clock(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, lead = open_lead
    with django_capture_on_commit_callbacks(execute=True):
        assert post_change(ops_client, policy.calendar, day_start="09:30").status_code == 302
    assert _due(lead) == T0 + timedelta(minutes=90)  # 09:00-09:30 is no longer business time


def test_adding_and_deleting_a_holiday_moves_the_open_clock(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, lead = open_lead
    cal = policy.calendar
    with django_capture_on_commit_callbacks(execute=True):
        post_change(
            ops_client,
            cal,
            **{"holidays-0-day": T0.date().isoformat(), "holidays-0-name": "Bridge day"},
        )
    assert _due(lead) == T0 + timedelta(days=1, hours=1)  # Tuesday 10:00

    holiday = Holiday.objects.get(calendar=cal)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(
            ops_client, cal, **{"holidays-0-DELETE": "on", "holidays-0-id": str(holiday.pk)}
        )
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    assert _due(lead) == T0 + timedelta(hours=1)


def test_importing_holidays_moves_the_open_clock(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, lead = open_lead
    with django_capture_on_commit_callbacks(execute=True):
        _upload(ops_client, policy.calendar, ics(T0.date()))
    assert _due(lead) == T0 + timedelta(days=1, hours=1)


def test_deleting_the_policy_clears_the_open_clock(
    ops_client, open_lead, django_capture_on_commit_callbacks
):
    policy, lead = open_lead
    with django_capture_on_commit_callbacks(execute=True):
        response = ops_client.post(
            admin_url(policy, "delete", policy.pk), {"post": "yes"}, follow=True
        )
    assert REFRESH_MESSAGE in _messages(response)
    assert _due(lead) is None


def test_a_calendar_in_use_cannot_be_deleted(ops_client, open_lead):
    policy, _lead = open_lead
    response = ops_client.post(
        admin_url(policy.calendar, "delete", policy.calendar.pk), {"post": "yes"}
    )
    assert response.status_code == 200
    assert (
        "would require deleting the following protected related objects"
        in response.content.decode()
    )
    assert BusinessCalendar.objects.filter(pk=policy.calendar.pk).exists()


# -- SDR teams --------------------------------------------------------------------------------


HOOK = "https://hooks.slack.com/services/T000/B000/secretsecretabcd"


def _add_team(client, **fields):
    url = admin_url(SDRTeam, "add")
    data = {**form_data(client.get(url)), "name": "EMEA", "timezone": "Europe/Berlin", **fields}
    return client.post(url, data)


@pytest.mark.parametrize(("debug", "saved"), [(False, False), (True, True)])
def test_team_webhook_must_be_https_unless_debugging(ops_client, settings, debug, saved):
    settings.DEBUG = debug
    response = _add_team(ops_client, webhook_url="http://hooks.example.com/abc")
    assert SDRTeam.objects.filter(name="EMEA").exists() is saved
    if not saved:
        assert _errors(response)["webhook_url"] == ["Use an https:// webhook URL."]


def test_team_pickers_offer_managers_and_queue_workers_only(ops_client, make_user):
    manager = make_user(Role.MANAGER, username="mia")
    sdr = make_user(Role.SDR, username="sam")
    marketer = make_user(Role.MARKETING, username="mark")
    form = ops_client.get(admin_url(SDRTeam, "add")).context["adminform"].form
    managers = set(form.fields["manager"].queryset)
    members = set(form.fields["members"].queryset)
    assert manager in managers
    assert sdr not in managers
    assert marketer not in managers
    assert {manager, sdr} <= members
    assert marketer not in members

    response = _add_team(ops_client, manager=str(sdr.pk), members=[str(marketer.pk)])
    form_errors = _errors(response)
    assert set(form_errors) == {"manager", "members"}
    response = _add_team(ops_client, manager=str(manager.pk), members=[str(sdr.pk)])
    assert response.status_code == 302
    team = SDRTeam.objects.get(name="EMEA")
    assert (team.manager, list(team.members.all())) == (manager, [sdr])


def test_webhook_is_masked_in_the_list_read_only_pages_and_history(ops_client, client_as):
    team = factories.team(name="EMEA", webhook_url=HOOK)
    listing = ops_client.get(admin_url(SDRTeam, "changelist")).content.decode()
    assert "https://hooks.slack.com/…abcd" in listing
    assert "secret" not in listing

    assert post_change(ops_client, team, timezone="Europe/Paris").status_code == 302
    history = ops_client.get(admin_url(team, "history", team.pk)).content.decode()
    assert "secret" not in history

    reader = client_as(Role.MARKETING)  # staff, may view teams, may not change them
    page = reader.get(admin_url(team, "change", team.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://hooks.slack.com/…abcd" in html
    assert "secret" not in html


# -- who may edit the rules -------------------------------------------------------------------


def test_ops_may_add_every_sla_rule(ops_client):
    for model in (BusinessCalendar, SLAPolicy, SDRTeam):
        assert ops_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", [BusinessCalendar, SLAPolicy, SDRTeam])
def test_sdrs_are_sent_to_login_and_marketing_may_only_read(client_as, model):
    obj = {BusinessCalendar: factories.calendar, SLAPolicy: factories.sla, SDRTeam: factories.team}[
        model
    ]()
    sdr = client_as(Role.SDR)
    assert sdr.get(admin_url(model, "changelist")).status_code == 302
    marketing = client_as(Role.MARKETING)
    assert marketing.get(admin_url(model, "changelist")).status_code == 200
    assert marketing.get(admin_url(model, "add")).status_code == 403
    assert (
        marketing.post(admin_url(model, "change", obj.pk), {"name": "Hijacked"}).status_code == 403
    )
    assert marketing.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
