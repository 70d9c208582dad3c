"""Import accounts, leads or events from a CSV file; all or nothing unless told otherwise."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qualification.core.tracking.csv_rows import KINDS, SOURCES
from qualification.services.csv_import import CsvImportError, CSVImportReport, csv_import


class Command(BaseCommand):
    help = (
        "Import accounts, leads or events from a UTF-8 CSV file (header row first). "
        "A file with refused rows imports nothing unless --import-valid-rows is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=KINDS, help="What the file holds.")
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--import-valid-rows",
            action="store_true",
            help="Import the valid rows even when others are refused.",
        )
        parser.add_argument(
            "--source",
            choices=SOURCES,
            help="The events' source when the file has no source column.",
        )

    def handle(
        self,
        *args,
        kind: str,
        path: str,
        dry_run: bool,
        import_valid_rows: bool,
        source: str | None,
        **options,
    ) -> None:
        try:
            with open(path, "rb") as stream:
                report = csv_import(
                    kind=kind,
                    stream=stream,
                    source=source,
                    dry_run=dry_run,
                    import_valid_rows=import_valid_rows,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except CsvImportError as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from exc
        self._write_report(path, report)
        if report.refused_rows and not report.written and not dry_run:
            raise CommandError(
                f"{path}: {report.refused_rows} row(s) refused; nothing was imported. "
                "Fix them, or pass --import-valid-rows to import the others."
            )

    def _write_report(self, path: str, report: CSVImportReport) -> None:
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        if report.problems_truncated:
            more = report.problem_count - len(report.problems)
            self.stderr.write(f"  ... and {more} more problem(s)")
        prefix = "Dry run of" if report.dry_run else ("Imported" if report.written else "Checked")
        self.stdout.write(f"{prefix} {path} ({report.kind}): {report.summary()}")
