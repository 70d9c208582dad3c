"""Numbers and times from query strings and forms, read the one way every caller shares.

Pure: no Django. Each parser returns ``None`` for an absent or empty value and raises
``ParameterError`` (a ``ValueError`` whose message names the parameter) for anything else
it cannot use, so a view turns it into a 400 that says what to fix.

Why a parser of our own rather than ``str.isdigit()`` and ``int()``:

- ``isdigit()`` is true for superscripts and other Unicode digits ("³", "¹") that ``int()``
  refuses (a 500), and ``int()`` reads other scripts' digits ("٣" is 3): only ASCII
  digits are a number here.
- Django guards the ``exact``/``gt``/``lt`` lookups against numbers past a column's range,
  but not ``in`` nor raw SQL, and PostgreSQL refuses a value past its column type; a bound
  checked here is a 400 wherever the value goes. ``int()`` of a few thousand digits is
  itself an error (Python's conversion limit), so length is checked before converting.
- PostgreSQL reads UTC offsets only up to ±15:59 ("+16:00" was a 500), and a time at the
  edge of Python's calendar overflows when converted to UTC (SQLite stores UTC).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# PostgreSQL ``integer`` (AutoField such as auth's user ids, PositiveIntegerField).
INT_MAX = 2**31 - 1
# PostgreSQL ``bigint`` (BigAutoField: LeadHub's own ids).
BIGINT_MAX = 2**63 - 1
# The largest UTC offset PostgreSQL accepts in a timestamp.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)

_ASCII_DIGITS = re.compile(r"[0-9]+")


class ParameterError(ValueError):
    """A parameter's value that cannot be used; ``str()`` is "name: what to give instead"."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")


def whole_number(
    raw: str | None, *, name: str, minimum: int = 0, maximum: int = BIGINT_MAX
) -> int | None:
    """``raw`` as a whole number from ``minimum`` to ``maximum`` (ASCII digits only)."""
    if raw is None or raw == "":
        return None
    bounds = f"a whole number from {minimum} to {maximum}"
    if not isinstance(raw, str) or not _ASCII_DIGITS.fullmatch(raw):
        raise ParameterError(name, f"give {bounds} (digits 0-9 only).")
    # Past the maximum's length (leading zeros aside) it is out of range: no need to convert.
    digits = raw.lstrip("0") or "0"
    if len(digits) > len(str(maximum)) or not minimum <= int(digits) <= maximum:
        raise ParameterError(name, f"give {bounds}.")
    return int(digits)


def whole_number_or_none(
    raw: str | None, *, minimum: int = 0, maximum: int = BIGINT_MAX
) -> int | None:
    """``whole_number``, with ``None`` for anything it refuses: for values that fall back
    to a default (a stored display value, an optional choice) rather than being refused."""
    try:
        return whole_number(raw, name="value", minimum=minimum, maximum=maximum)
    except ParameterError:
        return None


def storable_moment(when: datetime, *, name: str) -> datetime:
    """``when`` (aware) if PostgreSQL and Python can both store it, else ParameterError."""
    offset = when.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ParameterError(name, "give a UTC offset from -15:59 to +15:59.")
    try:
        when.astimezone(UTC)
    except OverflowError:
        raise ParameterError(name, "give a date between the years 1 and 9999.") from None
    return when
