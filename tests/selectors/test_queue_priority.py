"""The shared queues' order: tier, then due-soon leads, then the freshness-weighted score."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.core.scoring.priority import priority_key
from qualification.roles import Role
from qualification.selectors.queues import queue_leads
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _lead(name: str, *, tier: int, score: int, signal_ago: timedelta, **fields):
    now = timezone.now()
    return LeadFactory(
        first_name=name,
        queue="pql",
        qualification="pql",
        pql_kind="usage",
        stage="pql",
        tier=tier,
        total_score=score,
        qualified_at=now - signal_ago,
        priority=priority_key(score, now - signal_ago),
        **fields,
    )


def test_a_fresh_demo_request_outranks_a_stale_limit_hit_in_the_same_tier(make_user):
    stale = _lead("Stale", tier=4, score=96, signal_ago=timedelta(days=8))
    fresh = _lead("Fresh", tier=4, score=70, signal_ago=timedelta(minutes=20))
    warm = _lead("Warm", tier=3, score=60, signal_ago=timedelta(minutes=1))
    now = timezone.now()
    # Due soon (warning passed, deadline ahead) goes first within its tier; overdue does not.
    due_soon = _lead(
        "DueSoon",
        tier=4,
        score=50,
        signal_ago=timedelta(days=2),
        sla_warn_at=now - timedelta(minutes=5),
        sla_due_at=now + timedelta(minutes=10),
    )
    overdue = _lead(
        "Overdue",
        tier=4,
        score=50,
        signal_ago=timedelta(days=3),
        sla_warn_at=now - timedelta(hours=2),
        sla_due_at=now - timedelta(hours=1),
    )
    rep = make_user(Role.SDR, username="rep")
    order = list(queue_leads(scope="pql", user=rep, now=now))
    assert order == [due_soon, fresh, stale, overdue, warm]
    # Touched, its clock no longer hurries it.
    due_soon.first_touched_at = now
    due_soon.save()
    assert list(queue_leads(scope="pql", user=rep, now=now))[:2] == [fresh, stale]


def test_the_queue_page_says_how_it_orders_and_what_each_row_ranks_as(client_as):
    lead = _lead("Stale", tier=4, score=96, signal_ago=timedelta(days=8))
    html = client_as(Role.SDR).get("/queues/pql/").content.decode()
    assert "then leads about to miss their SLA, then score weighted by freshness" in html
    assert "(halved every 7 days)" in html
    assert f'<tr id="lead-{lead.pk}"' in html
    assert ">ranks as 43</span>" in html
