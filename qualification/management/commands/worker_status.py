"""Ask a running Celery worker what it sees, to confirm it is up and on the right database."""

from __future__ import annotations

import json

from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError

from qualification.selectors.system import system_status_read
from qualification.tasks import system_status


class Command(BaseCommand):
    help = "Send a status task through the broker and print what the worker answers (JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait.")

    def handle(self, *args, timeout: float, **options) -> None:
        if timeout <= 0:
            raise CommandError("--timeout must be a positive number of seconds.")
        try:
            answer = system_status.apply_async().get(timeout=timeout)
        except OperationalError as exc:
            raise CommandError(
                f"Cannot reach the broker at {settings.CELERY_BROKER_URL}: {exc}"
            ) from exc
        except CeleryTimeout as exc:
            raise CommandError(
                f"No worker answered within {timeout:g}s; start one with "
                "'celery -A leadhub worker -l info'."
            ) from exc
        local = system_status_read()
        answer["same_database"] = answer.get("database_name") == local["database_name"]
        self.stdout.write(json.dumps(answer, indent=2, sort_keys=True))
        if not answer["same_database"]:
            raise CommandError("The worker uses a different database than this process.")
