"""CSV import rows: read, decode and validate one row at a time, with no Django.

Everything an ops spreadsheet can get wrong is caught here and reported per row and per
column, so the import service receives only values it can write as they are: stripped
strings within column lengths, choices in their stored spelling, integers in range, JSON
objects, timezone-aware UTC datetimes. Problems with the file itself (not UTF-8, empty,
a required column missing) raise ``CsvFormatError``: no row of such a file can be trusted.

Rows are numbered as a spreadsheet shows them: the header is row 1, data starts at row 2.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from qualification.core.params import whole_number_or_none
from qualification.core.tracking.parsing import (
    EMAIL_RE,
    MAX_EMAIL_LENGTH,
    MAX_ID_LENGTH,
    UNSTORABLE_ESCAPE,
)
from qualification.core.vocabulary import ACCOUNT_ATTRIBUTES

KINDS = ("accounts", "leads", "events")
SOURCES = ("marketing", "product")
BUSINESS_MODELS = ("b2b", "b2c")
PLANS = ("none", "free", "trial", "paid")
MAX_POSITIVE_INT = 2_147_483_647

# An accounts file carries every account attribute a criterion may read, domain first.
ACCOUNT_COLUMNS = ("domain", *(name for name in ACCOUNT_ATTRIBUTES if name != "domain"))
LEAD_COLUMNS = ("email", "user_id", "first_name", "last_name", "title", "source", "account_domain")
EVENT_COLUMNS = ("email", "user_id", "event", "occurred_at", "properties", "message_id", "source")
# Column lengths of the models the values land in.
MAX_LENGTHS = {
    "domain": 253,
    "account_domain": 253,
    "name": 200,
    "industry": 100,
    "email": MAX_EMAIL_LENGTH,
    "user_id": MAX_ID_LENGTH,
    "first_name": 100,
    "last_name": 100,
    "title": 200,
    "source": 100,
    "event": MAX_ID_LENGTH,
    "message_id": MAX_ID_LENGTH,
}


class CsvFormatError(ValueError):
    """The file as a whole is unusable (encoding, empty, header); nothing is imported."""


@dataclass(frozen=True)
class RowProblem:
    """One reason a row is refused: where (row as in the file, column) and what."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.problem}"


@dataclass
class ParsedRow:
    """The validated values of one row (only non-empty cells) and its problems."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    def refuse(self, column: str, problem: str) -> None:
        self.problems.append(RowProblem(self.row, column, problem))


class CsvRows:
    """The header and a stream of (row number, {column: cell}) of a UTF-8 CSV file.

    Reads incrementally (one row in memory at a time); a UTF-8 byte-order mark is
    dropped. Decoding errors can only show up while iterating, so they raise then too.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines = _decoded_lines(stream)
        self._reader = csv.reader(self._lines, strict=True)
        header = self._next()
        if header is None:
            raise CsvFormatError("The file is empty: it needs a header row naming the columns.")
        self.columns = [name.strip().lower() for name in header]
        if not any(self.columns):
            raise CsvFormatError("The first row is empty: it must name the columns.")
        for position, name in enumerate(self.columns, start=1):
            if not name:
                raise CsvFormatError(f"Column {position} of the header has no name.")
        duplicates = sorted({n for n in self.columns if self.columns.count(n) > 1})
        if duplicates:
            raise CsvFormatError(f"The header names a column twice: {', '.join(duplicates)}.")

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            raise CsvFormatError(
                f"The file is not UTF-8 text (near row {self._reader.line_num + 1}); "
                "save it as CSV UTF-8 and try again."
            ) from exc
        except csv.Error as exc:
            raise CsvFormatError(f"Row {self._reader.line_num}: not valid CSV ({exc}).") from exc

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        while (cells := self._next()) is not None:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line (or only separators) is not a row
            if len(cells) > len(self.columns):
                cells = [*cells[: len(self.columns)], ",".join(cells[len(self.columns) :])]
            yield number, dict(zip([*self.columns, "<extra>"], cells, strict=False))


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of text, decoded strictly as UTF-8 (BOM tolerated), streamed in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending = ""
    while chunk := stream.read(64 * 1024):
        # Split on "\n" only: other Unicode line breaks may sit inside a value.
        *lines, pending = (pending + decoder.decode(chunk)).split("\n")
        for line in lines:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def header_problem(kind: str, columns: list[str], *, default_source: str | None) -> str | None:
    """Why a file of ``kind`` with these columns cannot be imported, or None."""
    have = set(columns)
    if kind == "accounts" and "domain" not in have:
        return "The header has no domain column (required for accounts)."
    if kind in ("leads", "events") and not have & {"email", "user_id"}:
        return "The header needs an email or a user_id column (to identify the lead)."
    if kind == "events":
        missing = [c for c in ("event", "occurred_at") if c not in have]
        if missing:
            return f"The header has no {' or '.join(missing)} column (required for events)."
        if "source" not in have and not default_source:
            return "Events need a source: add a source column or choose marketing or product."
    if "<extra>" in have:
        return "The header may not name a column <extra>."
    return None


