"""Preview a criteria draft here and now: its effect on every lead, and its backtest.

For criteria kept in Git: ``criteria_import FILE --draft``, then ``criteria_preview
DRAFT_ID --json`` in the team's CI, then ``criteria_publish``. The preview is recorded
with the draft like one started from its page (so the page shows it too) but runs in this
process, without the task queue, and the command waits for it. ``--user`` makes the role
checks apply as in the app; without it the command acts for whoever runs it on the
server, which reads and scores but changes no lead.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.models import CriteriaPreview, CriteriaVersion, PreviewStatus
from qualification.services.criteria import command_user
from qualification.services.previews import (
    PREVIEW_CHUNK,
    preview_create,
    preview_permission_check,
    preview_run_chunks,
)
from qualification.services.versions import DraftInvalid, GovernanceError


class Command(BaseCommand):
    help = (
        "Preview a criteria draft against the published version: "
        "`criteria_preview DRAFT_ID [--json]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int, help="The draft's id.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--user", default="", help="Act as this user (their role applies).")
        parser.add_argument("--chunk", type=int, default=PREVIEW_CHUNK, help="Leads per chunk.")

    def handle(
        self, *args: Any, draft_id: int, json: bool, user: str, chunk: int, **options: Any
    ) -> None:
        draft = CriteriaVersion.objects.filter(pk=draft_id).first()
        if draft is None:
            raise CommandError(f"No draft with id {draft_id}.")
        actor = None
        if user:
            try:
                actor = command_user(user)
                preview_permission_check(actor)
            except (LookupError, GovernanceError) as exc:
                raise CommandError(str(exc)) from exc
        try:
            preview = preview_create(draft=draft, requested_by=actor)
        except DraftInvalid as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"Draft {draft_id} cannot be previewed: {len(exc.problems)} problem(s) to fix "
                f"first.\n{lines}"
            ) from exc
        except GovernanceError as exc:  # not a draft
            raise CommandError(f"Draft {draft_id} was not previewed: {exc}") from exc
        preview = preview_run_chunks(preview.pk, chunk=max(1, chunk))
        if preview.status != PreviewStatus.DONE:
            raise CommandError(f"The preview of draft {draft_id} failed: {preview.error}")
        if json:
            self.stdout.write(_json(preview_report(preview)))
        else:
            self.stdout.write(summary(preview_report(preview)))


def preview_report(preview: CriteriaPreview) -> dict[str, Any]:
    """The headline figures first (what a CI job checks), then everything stored."""
    figures, backtest = preview.figures, preview.backtest
    return {
        "preview_id": preview.pk,
        "draft_id": preview.version_id,
        "base_id": preview.base_id,
        "leads": figures["leads"],
        "entering": figures["entering"],
        "leaving": figures["leaving"],
        "auc_published": backtest["auc_published"],
        "auc_draft": backtest["auc_draft"],
        "n_outcomes": backtest["n_outcomes"],
        "figures": figures,
        "backtest": backtest,
    }


def summary(report: dict[str, Any]) -> str:
    """The report as a few lines a person reads in a terminal."""
    figures, backtest = report["figures"], report["backtest"]
    lines = [
        f"Preview of draft {report['draft_id']} against version id {report['base_id']}, "
        f"over {report['leads']:,} leads:"
    ]
    for queue, moves in figures["queues_moves"].items():
        published = figures["queue_sizes"]["published"][queue]["total"]
        draft = figures["queue_sizes"]["draft"][queue]["total"]
        lines.append(
            f"  {queue.upper()} queue: {moves['entering']} entering, {moves['leaving']} "
            f"leaving ({published:,} → {draft:,} leads)"
        )
    lines.append(f"  Tier changes: {figures['tier_changed']:,}")
    for fires in figures["criteria_fires"]:
        lines.append(
            f"  {fires['name']}: fires for {fires['published']:,} → {fires['draft']:,} leads"
        )
    lines.append(f"Backtest: {backtest['message']}")
    if report["auc_published"] is not None and report["auc_draft"] is not None:
        lines.append(
            f"  ROC AUC of the total score: {report['auc_published']:.3f} published, "
            f"{report['auc_draft']:.3f} draft"
        )
    return "\n".join(lines)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, default=str)
