"""Print every criterion as JSON (schema: qualification/services/criteria.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from qualification.services.criteria import criteria_export


class Command(BaseCommand):
    help = (
        "Export all criteria as JSON to stdout, e.g. `manage.py criteria_export > criteria.json`."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(criteria_export(), indent=2, sort_keys=False))
