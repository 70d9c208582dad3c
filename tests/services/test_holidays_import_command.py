"""``manage.py holidays_import``: the admin's .ics import from the command line."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qualification.models import Holiday
from qualification.roles import Role
from qualification.services.sla_rules import REFRESH_MESSAGE
from tests import factories
from tests.admin.test_sla import ics

pytestmark = pytest.mark.django_db


@pytest.fixture
def berlin(make_user):
    make_user(Role.OPS, username="olga")
    make_user(Role.SDR, username="sam")
    return factories.calendar(name="Berlin office", holidays=[date(2027, 1, 1)])


def _run(*args: str) -> str:
    out = StringIO()
    call_command("holidays_import", *args, stdout=out)
    return out.getvalue()


def test_imports_new_days_and_says_what_it_did(berlin, tmp_path):
    path = tmp_path / "de.ics"
    path.write_bytes(ics(date(2027, 1, 1), date(2027, 5, 1), date(2027, 10, 3)))
    out = _run("Berlin office", str(path), "--user", "olga")
    assert "Berlin office: Added 2 holidays, 1 already there" in out
    assert REFRESH_MESSAGE in out
    assert sorted(Holiday.objects.values_list("day", flat=True)) == [
        date(2027, 1, 1),
        date(2027, 5, 1),
        date(2027, 10, 3),
    ]
    assert Holiday.objects.get(day=date(2027, 5, 1)).history.get().history_user.username == "olga"


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (None, ["--user", "olga"], "No file at"),
        (b"BEGIN:VCALENDAR\r\nX:" + b"y" * (1024 * 1024), ["--user", "olga"], "larger than 1 MB"),
        (b"\xff\xfeB\x00E\x00", ["--user", "olga"], "not UTF-8 text"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            ["--user", "olga"],
            "line 2: this VEVENT has no DTSTART. Nothing was imported.",
        ),
        (ics(date(2027, 5, 1)), [], "Say who is acting with --user"),
        (ics(date(2027, 5, 1)), ["--user", "nobody"], "No active user named 'nobody'"),
        (ics(date(2027, 5, 1)), ["--user", "sam"], "You may not add holidays"),
        (ics(date(2027, 5, 1)), ["--user", "olga", "--years", "0"], "--years must be between 1"),
    ],
    ids=["missing", "oversized", "utf-16", "malformed", "no-user", "unknown-user", "sdr", "years"],
)
def test_bad_input_is_a_clear_command_error(berlin, tmp_path, content, extra, message):
    path = tmp_path / "holidays.ics"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(message)):
        _run("Berlin office", str(path), *extra)
    assert Holiday.objects.count() == 1


def test_unknown_calendar_lists_the_ones_there_are(berlin, tmp_path):
    path = tmp_path / "holidays.ics"
    path.write_bytes(ics(date(2027, 5, 1)))
    with pytest.raises(
        CommandError, match=re.escape("No business calendar named 'Munich'. Calendars: Berlin")
    ):
        _run("Munich", str(path), "--user", "olga")
