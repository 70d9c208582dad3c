"""Create or update criteria from an exported JSON file; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualification.services.criteria import CriteriaImportError, criteria_import


class Command(BaseCommand):
    help = "Import criteria from JSON (as written by criteria_export). Nothing changes on error."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The JSON file, or - for standard input.")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate criteria that the file does not list.",
        )

    def handle(self, *args, path: str, deactivate_missing: bool, **options) -> None:
        try:
            text = self.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        try:
            report = criteria_import(data=data, deactivate_missing=deactivate_missing)
        except CriteriaImportError as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"Refused {path}: {len(exc.problems)} problem(s); nothing was changed.\n{lines}"
            ) from exc
        self.stdout.write(
            f"Imported {path}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.deactivated)} deactivated."
        )
