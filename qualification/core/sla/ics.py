"""Holiday calendars from iCalendar (.ics) text: the RFC 5545 subset holiday exports use.

Hand-written rather than a dependency because we need very little of iCalendar (all-day
events, yearly repeats) and a great deal of honesty about the rest: a rule we cannot expand
(say "fourth Thursday of November") must be refused with its line number, not silently read
as one day. Every error names the 1-based line of the original text, so an admin can fix the
file they uploaded.

Dates are taken as written: a ``DATE`` is that local date, a date-time with ``TZID`` (or a
floating one) contributes its written local date, a ``...Z`` (UTC) date-time its UTC date.
Holidays are whole local days of the policy's zone, so no conversion is attempted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

MAX_BYTES = 1024 * 1024
MAX_EVENT_DAYS = 31
MAX_YEARS = 100

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?")
_DURATION = re.compile(r"P(?:(\d+)W|(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_NAME = re.compile(r"[A-Za-z0-9-]+")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ","}
# RRULE parts we understand; BYMONTH/BYMONTHDAY only when they repeat DTSTART's own date.
_RRULE_PARTS = {"FREQ", "COUNT", "UNTIL", "INTERVAL", "BYMONTH", "BYMONTHDAY", "WKST"}


class IcsError(ValueError):
    """A calendar we refuse, with the 1-based ``line`` to fix (0: the file as a whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line > 0 else message)


@dataclass(frozen=True)
class HolidayEntry:
    """One local date without business hours, and the name the calendar gave it."""

    day: date
    name: str


class _Line(NamedTuple):
    number: int  # where the (unfolded) line began in the original text
    name: str
    params: dict[str, str]
    value: str


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _as_text(data: str | bytes) -> str:
    """Refuse what is not a text calendar before reading a single line."""
    if len(data) > MAX_BYTES:
        raise IcsError("the file is larger than 1 MB; a holiday calendar is much smaller")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise IcsError("the file is not UTF-8 text; is it an .ics calendar?") from None
    if len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise IcsError("the file is larger than 1 MB; a holiday calendar is much smaller")
    if _BINARY.search(data):
        raise IcsError("the file contains binary data; is it an .ics calendar?")
    return data.removeprefix("\ufeff")


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the physical line they start on (RFC 5545 section 3.1 folding)."""
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        if raw[:1] in (" ", "\t"):
            if not logical:
                raise IcsError("a folded continuation line with nothing before it", number)
            start, content = logical[-1]
            logical[-1] = (start, content + raw[1:])
        elif raw.strip():
            logical.append((number, raw))
    return logical


def _parse_line(number: int, content: str) -> _Line:
    """Split ``NAME;PARAM=value;PARAM="quoted:value":VALUE`` (quotes may hide ; and :)."""
    match = _NAME.match(content)
    end = match.end() if match else 0
    if not match or end == len(content) or content[end] not in ";:":
        raise IcsError(f"'{_short(content)}' is not a property line like NAME:value", number)
    params: dict[str, str] = {}
    pos = end
    while content[pos] == ";":
        eq = content.find("=", pos)
        if eq < 0:
            raise IcsError(f"parameter without '=' in '{_short(content)}'", number)
        key = content[pos + 1 : eq].upper()
        pos = eq + 1
        if content[pos : pos + 1] == '"':
            close = content.find('"', pos + 1)
            if close < 0:
                raise IcsError(f"unclosed quote in '{_short(content)}'", number)
            params[key], pos = content[pos + 1 : close], close + 1
        else:
            ends = [i for i in (content.find(";", pos), content.find(":", pos)) if i >= 0]
            stop = min(ends, default=-1)
            if stop < 0:
                raise IcsError(f"'{_short(content)}' has no ':' before its value", number)
            params[key], pos = content[pos:stop], stop
        if pos >= len(content) or content[pos] not in ";:":
            raise IcsError(f"'{_short(content)}' has no ':' before its value", number)
    return _Line(number, match.group().upper(), params, content[pos + 1 :])


def _moment(line: _Line, raw: str | None = None) -> tuple[date, time | None]:
    """A DATE or DATE-TIME value as (local date, time or None)."""
    raw = (line.value if raw is None else raw).strip()
    kind = line.params.get("VALUE", "").upper()
    if kind not in ("", "DATE", "DATE-TIME"):
        raise IcsError(f"{line.name} has VALUE={kind}; expected DATE or DATE-TIME", line.number)
    try:
        if kind == "DATE" or (not kind and "T" not in raw.upper()):
            if not _DATE.fullmatch(raw):
                raise IcsError(
                    f"{line.name} '{_short(raw)}' is not a date like 20261225", line.number
                )
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])), None
        found = _DATETIME.fullmatch(raw.upper())
        if not found:
            raise IcsError(
                f"{line.name} '{_short(raw)}' is not a date-time like 20261225T090000", line.number
            )
        y, mo, d, h, mi, s = (int(part) for part in found.groups())
        return date(y, mo, d), time(h, mi, min(s, 59))  # second 60 is a leap second
    except ValueError as error:
        if isinstance(error, IcsError):
            raise
        raise IcsError(f"{line.name} '{_short(raw)}' is not a real date", line.number) from None


def _unescape(value: str) -> str:
    """TEXT escapes: \\\\ \\; \\, \\n (anything else is kept as written)."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group()), value).strip()


