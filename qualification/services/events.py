"""Removing stored events (bad data, test traffic): the only way an event goes away.

Events are append-only otherwise (ingestion and CSV import add them). A lead's score
counts its events, so the leads whose events are removed are marked for rescoring in the
same transaction; the rescore runs once the deletion commits, or in the periodic sweep.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from qualification.models import Event
from qualification.services.rescore_requests import leads_mark_for_rescore


def events_delete(*, events: QuerySet[Event]) -> int:
    """Delete the events of ``events`` and rescore their leads; how many events went."""
    with transaction.atomic():
        lead_ids = set(events.order_by().values_list("lead_id", flat=True).distinct())
        _total, per_model = events.delete()
        leads_mark_for_rescore(lead_ids=[pk for pk in lead_ids if pk is not None])
    return per_model.get(Event._meta.label, 0)
