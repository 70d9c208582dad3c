"""Issue an ingestion key for the tracking API from the command line (setup scripts, CI, demo).

The raw key is printed once, as the last line, so scripts can capture it with ``tail -n 1``;
only its hash is stored.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qualification.models.choices import SignalSource
from qualification.services.ingest_keys import IngestKeyError, ingest_key_create


class Command(BaseCommand):
    help = (
        "Create an ingestion key for the tracking API and print it (last line). "
        "The key cannot be shown again: store it where the sending system reads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Who will use the key, e.g. 'Website'.")
        # Checked in handle() rather than with argparse choices, so that a bad value is a
        # CommandError naming the allowed sources both from the shell and from call_command.
        parser.add_argument(
            "--source",
            required=True,
            help=f"Where its events come from: {' or '.join(SignalSource.values)}.",
        )
        parser.add_argument(
            "--created-by", dest="created_by", help="Username recorded as the key's creator."
        )

    def handle(self, *args, name: str, source: str, created_by: str | None, **options) -> None:
        if source not in SignalSource.values:
            raise CommandError(
                f"Unknown --source {source!r}; use one of: {', '.join(SignalSource.values)}."
            )
        user = None
        if created_by:
            user = get_user_model().objects.filter(username=created_by).first()
            if user is None:
                raise CommandError(f"No user named {created_by!r}.")
        try:
            key, raw_key = ingest_key_create(name=name, source=source, created_by=user)
        except IngestKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Created ingestion key {key.name!r} ({key.source}, prefix {key.prefix}). "
            "Copy it now: it will not be shown again."
        )
        self.stdout.write(raw_key)
