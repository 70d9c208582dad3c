"""Learning reads: event windows, one training row per lead, criteria."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.core.learning.inputs import LeadInputs
from qualification.models import Feedback, LeadSnapshot
from qualification.selectors.learning import (
    criteria_info_read,
    event_kinds_read,
    event_windows_read,
    training_rows_read,
)
from tests.factories import (
    LeadFactory,
    criterion,
    days_ago,
    draft,
    events,
    feedback,
    known_event,
    term,
)

pytestmark = pytest.mark.django_db

PLACEMENT = {"score": 5, "tier": 2, "qualification": "mql", "pql_kind": "", "queue": "mql"}


def test_event_windows_count_every_name_up_to_now():
    now = timezone.now()
    lead, other = LeadFactory(), LeadFactory()
    events(lead, "Docs Viewed", days_ago(now, 1, 6, 8, 29, 31, 89, 91))
    events(lead, "Signed Up", days_ago(now, 40), source="product")
    events(lead, "Docs Viewed", [now + timedelta(hours=1)])  # after now: not counted
    events(other, "Docs Viewed", days_ago(now, 1))
    counts = event_windows_read([lead.pk, other.pk], now=now)
    assert counts[lead.pk] == {"Docs Viewed": (2, 4, 6), "Signed Up": (0, 0, 1)}
    assert counts[other.pk] == {"Docs Viewed": (1, 1, 1)}
    assert event_windows_read([], now=now) == {}


def _snapshot(lead, **inputs):
    LeadSnapshot.objects.create(
        lead=lead,
        moment="feedback",
        taken_at=timezone.now(),
        inputs=LeadInputs(lead={"source": lead.source}, **inputs).to_json(),
    )


def _said(lead, outcome, minutes_ago, reason=""):
    made = feedback(lead=lead, outcome=outcome, reason=reason, note="")
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Feedback.objects.filter(pk=made.pk).update(created_at=when)
    return when


def test_one_training_row_per_lead_labelled_by_its_latest_outcome():
    accepted, lost, flipped, silent, unsnapped = (LeadFactory(source="webinar") for _ in range(5))
    for lead in (accepted, lost, flipped, silent):
        _snapshot(lead, score=12)
    _said(accepted, "accepted", 50)
    _said(accepted, "accepted", 49)  # a double submit
    _said(lost, "accepted", 40)
    lost_at = _said(lost, "lost", 30, reason="price")
    _said(lost, "no_response", 20)  # says nothing about the lead
    _said(flipped, "rejected", 30, reason="no_budget")
    _said(flipped, "won", 10)
    _said(silent, "no_response", 10)
    _said(unsnapped, "accepted", 10)
    rows = {row.lead_id: row for row in training_rows_read()}
    assert set(rows) == {accepted.pk, lost.pk, flipped.pk}
    assert (rows[accepted.pk].positive, rows[accepted.pk].reason) == (True, "")
    assert (rows[lost.pk].positive, rows[lost.pk].reason) == (False, "price")
    assert rows[lost.pk].recorded_at == lost_at
    assert (rows[flipped.pk].positive, rows[flipped.pk].reason) == (True, "")
    assert rows[accepted.pk].source == "webinar"
    assert rows[accepted.pk].inputs.score == 12
    # Drift reads only the outcomes recorded since a moment.
    since = timezone.now() - timedelta(minutes=25)
    assert [row.lead_id for row in training_rows_read(since=since)] == [flipped.pk]


def test_criteria_info_reads_the_published_version_only():
    glossary = term(slug="demo", term="Demo")
    criterion(
        key="demo",
        name="Asked for a demo",
        event_name="Demo Requested",
        points=30,
        glossary_term=glossary,
        owner_team="marketing",
    )
    criterion(
        key="saas",
        signal_type="attribute",
        attribute="account.industry",
        operator="eq",
        value="saas",
        kind="fit",
        points=10,
        owner_team="ops",
        is_active=False,
    )
    made = draft()
    criterion(version=made, key="draft-only", event_name="Webinar Attended")
    info = {c.key: c for c in criteria_info_read()}
    assert set(info) == {"demo", "saas"}
    assert info["demo"].glossary_term == "demo"
    assert (info["demo"].signal_type, info["demo"].event_name, info["demo"].points) == (
        "event",
        "Demo Requested",
        30,
    )
    assert (info["saas"].attribute, info["saas"].value, info["saas"].is_active) == (
        "account.industry",
        "saas",
        False,
    )
    assert info["saas"].glossary_term == ""


def test_event_kinds_follow_the_tracking_plan():
    known_event("Pricing Viewed", source="marketing")
    known_event("Seat Added", source="product")
    kinds = event_kinds_read()
    assert (kinds["Pricing Viewed"], kinds["Seat Added"]) == ("intent", "usage")