@dataclass
class _Event:
    """The properties of one VEVENT we read, each with the line it came from."""

    begin: int
    props: dict[str, _Line] = field(default_factory=dict)
    exdates: list[_Line] = field(default_factory=list)

    def add(self, line: _Line) -> None:
        if line.name == "EXDATE":
            self.exdates.append(line)
        elif line.name in ("DTSTART", "DTEND", "DURATION", "SUMMARY", "RRULE", "STATUS"):
            if line.name in self.props:
                first = self.props[line.name].number
                raise IcsError(
                    f"a second {line.name} in one event (first on line {first})", line.number
                )
            self.props[line.name] = line
        elif line.name == "RDATE":
            raise IcsError("RDATE is not supported; list each date as its own event", line.number)


def _span_days(event: _Event, start: date, start_time: time | None) -> int:
    """How many local days one occurrence covers (DTEND is exclusive)."""
    begin = datetime.combine(start, start_time or time())
    if "DTEND" in event.props:
        line = event.props["DTEND"]
        end_day, end_time = _moment(line)
        end = datetime.combine(end_day, end_time or time())
    elif "DURATION" in event.props:
        line = event.props["DURATION"]
        found = _DURATION.fullmatch(line.value.strip().upper())
        if not found or line.value.strip().upper() in ("P", "PT"):
            raise IcsError(f"DURATION '{_short(line.value)}' is not like P1D or PT8H", line.number)
        weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
        end = begin + timedelta(
            weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds
        )
    else:
        return 1
    if end < begin or (end == begin and start_time is None):
        raise IcsError(
            f"{line.name} must be after DTSTART (line {event.props['DTSTART'].number})", line.number
        )
    last = start if end == begin else (end - timedelta(microseconds=1)).date()
    span = (last - start).days + 1
    if span > MAX_EVENT_DAYS:
        raise IcsError(
            f"the event covers {span} days; at most {MAX_EVENT_DAYS} are allowed", line.number
        )
    return span


def _starts(event: _Event, start: date, years: int, from_year: int | None) -> list[date]:
    """The occurrence dates: DTSTART alone, or a yearly rule expanded over ``years`` years."""
    if "RRULE" not in event.props:
        return [start]
    line = event.props["RRULE"]
    parts: dict[str, str] = {}
    for part in line.value.strip().split(";"):
        key, _, value = part.partition("=")
        parts[key.upper()] = value.upper()
    if parts.get("FREQ") != "YEARLY":
        found = parts.get("FREQ") or "nothing"
        raise IcsError(f"only RRULE:FREQ=YEARLY is supported, not FREQ={found}", line.number)
    unknown = sorted(set(parts) - _RRULE_PARTS)
    if unknown:
        raise IcsError(f"RRULE part {unknown[0]} is not supported (only yearly dates)", line.number)
    for key, expected in (("BYMONTH", start.month), ("BYMONTHDAY", start.day)):
        if key in parts and parts[key] != str(expected):
            raise IcsError(
                f"RRULE {key}={parts[key]} differs from DTSTART; not supported", line.number
            )
    numbers: dict[str, int] = {}
    for key in ("COUNT", "INTERVAL"):
        if key in parts:
            if not parts[key].isdigit() or int(parts[key]) < 1:
                raise IcsError(f"RRULE {key}={parts[key]} is not a positive number", line.number)
            numbers[key] = int(parts[key])
    until = _moment(line, parts["UNTIL"])[0] if "UNTIL" in parts else None
    first = start.year if from_year is None else from_year
    found: list[date] = []
    counted = 0
    for year in range(start.year, first + years, numbers.get("INTERVAL", 1)):
        try:
            day = start.replace(year=year)
        except ValueError:  # 29 February: RFC 5545 skips the years that lack it
            continue
        counted += 1
        if counted > numbers.get("COUNT", counted) or (until is not None and day > until):
            break
        if year >= first:
            found.append(day)
    return found


