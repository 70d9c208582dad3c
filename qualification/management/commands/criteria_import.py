"""Make a criteria draft from a JSON file (as written by criteria_export); all or nothing.

The file never changes the live rules: it becomes a draft, to preview
(``criteria_preview``) and publish (``criteria_publish``) like any other change. The
command acts as the user named by ``--user`` (required: the draft names its author and
that user's role decides what the file may change), so a CI job uses a service account.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.services.criteria import (
    CriteriaImportError,
    DraftImport,
    command_user,
    criteria_draft_import,
)
from qualification.services.versions import GovernanceError


class Command(BaseCommand):
    help = (
        "Create a criteria draft from JSON (as written by criteria_export): "
        "`criteria_import FILE --draft --user USERNAME`. Nothing is created on error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The JSON file, or - for standard input.")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Create a draft from the file (criteria change only through drafts).",
        )
        parser.add_argument("--title", default="", help="What the draft changes.")
        parser.add_argument("--user", default="", help="Who makes the draft (a username).")

    def handle(
        self, *args: Any, path: str, draft: bool, title: str, user: str, **options: Any
    ) -> None:
        if not draft:
            raise CommandError(
                "Criteria change through drafts: use --draft to make a draft from the file, "
                'then criteria_preview DRAFT_ID and criteria_publish DRAFT_ID --note "…".'
            )
        try:
            actor = command_user(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        data = self._read(path)
        try:
            made = criteria_draft_import(
                user=actor, data=data, title=title or f"Imported from {Path(path).name}"
            )
        except CriteriaImportError as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"Refused {path}: {len(exc.problems)} problem(s); nothing was created.\n{lines}"
            ) from exc
        except GovernanceError as exc:
            raise CommandError(f"Refused {path}: {exc}") from exc
        self._report(made)

    def _read(self, path: str) -> Any:
        try:
            text = self.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc

    def _report(self, made: DraftImport) -> None:
        draft, published = made.draft, made.published
        self.stdout.write(f"Draft {draft.pk} created: {draft.title} (based on {published.label}).")
        if made.exported_from is not None and made.exported_from != published.number:
            self.stdout.write(
                f"Note: the file was exported from Version {made.exported_from}; the changes "
                f"below are against {published.label}, the published one."
            )
        if not made.policy_from_file:
            self.stdout.write(f"The file has no policy: the draft keeps {published.label}'s.")
        if made.removed:
            self.stdout.write(
                f"Removed: {', '.join(made.removed)} (in {published.label}, not in the file)."
            )
        if made.changes:
            self.stdout.write(f"Changes against {published.label}:")
            for change in made.changes:
                self.stdout.write(f"  - {change.text}")
        else:
            self.stdout.write(f"No changes against {published.label}.")
        self.stdout.write(
            f"Next: criteria_preview {draft.pk}, then "
            f'criteria_publish {draft.pk} --note "…" --user USERNAME.'
        )
