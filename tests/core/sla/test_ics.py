"""Holiday calendars from .ics text: what we read, and which line we blame when we refuse."""

from __future__ import annotations

from datetime import date

import pytest

from qualification.core.sla import HolidayEntry, IcsError, parse_holidays

# CRLF line ends, a folded SUMMARY (continuation with a space, then a tab), TEXT escapes, a
# VTIMEZONE and a VALARM to skip, a TZID date-time and a UTC date-time, a duplicate day.
GOOD = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Example//Holidays//EN\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Berlin\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19701025T030000\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:1@example\r\n"
    "DTSTART;VALUE=DATE:20261225\r\n"
    "SUMMARY:Christmas\\, first day \\; closed\r\n"
    " \\nall offices\r\n"
    "\tclosed \\\\ really\r\n"
    "BEGIN:VALARM\r\n"
    "DTSTART:20000101T000000\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    'DTSTART;TZID="Europe/Berlin":20261003T000000\r\n'
    "SUMMARY:German Unity Day\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART:20260101T230000Z\r\n"
    "SUMMARY:New Year (UTC)\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20261225\r\n"
    "SUMMARY:Duplicate Christmas\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def calendar(*event_lines: str) -> str:
    """A calendar with one VEVENT (LF line ends): the VEVENT starts on line 3."""
    return "\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *event_lines,
                      "END:VEVENT", "END:VCALENDAR", ""])  # fmt: skip


def days(entries: list[HolidayEntry]) -> list[date]:
    return [entry.day for entry in entries]


def test_good_file_with_folding_escapes_and_time_zones():
    assert parse_holidays(GOOD) == [
        HolidayEntry(date(2026, 1, 1), "New Year (UTC)"),
        HolidayEntry(date(2026, 10, 3), "German Unity Day"),
        HolidayEntry(
            date(2026, 12, 25), "Christmas, first day ; closed\nall officesclosed \\ really"
        ),
    ]


def test_lf_and_crlf_read_the_same():
    assert parse_holidays(GOOD.replace("\r\n", "\n")) == parse_holidays(GOOD)


READ_CASES = [
    pytest.param(
        calendar('DTSTART;X-NOTE="a;b:c";VALUE=DATE:20260101', "SUMMARY;LANGUAGE=de:Neujahr"),
        {}, [date(2026, 1, 1)], id="quoted parameter hides ; and :",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "SUMMARY:Xmas"),
        {}, [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)],
        id="multi-day, DTEND exclusive",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270102"),
        {}, [date(2026, 12, 31), date(2027, 1, 1)], id="multi-day across the year",
    ),
    pytest.param(
        calendar("DTSTART:20261224T120000", "DTEND:20261226T000000"),
        {}, [date(2026, 12, 24), date(2026, 12, 25)], id="date-time end at midnight excluded",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20260501", "DURATION:P2D"),
        {}, [date(2026, 5, 1), date(2026, 5, 2)], id="duration in days",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20260501", "RRULE:FREQ=YEARLY"),
        {}, [date(y, 5, 1) for y in range(2026, 2031)], id="yearly for five years",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20260501", "RRULE:FREQ=YEARLY"),
        {"years": 2}, [date(2026, 5, 1), date(2027, 5, 1)], id="yearly, years parameter",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20260501", "RRULE:FREQ=YEARLY;COUNT=3"),
        {"years": 10}, [date(y, 5, 1) for y in (2026, 2027, 2028)], id="yearly with COUNT",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20100501", "RRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
        {"years": 2, "from_year": 2026}, [date(2026, 5, 1), date(2027, 5, 1)],
        id="old yearly event from a given year",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261226",
                 "RRULE:FREQ=YEARLY;COUNT=2"),
        {}, [date(2026, 12, 24), date(2026, 12, 25), date(2027, 12, 24), date(2027, 12, 25)],
        id="yearly multi-day",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20260501", "RRULE:FREQ=YEARLY;UNTIL=20271231",
                 "EXDATE;VALUE=DATE:20260501"),
        {}, [date(2027, 5, 1)], id="UNTIL and EXDATE",
    ),
    pytest.param(
        calendar("DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY"),
        {"years": 5}, [date(2024, 2, 29), date(2028, 2, 29)], id="29 February skips years",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "options", "expected"), READ_CASES)
def test_reads(text, options, expected):
    assert days(parse_holidays(text, **options)) == expected


def test_names_and_default_name():
    text = calendar("DTSTART;VALUE=DATE:20260501").replace(
        "END:VCALENDAR", "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260501\nSUMMARY:Second\nEND:VEVENT\n"
        "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260430\nSUMMARY:Eve\nEND:VEVENT\nEND:VCALENDAR"
    )  # fmt: skip
    assert parse_holidays(text) == [
        HolidayEntry(date(2026, 4, 30), "Eve"),
        HolidayEntry(date(2026, 5, 1), "Holiday"),  # first name wins, even the default one
    ]


def test_cancelled_events_are_not_holidays():
    text = calendar("DTSTART;VALUE=DATE:20260501", "STATUS:CANCELLED")
    with pytest.raises(IcsError, match="no holidays found"):
        parse_holidays(text)