def _entries(event: _Event, years: int, from_year: int | None) -> list[HolidayEntry]:
    if "DTSTART" not in event.props:
        raise IcsError("this VEVENT has no DTSTART", event.begin)
    if "STATUS" in event.props and event.props["STATUS"].value.strip().upper() == "CANCELLED":
        return []
    start, start_time = _moment(event.props["DTSTART"])
    span = _span_days(event, start, start_time)
    excluded = {
        _moment(line, raw)[0]
        for line in event.exdates
        for raw in line.value.split(",")
        if raw.strip()
    }
    summary = event.props.get("SUMMARY")
    name = (_unescape(summary.value) if summary else "") or "Holiday"
    return [
        HolidayEntry(first + timedelta(days=offset), name)
        for first in _starts(event, start, years, from_year)
        if first not in excluded
        for offset in range(span)
    ]


def parse_holidays(
    text: str | bytes, *, years: int = 5, from_year: int | None = None
) -> list[HolidayEntry]:
    """The holidays of an .ics file, sorted by day, one entry per day (first name wins).

    ``RRULE:FREQ=YEARLY`` events are expanded for ``years`` years starting at ``from_year``
    (default: the event's own first year). Pass the current year as ``from_year`` for an old
    recurring calendar; this module cannot read the clock. Raises ``IcsError`` naming the line.
    """
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be between 1 and {MAX_YEARS}, not {years}")
    stack: list[tuple[str, int]] = []
    event: _Event | None = None
    calendars = 0
    entries: list[HolidayEntry] = []
    for number, content in _unfold(_as_text(text)):
        line = _parse_line(number, content)
        if not stack and (line.name != "BEGIN" or line.value.strip().upper() != "VCALENDAR"):
            raise IcsError(f"expected BEGIN:VCALENDAR, found '{_short(content)}'", number)
        component = line.value.strip().upper()
        if line.name == "BEGIN":
            if component == "VCALENDAR" and stack:
                raise IcsError(f"BEGIN:VCALENDAR inside the calendar of line {stack[0][1]}", number)
            if component == "VEVENT":
                if stack[-1][0] != "VCALENDAR":
                    raise IcsError(f"VEVENT inside {stack[-1][0]} (line {stack[-1][1]})", number)
                event = _Event(number)
            calendars += component == "VCALENDAR"
            stack.append((component, number))
        elif line.name == "END":
            if component != stack[-1][0]:
                open_name, open_line = stack[-1]
                raise IcsError(
                    f"END:{component} while {open_name} of line {open_line} is open", number
                )
            stack.pop()
            if component == "VEVENT" and event is not None:
                entries.extend(_entries(event, years, from_year))
                event = None
        elif event is not None and stack[-1][0] == "VEVENT":
            event.add(line)
    if stack:
        name, opened = stack[-1]
        raise IcsError(f"BEGIN:{name} has no matching END:{name}", opened)
    if not calendars:
        raise IcsError("the file is empty; expected BEGIN:VCALENDAR")
    by_day: dict[date, str] = {}
    for entry in entries:
        by_day.setdefault(entry.day, entry.name)
    if not by_day:
        raise IcsError("no holidays found")
    return [HolidayEntry(day, name) for day, name in sorted(by_day.items())]