def _text(parsed: ParsedRow, cells: dict[str, str], column: str) -> str | None:
    """A stripped cell, None when blank; refused when too long or holding a NUL."""
    value = (cells.get(column) or "").strip()
    if not value:
        return None
    if "\x00" in value:
        parsed.refuse(column, "contains a NUL character")
        return None
    limit = MAX_LENGTHS.get(column)
    if limit and len(value) > limit:
        parsed.refuse(column, f"longer than {limit} characters")
        return None
    return value


def _required(parsed: ParsedRow, column: str, problem: str, *, also: str = "") -> None:
    """Report a blank required cell, unless the cell was already refused for another reason."""
    if all(p.column not in (column, also) for p in parsed.problems):
        parsed.refuse(column, problem)


def _choice(parsed: ParsedRow, cells: dict[str, str], column: str, allowed: tuple) -> str | None:
    value = _text(parsed, cells, column)
    if value is None:
        return None
    if value.lower() not in allowed:
        parsed.refuse(column, f"{value!r} is not one of {', '.join(allowed)}")
        return None
    return value.lower()


def _email(parsed: ParsedRow, cells: dict[str, str], column: str = "email") -> str | None:
    value = _text(parsed, cells, column)
    if value is not None and not EMAIL_RE.match(value):
        parsed.refuse(column, f"{value!r} is not an email address")
        return None
    return value


def _common(parsed: ParsedRow, cells: dict[str, str], named: tuple[str, ...]) -> None:
    """Collect the named columns' text and every other column as traits/properties."""
    if cells.get("<extra>"):
        parsed.refuse("", "has more values than the header has columns")
    for column, cell in cells.items():
        if column in named or column == "<extra>":
            continue
        value = _text(parsed, {column: cell}, column)
        if value is not None:
            parsed.extra[column] = value


def account_row(number: int, cells: dict[str, str]) -> ParsedRow:
    """Validate an accounts row; ``domain`` is normalized by the service (shared with ingest)."""
    parsed = ParsedRow(number)
    _common(parsed, cells, ACCOUNT_COLUMNS)
    values = parsed.values
    if (domain := _text(parsed, cells, "domain")) is not None:
        values["domain"] = domain
    else:
        _required(parsed, "domain", "required (the company's domain, e.g. acme.com)")
    for column in ("name", "industry"):
        if (text := _text(parsed, cells, column)) is not None:
            values[column] = text
    if (employees := _text(parsed, cells, "employee_count")) is not None:
        digits = employees.replace(",", "").replace("_", "")
        count = whole_number_or_none(digits, maximum=MAX_POSITIVE_INT)
        if count is None:
            parsed.refuse("employee_count", f"{employees!r} is not a whole number of employees")
        else:
            values["employee_count"] = count
    if (country := _text(parsed, cells, "country")) is not None:
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            parsed.refuse("country", f"{country!r} is not an ISO 3166-1 two-letter code")
        else:
            values["country"] = country.upper()
    if (model := _choice(parsed, cells, "business_model", BUSINESS_MODELS)) is not None:
        values["business_model"] = model
    if (plan := _choice(parsed, cells, "plan", PLANS)) is not None:
        values["plan"] = plan
    return parsed