MALFORMED_CASES = [
    # (text, line, message fragment); calendar() puts the first event property on line 4.
    pytest.param(calendar("DTSTART;VALUE=DATE:2026-12-25"), 4,
                 "line 4: DTSTART '2026-12-25' is not a date like 20261225", id="dashed date"),
    pytest.param(calendar("SUMMARY:x", "DTSTART:2026-12-25"), 5,
                 "DTSTART '2026-12-25' is not a date like 20261225", id="dashed, no VALUE"),
    pytest.param(calendar("DTSTART:20261225T25"), 4, "is not a date-time like", id="bad time"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20260230"), 4, "not a real date", id="30 Feb"),
    pytest.param(calendar("SUMMARY:no start"), 3, "line 3: this VEVENT has no DTSTART",
                 id="no DTSTART names the event"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20260101", "DTSTART;VALUE=DATE:20260102"), 5,
                 "second DTSTART in one event (first on line 4)", id="two DTSTARTs"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20260101"), 5,
                 "DTEND must be after DTSTART (line 4)", id="empty span"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20260202"), 5,
                 "covers 32 days; at most 31", id="too long"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20260101", "SUMMARY:x",
                          "RRULE:FREQ=WEEKLY;COUNT=3"), 6,
                 "line 6: only RRULE:FREQ=YEARLY is supported, not FREQ=WEEKLY", id="weekly"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
                 5, "RRULE part BYDAY is not supported", id="Thanksgiving rule"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "RRULE:FREQ=YEARLY;BYMONTH=12"),
                 5, "BYMONTH=12 differs from DTSTART", id="yearly on another month"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "RRULE:FREQ=YEARLY;COUNT=0"),
                 5, "COUNT=0 is not a positive number", id="count zero"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "RDATE;VALUE=DATE:20271126"),
                 5, "RDATE is not supported", id="RDATE"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "DURATION:one day"),
                 5, "DURATION 'one day' is not like P1D", id="bad duration"),
    pytest.param(calendar("DTSTART;VALUE=DATE:20261126", "just some words"),
                 5, "'just some words' is not a property line", id="not a property"),
    pytest.param(calendar('DTSTART;TZID="Europe/Berlin:20261126'), 4, "unclosed quote",
                 id="unclosed quote"),
    pytest.param("VERSION:2.0\nBEGIN:VCALENDAR\n", 1, "line 1: expected BEGIN:VCALENDAR",
                 id="no BEGIN:VCALENDAR first"),
    pytest.param("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nEND:VEVENT\n", 1,
                 "line 1: BEGIN:VCALENDAR has no matching END:VCALENDAR", id="no END:VCALENDAR"),
    pytest.param("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nEND:VCALENDAR\n",
                 4, "END:VCALENDAR while VEVENT of line 2 is open", id="VEVENT left open"),
    pytest.param("BEGIN:VCALENDAR\nEND:VCALENDAR\nX-AFTER:1\n", 3,
                 "expected BEGIN:VCALENDAR", id="content after the calendar"),
    pytest.param("BEGIN:VCALENDAR\nBEGIN:VTODO\nBEGIN:VEVENT\n", 3,
                 "VEVENT inside VTODO (line 2)", id="nested event"),
    pytest.param(" folded\nBEGIN:VCALENDAR\n", 1, "continuation line with nothing before it",
                 id="leading continuation"),
    pytest.param(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:long\r\n  name\r\n\tmore\r\n"
        "DTSTART;VALUE=DATE:2026-1\r\n 2-25\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        6, "line 6: DTSTART '2026-12-25' is not a date", id="line numbers count folded lines",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED_CASES)
def test_malformed_names_the_line(text, line, message):
    with pytest.raises(IcsError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_holidays(text)
    assert caught.value.line == line


WHOLE_FILE_CASES = [
    pytest.param("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "no holidays found",
                 id="no VEVENT"),
    pytest.param("", "the file is empty", id="empty"),
    pytest.param("BEGIN:VCALENDAR\x00\x01\x02", "binary data", id="binary text"),
    pytest.param(b"\x89PNG\r\n\x1a\n\xff\xfe", "not UTF-8", id="binary bytes"),
    pytest.param("BEGIN:VCALENDAR\n" + "X-PAD:" + "x" * (1024 * 1024) + "\n", "larger than 1 MB",
                 id="too large"),
    pytest.param("BEGIN:VCALENDAR\n" + "X-PAD:" + "\u00e9" * 600_000 + "\n", "larger than 1 MB",
                 id="too large in bytes"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), WHOLE_FILE_CASES)
def test_whole_file_errors_are_line_zero(text, message):
    with pytest.raises(IcsError, match=message) as caught:
        parse_holidays(text)
    assert caught.value.line == 0
    assert not str(caught.value).startswith("line")


def test_bytes_with_a_bom_are_read():
    assert days(parse_holidays(("\ufeff" + GOOD).encode())) == days(parse_holidays(GOOD))


def test_error_is_a_value_error_with_the_line_in_its_message():
    with pytest.raises(ValueError, match=r"^line 4: ") as caught:
        parse_holidays(calendar("DTSTART;VALUE=DATE:2026-12-25"))
    assert isinstance(caught.value, IcsError)
    assert caught.value.reason == "DTSTART '2026-12-25' is not a date like 20261225"


@pytest.mark.parametrize("years", [pytest.param(0, id="zero"), pytest.param(101, id="too many")])
def test_years_must_be_sensible(years):
    with pytest.raises(ValueError, match="years"):
        parse_holidays(GOOD, years=years)
