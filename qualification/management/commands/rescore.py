"""Rescore leads now, in this process: `rescore --all`, `rescore --dirty` or `rescore ID ...`."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from qualification.selectors.rescoring import dirty_lead_ids_read, lead_ids_missing_read
from qualification.services.rescoring import (
    DEFAULT_BATCH_SIZE,
    lead_rescore,
    leads_rescore_nightly,
)


class Command(BaseCommand):
    help = "Rescore leads synchronously and print a JSON report."

    def add_arguments(self, parser) -> None:
        parser.add_argument("lead_ids", nargs="*", help="Lead ids to rescore.")
        parser.add_argument("--all", action="store_true", help="Rescore every lead.")
        parser.add_argument(
            "--dirty", action="store_true", help="Rescore leads marked for rescoring."
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(
        self, *args, lead_ids: list[str], all: bool, dirty: bool, batch_size: int, **options
    ):
        chosen = sum([bool(lead_ids), all, dirty])
        if chosen != 1:
            raise CommandError("Give lead ids, or --all, or --dirty (exactly one of them).")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.perf_counter()
        if all:
            report = leads_rescore_nightly(batch_size=batch_size)
        else:
            if dirty:
                ids = dirty_lead_ids_read(limit=10**9)
            else:
                try:
                    ids = [int(value) for value in lead_ids]
                except ValueError as exc:
                    raise CommandError(f"Lead ids must be whole numbers: {exc}.") from exc
                missing = lead_ids_missing_read(ids)
                if missing:
                    raise CommandError(f"No lead with id {', '.join(map(str, missing))}.")
            report = lead_rescore(lead_ids=ids, batch_size=batch_size)
        data = report.as_dict()
        data["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(data))
        if report.failed:
            raise CommandError(f"{len(report.failed)} lead(s) failed to rescore; see the log.")