def lead_row(number: int, cells: dict[str, str]) -> ParsedRow:
    """Validate a leads row; ``account_domain`` is normalized and looked up by the service."""
    parsed = ParsedRow(number)
    _common(parsed, cells, LEAD_COLUMNS)
    values = parsed.values
    email = _email(parsed, cells)
    user_id = _text(parsed, cells, "user_id")
    if email is None and user_id is None:
        _required(parsed, "email", "an email or a user_id is required", also="user_id")
    for column, value in (("email", email), ("user_id", user_id)):
        if value is not None:
            values[column] = value
    for column in ("first_name", "last_name", "title", "source", "account_domain"):
        if (text := _text(parsed, cells, column)) is not None:
            values[column] = text
    return parsed


def event_row(number: int, cells: dict[str, str], *, default_source: str | None) -> ParsedRow:
    """Validate an events row; which lead it belongs to is the service's question."""
    parsed = ParsedRow(number)
    _common(parsed, cells, EVENT_COLUMNS)
    values = parsed.values
    email = _email(parsed, cells)
    user_id = _text(parsed, cells, "user_id")
    if email is None and user_id is None:
        _required(
            parsed, "email", "an email or a user_id is required to find the lead", also="user_id"
        )
    values.update({k: v for k, v in (("email", email), ("user_id", user_id)) if v is not None})
    if (name := _text(parsed, cells, "event")) is not None:
        values["event"] = name
    else:
        _required(parsed, "event", "required (the event name)")
    source = _choice(parsed, cells, "source", SOURCES) if cells.get("source") else default_source
    if source is None:
        _required(parsed, "source", "required: marketing or product (a column or --source)")
    values["source"] = source
    raw_time = _text(parsed, cells, "occurred_at")
    if raw_time is None:
        _required(parsed, "occurred_at", "required (ISO 8601 with an offset, e.g. ...T09:30:00Z)")
    elif (occurred := _aware_datetime(parsed, raw_time)) is not None:
        values["occurred_at"] = occurred
    properties = _properties(parsed, cells.get("properties") or "")
    values["properties"] = {**parsed.extra, **properties}
    if (message_id := _text(parsed, cells, "message_id")) is not None:
        values["message_id"] = message_id
    elif not parsed.problems:
        values["message_id"] = row_message_id(values)
    return parsed


def _aware_datetime(parsed: ParsedRow, raw: str) -> datetime | None:
    text = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        parsed.refuse("occurred_at", f"{raw!r} is not an ISO 8601 date and time")
        return None
    if value.tzinfo is None:
        parsed.refuse(
            "occurred_at",
            f"{raw!r} has no time zone: add Z (UTC) or an offset such as +02:00",
        )
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        parsed.refuse("occurred_at", f"{raw!r} is out of range")
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _properties(parsed: ParsedRow, raw: str) -> dict[str, Any]:
    raw = raw.strip()
    if not raw:
        return {}
    if "\x00" in raw or UNSTORABLE_ESCAPE.search(raw.encode()):
        parsed.refuse("properties", "contains a NUL character or a lone surrogate")
        return {}
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        parsed.refuse("properties", "the JSON is nested too deeply")
        return {}
    except ValueError as exc:
        parsed.refuse("properties", f"not valid JSON: {exc}")
        return {}
    if not isinstance(value, dict):
        parsed.refuse("properties", 'must be a JSON object, e.g. {"plan": "pro"}')
        return {}
    return value


def row_message_id(values: dict[str, Any]) -> str:
    """A message id derived from what the row says, so re-importing a file adds nothing.

    Built from the parsed values (not the raw line), so reordering columns or reformatting
    a timestamp with the same instant still yields the same id.
    """
    key = json.dumps(
        [
            values.get("user_id") or "",
            (values.get("email") or "").lower(),
            values.get("event"),
            values["occurred_at"].isoformat(),
            values.get("properties") or {},
        ],
        sort_keys=True,
        default=str,
    )
    return "csv-" + hashlib.sha256(key.encode()).hexdigest()[:40]


__all__ = [
    "KINDS",
    "CsvFormatError",
    "CsvRows",
    "ParsedRow",
    "RowProblem",
    "account_row",
    "event_row",
    "header_problem",
    "lead_row",
    "row_message_id",
]
