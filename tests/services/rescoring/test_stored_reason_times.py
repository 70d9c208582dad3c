"""A rescore stores each reason that says when with its moment and time slot, so the queue
can say it as it is when shown (``wording.reason_now``); ``text`` stays for old readers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.core.wording import WHEN_SLOT, parse_when
from qualification.models import StageTransition
from qualification.services.rescoring import lead_rescore
from tests.factories import LeadFactory, criterion, events, policy

pytestmark = pytest.mark.django_db


def test_timed_reasons_are_stored_with_seen_at_and_their_slot():
    policy(mql_threshold=20, mql_min_fit=0)
    criterion(
        key="demo",
        name="Demo requested",
        kind="intent",
        event_name="Demo Requested",
        window_days=30,
        points=35,
        reason_template="Asked for a demo {last_seen}",
    )
    criterion(
        key="pricing",
        name="Pricing views",
        kind="intent",
        event_name="Pricing Page Viewed",
        window_days=30,
        points=10,
        reason_template="Viewed pricing {times} {window}",
    )
    lead = LeadFactory()
    seen = timezone.now() - timedelta(days=2)
    events(lead, "Demo Requested", [seen])
    events(lead, "Pricing Page Viewed", [seen, seen - timedelta(days=1)])
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    demo, pricing = lead.reasons
    assert demo["text"] == "Asked for a demo 2 days ago"
    assert demo["text_when"] == f"Asked for a demo {WHEN_SLOT}"
    assert abs(parse_when(demo["seen_at"]) - seen) < timedelta(seconds=1)
    assert pricing == {
        "text": "Viewed pricing twice in the last 30 days",
        "points": 10,
        "kind": "intent",
        "term": None,
    }
    stored = {c["key"]: c for c in lead.breakdown["contributions"]}
    assert stored["demo"]["reason_when"] == f"Asked for a demo {WHEN_SLOT}"
    assert stored["pricing"]["reason_when"] == ""


def test_a_stage_change_records_its_reason_without_a_time_of_its_own():
    """The history shows when the change happened; a stored "2 days ago" would go stale."""
    policy(mql_threshold=20, mql_min_fit=0, limit_events=["Usage Limit Reached"])
    lead = LeadFactory()
    events(lead, "Usage Limit Reached", [timezone.now() - timedelta(days=2)], source="product")
    lead_rescore(lead_ids=[lead.pk])
    change = StageTransition.objects.get(lead=lead)
    assert change.reason == "Hit a plan limit (Usage Limit Reached)"
