"""Reads used by operational checks."""

from __future__ import annotations

from django.db import connection

from qualification.models import Criterion, Event, Lead


def system_status_read() -> dict[str, int | str]:
    """Counts that tell whether two processes share a database, in three cheap queries."""
    return {
        "database_name": str(connection.settings_dict.get("NAME")),
        "leads": Lead.objects.count(),
        "events": Event.objects.count(),
        "active_criteria": Criterion.objects.published().filter(is_active=True).count(),
    }
