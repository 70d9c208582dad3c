"""Publish a criteria draft with a note; every lead is then rescored in the background.

Acts as the user named by ``--user`` (required, an ops user): the changelog names who
published, and the same rules as in the app apply (four-eyes approval, stale drafts).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.models import CriteriaVersion
from qualification.services.criteria import command_user
from qualification.services.versions import DraftInvalid, GovernanceError, draft_publish


class Command(BaseCommand):
    help = 'Publish a criteria draft: `criteria_publish DRAFT_ID --note "why" --user USERNAME`.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int, help="The draft's id.")
        parser.add_argument("--note", default="", help="Why: sales read it in the changelog.")
        parser.add_argument("--user", default="", help="Who publishes (an ops username).")

    def handle(self, *args: Any, draft_id: int, note: str, user: str, **options: Any) -> None:
        draft = CriteriaVersion.objects.select_related("base").filter(pk=draft_id).first()
        if draft is None:
            raise CommandError(f"No draft with id {draft_id}.")
        if not note.strip():
            raise CommandError('Give a --note "…" saying why: sales read it in the changelog.')
        try:
            actor = command_user(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        try:
            version = draft_publish(user=actor, draft=draft, note=note)
        except DraftInvalid as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"Draft {draft_id} cannot be published: {len(exc.problems)} problem(s) to "
                f"fix first.\n{lines}"
            ) from exc
        except GovernanceError as exc:  # stale, not allowed, already published
            raise CommandError(f"Draft {draft_id} was not published: {exc}") from exc
        self.stdout.write(
            f"{version.label} published; rescoring {version.rescore_total} leads in the background."
        )
