"""Builders the queue tests share: a lead that sits in a queue, and the rows a page lists."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qualification.models import Lead
from qualification.services.sla_clocks import sla_clocks_refresh
from tests.factories import LeadFactory


def qualified(queue: str = "pql", **fields) -> Lead:
    """A lead qualified a few minutes ago into ``queue``, in that queue's own stage.

    Its stored SLA clock is computed from the policies that exist now, as the rescore would
    when it qualified the lead (the queue's cell, filter and sort read the stored clock).
    """
    fields.setdefault("qualification", queue)
    fields.setdefault("pql_kind", "usage" if queue == "pql" else "")
    fields.setdefault("stage", queue)
    fields.setdefault("qualified_at", timezone.now() - timedelta(minutes=5))
    fields.setdefault("last_signal_at", timezone.now() - timedelta(hours=1))
    lead = LeadFactory(queue=queue, **fields)
    if sla_clocks_refresh(lead_ids=[lead.pk]):
        lead.refresh_from_db()
    return lead


def rows(response) -> list[str]:
    """The emails of the leads the page's table lists, in order."""
    return [row.record.email for row in response.context["table"].page.object_list]
