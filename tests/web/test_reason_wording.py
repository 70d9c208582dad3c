"""Copy a rep can say aloud, over HTTP: reasons said when the page is shown in the viewer's
zone, evidence and sources in words, and an opening that follows the freshest strong signal.

Reasons are stored by the rescore with their moment (``seen_at``) and a ``{when}`` slot; a
reason stored before the slot existed must still show as it was written.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qualification.core.outreach import FALLBACKS
from qualification.core.wording import WHEN_SLOT, relative_day
from qualification.models import Lead, MessageTemplate, UserProfile
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _limit_reason(seen_at) -> dict:
    return {
        "text": "Hit a free-plan limit today",  # as scored, the day it happened
        "text_when": f"Hit a free-plan limit {WHEN_SLOT}",
        "seen_at": seen_at.isoformat(),
        "points": 25,
        "kind": "usage",
        "term": None,
    }


def _viewer(client_as, zone: str, username: str):
    client = client_as(Role.SDR, username=username)
    UserProfile.objects.filter(user_id=client.session["_auth_user_id"]).update(timezone=zone)
    return client


def test_the_queue_says_a_stored_reason_as_it_is_when_shown(client_as):
    qualified(reasons=[_limit_reason(timezone.now() - timedelta(days=8))])
    html = client_as(Role.SDR).get("/queues/pql/").content.decode()
    assert "Hit a free-plan limit 8 days ago" in html
    assert "Hit a free-plan limit today" not in html


def test_the_queue_says_when_in_the_viewers_own_zone(client_as, client):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are a calendar day apart for most of the
    day: the same stored moment reads differently to each viewer."""
    now = timezone.now()
    east, west = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")
    seen_at = next(
        now - timedelta(hours=h)
        for h in range(1, 48)
        if relative_day(now - timedelta(hours=h), now.astimezone(east))
        != relative_day(now - timedelta(hours=h), now.astimezone(west))
    )
    qualified(reasons=[_limit_reason(seen_at)])
    said = {}
    for zone, name in ((east, "east"), (west, "west")):
        html = _viewer(client_as, zone.key, name).get("/queues/pql/").content.decode()
        said[name] = re.search(r"Hit a free-plan limit ([a-z0-9 ]+)", html).group(1)
        assert said[name] == relative_day(seen_at, timezone.now().astimezone(zone))
        client.logout()
    assert said["east"] != said["west"]


def test_a_reason_stored_before_reasons_had_a_time_slot_still_shows(client_as):
    old = {"text": "Asked for a demo 2 days ago", "points": 35, "kind": "intent", "term": None}
    qualified(reasons=[old])
    html = client_as(Role.SDR).get("/queues/pql/").content.decode()
    assert "Asked for a demo 2 days ago" in html


@pytest.fixture
def agency_lead():
    """A lead scored by the real engine: an industry fit, a decaying limit hit 8 days ago,
    a demo asked for an hour ago, and a first-touch source stored as a key."""
    policy(mql_threshold=20, mql_min_fit=0, tier_warm=20, tier_cool=10)
    criterion(
        key="icp-industry",
        name="ICP industry",
        kind="fit",
        signal_type="attribute",
        event_name="",
        attribute="account.industry",
        operator="in",
        value=["Marketing agency"],
        points=10,
        reason_template="Works in {industry}, one of our core industries",
    )
    criterion(
        key="usage-limit-reached",
        name="Usage limit reached",
        kind="usage",
        event_name="Usage Limit Reached",
        window_days=30,
        half_life_days=30,
        points=25,
        reason_template="Hit a free-plan limit {last_seen}",
    )
    criterion(
        key="demo-requested",
        name="Demo requested",
        kind="intent",
        event_name="Demo Requested",
        window_days=30,
        points=35,
        reason_template="Asked for a demo {last_seen}",
    )
    account = AccountFactory(name="Brightside", industry="Marketing agency")
    lead = LeadFactory(account=account, first_name="Ada", source="product_signup")
    now = timezone.now()
    events(lead, "Usage Limit Reached", days_ago(now, 8), limit="monthly_exports")
    events(lead, "Demo Requested", [now - timedelta(minutes=30)])
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    return lead


def _between(html: str, start: str, end: str) -> str:
    part = html[html.index(start) :]
    return part[: part.index(end)]


def test_the_lead_page_shows_evidence_and_source_in_words(client_as, agency_lead):
    html = client_as(Role.SDR).get(f"/leads/{agency_lead.pk}/").content.decode()
    # The header and the breakdown (the timeline below lists events' properties as sent).
    said = _between(html, '<header class="lead-head">', "</header>") + _between(
        html, 'id="breakdown-title"', "</section>"
    )
    assert "Industry: Marketing agency" in said
    assert "Source: Product signup" in said
    assert "Hit a free-plan limit 8 days ago" in said
    assert "full weight" in said or "% weight" in said
    for leaked in ("account.industry", "product_signup", "monthly_exports", "decay \u00d7"):
        assert leaked not in said
    assert not SNAKE_CASE.search(re.sub(r"<[^>]+>", " ", said))


def test_the_lead_page_says_a_stored_breakdown_reason_when_shown(client_as, agency_lead):
    breakdown = dict(agency_lead.breakdown)
    seen = (timezone.now() - timedelta(days=3)).isoformat()
    breakdown["contributions"] = [
        {**c, "last_seen": seen} if c["key"] == "usage-limit-reached" else c
        for c in breakdown["contributions"]
    ]
    Lead.objects.filter(pk=agency_lead.pk).update(breakdown=breakdown)
    html = client_as(Role.SDR).get(f"/leads/{agency_lead.pk}/").content.decode()
    assert "Hit a free-plan limit 3 days ago" in html


def test_an_old_breakdown_without_slots_still_renders(client_as, agency_lead):
    old = {
        "contributions": [
            {
                "key": "usage-limit-reached",
                "name": "Usage limit reached",
                "kind": "usage",
                "points": 25,
                "reason": "Hit a free-plan limit 8 days ago",
                "signal_type": "event",
                "count": 1,
                "decay": 1.0,
                "last_seen": "2026-11-25T09:00:00+00:00",
            }
        ],
        "qualification_reason": "Hit a plan limit (Usage Limit Reached, 8 days ago)",
    }
    Lead.objects.filter(pk=agency_lead.pk).update(breakdown=old)
    response = client_as(Role.SDR).get(f"/leads/{agency_lead.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hit a free-plan limit 8 days ago" in html
    assert "full weight" in html


def test_the_suggested_opening_follows_a_demo_asked_for_today(client_as, agency_lead):
    MessageTemplate.objects.create(
        name="Limit",
        trigger="usage_limit",
        subject="You've outgrown the free plan's {limit}",
        body="{account} reached the {limit} limit {when}.",
    )
    MessageTemplate.objects.create(
        name="Demo follow-up",
        trigger="hand_raise",
        subject="Your request for {request}",
        body="Thanks for asking for {request} {when}.",
    )
    html = client_as(Role.SDR).get(f"/leads/{agency_lead.pk}/").content.decode()
    message = _between(html, 'id="suggested-message"', "</div></div>")
    assert "Your request for a demo" in message
    assert "Thanks for asking for a demo today." in message
    assert "Freshest strong signal: Demo requested, today." in html
    assert "outgrown" not in message
    assert not SNAKE_CASE.search(message)


def test_every_template_placeholder_has_a_fallback():
    assert frozenset(FALLBACKS) == MessageTemplate.PLACEHOLDERS
