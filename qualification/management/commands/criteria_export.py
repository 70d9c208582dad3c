"""Print a criteria version as JSON (schema: qualification/services/criteria.py).

The published version by default, so ``criteria_export > criteria.json`` snapshots what
scoring uses now; ``--version N`` an earlier publication, ``--draft ID`` a draft under
review.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.models import CriteriaVersion, VersionStatus
from qualification.services.criteria import criteria_export


class Command(BaseCommand):
    help = (
        "Export a criteria version (the published one by default) as JSON to stdout, "
        "e.g. `manage.py criteria_export > criteria.json`."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # ``--version N`` picks a criteria version here; it replaces Django's own --version
        # (the Django release), which `manage.py version` still prints.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--version",
            dest="number",
            type=int,
            metavar="N",
            help="A published (or retired) version by its number.",
        )
        which.add_argument("--draft", type=int, metavar="ID", help="A draft by its id.")

    def handle(self, *args: Any, number: int | None, draft: int | None, **options: Any) -> None:
        version = None
        if number is not None:
            version = (
                CriteriaVersion.objects.exclude(status=VersionStatus.DRAFT)
                .filter(number=number)
                .first()
            )
            if version is None:
                raise CommandError(f"No published version {number}.")
        elif draft is not None:
            version = CriteriaVersion.objects.filter(pk=draft).first()
            if version is None or not version.is_draft:
                hint = f" ({version.label}: use --version {version.number})" if version else ""
                raise CommandError(f"No draft with id {draft}{hint}.")
        self.stdout.write(json.dumps(criteria_export(version=version), indent=2))
