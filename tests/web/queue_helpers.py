"""Builders the queue tests share: a lead that sits in a queue, and the rows a page lists."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qualification.models import Lead
from tests.factories import LeadFactory


def qualified(queue: str = "pql", **fields) -> Lead:
    """A lead qualified a few minutes ago into ``queue``, in that queue's own stage."""
    fields.setdefault("qualification", queue)
    fields.setdefault("pql_kind", "usage" if queue == "pql" else "")
    fields.setdefault("stage", queue)
    fields.setdefault("qualified_at", timezone.now() - timedelta(minutes=5))
    fields.setdefault("last_signal_at", timezone.now() - timedelta(hours=1))
    return LeadFactory(queue=queue, **fields)


def rows(response) -> list[str]:
    """The emails of the leads the page's table lists, in order."""
    return [row.record.email for row in response.context["table"].page.object_list]
