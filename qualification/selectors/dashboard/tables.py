"""One definition per dashboard table, shared by the HTML table and its CSV download.

A selector fills a ``Table`` with raw cells (numbers, None for "no data", strings); the
template formats them and the CSV writes them as they are, so the page and the file can
never disagree about which rows or columns a table has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.utils import timezone

Cell = Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # "int", "pct" (a 0-1 share shown as %), "minutes" (1 decimal), "text", "date", "datetime"
    kind: str = "int"


@dataclass
class Table:
    key: str  # the ``?export=`` value
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    # Per row, the lead page to link the first cell to (lists of leads); else empty.
    links: list[int | None] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows

    def csv_rows(self, tz: tzinfo) -> list[list[str]]:
        """Header then rows, as text: shares as fractions with 4 decimals, None as empty,
        times as ISO 8601 in ``tz`` (the viewer's zone, as on the page)."""
        out = [[column.label for column in self.columns]]
        for row in self.rows:
            out.append(
                [
                    _csv_cell(value, column, tz)
                    for value, column in zip(row, self.columns, strict=False)
                ]
            )
        return out

    def display_rows(self) -> list[tuple[int | None, list[tuple[str | None, Column]]]]:
        """Per row: the lead id its first cell links to (or None), and (text, column) pairs.

        Formatted here, once, rather than by a template per cell: a page holds a few
        thousand cells and Django's template engine is the slow part of rendering them.
        None stays None (the template shows a dash that says "nothing to measure").
        """
        links = self.links or [None] * len(self.rows)
        return [
            (link, [(display_cell(v, c), c) for v, c in zip(row, self.columns, strict=True)])
            for link, row in zip(links, self.rows, strict=True)
        ]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value: date) -> str:
    """ "Tue 10 Nov", from fixed names so the text never follows the server's locale."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]}"


def display_cell(value: Cell, column: Column) -> str | None:
    """A cell as the page shows it; times in the active (viewer's) time zone."""
    if value is None:
        return None
    if column.kind == "pct":
        return f"{round(value * 100)}%"
    if column.kind == "minutes":
        return f"{value:.1f}"
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{_day(local)} {local:%H:%M}"
    if isinstance(value, date):
        return _day(value)
    return str(value)


def _csv_cell(value: Cell, column: Column, tz: tzinfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat(timespec="minutes")
    if column.kind == "pct":
        return f"{value:.4f}"
    if column.kind == "minutes":
        return f"{value:.1f}"
    return str(value)


def share(part: int, whole: int) -> float | None:
    """part / whole, None when there is nothing to divide (shown as a dash, never 0 %)."""
    return part / whole if whole else None
