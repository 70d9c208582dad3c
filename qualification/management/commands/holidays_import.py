"""Add the holidays of an iCalendar (.ics) file to a business calendar.

``holidays_import "Berlin office" holidays.ics --user ops`` runs the same service as the
admin's "Import holidays (.ics)": new days are added, days already there are kept, a bad
file adds nothing and names the line, and open SLA clocks are then recomputed. Acts as
``--user`` (an ops user): the holidays' history names who added them, and the role check
applies as in the admin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.core.sla.ics import MAX_BYTES, IcsError
from qualification.models import BusinessCalendar
from qualification.services.criteria import command_user
from qualification.services.sla_rules import MAX_IMPORT_YEARS, REFRESH_MESSAGE, holidays_import


class Command(BaseCommand):
    help = (
        "Import holidays into a business calendar: "
        '`holidays_import "CALENDAR NAME" FILE.ics --user USERNAME [--years 5]`.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("calendar", help="The business calendar's name, as in the admin.")
        parser.add_argument("file", help="Path of the .ics file (UTF-8, at most 1 MB).")
        parser.add_argument("--user", default="", help="Who imports (an ops username).")
        parser.add_argument(
            "--years",
            type=int,
            default=5,
            help="Years to add holidays that repeat every year (from this year; default 5).",
        )

    def handle(
        self, *args: Any, calendar: str, file: str, user: str, years: int, **options: Any
    ) -> None:
        found = BusinessCalendar.objects.filter(name=calendar).first()
        if found is None:
            names = ", ".join(BusinessCalendar.objects.values_list("name", flat=True)[:20])
            raise CommandError(
                f"No business calendar named {calendar!r}."
                + (f" Calendars: {names}." if names else " Create one in the admin first.")
            )
        if not 1 <= years <= MAX_IMPORT_YEARS:
            raise CommandError(f"--years must be between 1 and {MAX_IMPORT_YEARS}, not {years}.")
        text = self._read(Path(file))
        try:
            actor = command_user(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = holidays_import(calendar_id=found.pk, text=text, user=actor, years=years)
        except IcsError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            raise CommandError(f"{file}: {where}{exc.reason}. Nothing was imported.") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{found.name}: {report.summary()}")
        if report.refresh_requested:
            self.stdout.write(REFRESH_MESSAGE)

    def _read(self, path: Path) -> str:
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path}: the file is larger than 1 MB; a holiday calendar is much smaller."
            )
        try:
            return path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: the file is not UTF-8 text; is it an .ics calendar?"
            ) from exc
