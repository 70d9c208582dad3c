"""Issue a REST API token for a user from the command line (setup scripts, CI).

The raw token is printed once, as the last line, so scripts can capture it with
``tail -n 1``; only its hash is stored. The token acts with the user's role.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qualification.services.api_tokens import ApiTokenError, api_token_create


class Command(BaseCommand):
    help = (
        "Create a REST API token for USERNAME and print it (last line). "
        "The token cannot be shown again: store it where the script reads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as (their role applies).")
        parser.add_argument("--name", default="Command-line token", help="Which script uses it.")
        parser.add_argument(
            "--expires-days",
            dest="expires_days",
            type=int,
            help="Refuse the token after this many days (default: never expires).",
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            token, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
        expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
        self.stdout.write(
            f"Created API token {token.name!r} for {user.get_username()} "
            f"(prefix {token.prefix}, {expiry}). Copy it now: it will not be shown again."
        )
        self.stdout.write(raw)
