"""Snapshots: taken once at the moment sales first acts, and rebuilt for older outcomes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from qualification.core.learning.inputs import LeadInputs
from qualification.models import Feedback, LeadSnapshot
from qualification.roles import Role
from qualification.services import snapshots
from qualification.services.lead_actions import feedback_record, lead_first_touch
from qualification.services.rescoring import lead_rescore
from qualification.services.snapshots import lead_snapshot_take, snapshots_backfill
from tests.factories import LeadFactory, criterion, days_ago, events, feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def sdr(make_user):
    return make_user(Role.SDR, username="sam")


@pytest.fixture
def demo_criterion():
    return criterion(
        key="demo-request",
        event_name="Demo Requested",
        points=40,
        threshold=2,
        reason_template="Asked for a demo {times}",
    )


def scored_lead(**fields):
    lead = LeadFactory(
        stage="mql",
        traits={"occupation": "Student", "nested": {"a": 1}},
        **fields,
    )
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    return lead


def inputs_of(lead) -> LeadInputs:
    return LeadInputs.from_json(LeadSnapshot.objects.get(lead=lead).inputs)


def test_first_touch_keeps_the_lead_as_it_was_and_later_activity_does_not_leak(sdr, demo_criterion):
    now = timezone.now()
    lead = LeadFactory(stage="mql", traits={"occupation": "Student", "nested": {"a": 1}})
    events(lead, "Demo Requested", days_ago(now, 1, 2))
    events(lead, "Pricing Page Viewed", days_ago(now, 3, 20, 60, 120))
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.total_score == 40

    lead_first_touch(lead_id=lead.pk, user=sdr)
    snapshot = LeadSnapshot.objects.get(lead=lead)
    assert snapshot.moment == "first_touch"
    inputs = inputs_of(lead)
    assert inputs.criteria == {"demo-request": 2}
    assert inputs.events["Demo Requested"] == (2, 2, 2)
    assert inputs.events["Pricing Page Viewed"] == (1, 2, 3)  # the 120-day-old one is out
    assert inputs.score == 40
    assert inputs.tier == lead.tier
    assert inputs.lead["trait.occupation"] == "Student"
    assert "trait.nested" not in inputs.lead
    assert inputs.account["industry"] == lead.account.industry
    assert "email" not in inputs.lead
    assert "first_name" not in inputs.lead

    # The SDR's own work after the touch, and the feedback it brings, change nothing.
    events(lead, "Meeting Booked", [timezone.now()])
    feedback_record(lead_id=lead.pk, user=sdr, outcome="accepted")
    assert LeadSnapshot.objects.filter(lead=lead).count() == 1
    after = inputs_of(lead)
    assert "Meeting Booked" not in after.events
    assert after == inputs


def test_feedback_without_a_touch_takes_the_snapshot_before_the_stage_moves(sdr):
    lead = scored_lead()
    queue_before = lead.queue
    feedback_record(lead_id=lead.pk, user=sdr, outcome="rejected", reason="student")
    feedback_record(lead_id=lead.pk, user=sdr, outcome="rejected", reason="student")
    snapshot = LeadSnapshot.objects.get(lead=lead)
    assert snapshot.moment == "feedback"
    assert inputs_of(lead).queue == queue_before
    assert Feedback.objects.filter(lead=lead).count() == 2


def test_invalid_feedback_leaves_no_snapshot(sdr):
    lead = scored_lead()
    with pytest.raises(Exception, match="reason"):
        feedback_record(lead_id=lead.pk, user=sdr, outcome="rejected")
    assert not LeadSnapshot.objects.filter(lead=lead).exists()


def test_taking_a_snapshot_twice_returns_the_first():
    lead = scored_lead()
    first = lead_snapshot_take(lead=lead, moment="feedback", now=timezone.now())
    again = lead_snapshot_take(lead=lead, moment="first_touch", now=timezone.now())
    assert again.pk == first.pk
    assert again.moment == "feedback"
    with pytest.raises(ValueError, match="moment"):
        lead_snapshot_take(lead=LeadFactory(), moment="whenever", now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_two_requests_taking_the_snapshot_at_once_share_one_row(postgres):
    """A touch and a feedback racing on two connections: one insert wins, both get its row."""
    for _round in range(5):
        lead = scored_lead()
        barrier = threading.Barrier(2)
        taken: dict[str, int] = {}
        errors: list[BaseException] = []

        def take(moment: str, lead=lead, barrier=barrier, taken=taken, errors=errors) -> None:
            try:
                barrier.wait(timeout=10)
                taken[moment] = lead_snapshot_take(lead=lead, moment=moment, now=timezone.now()).pk
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=take, args=(m,)) for m in ("first_touch", "feedback")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert not errors, errors
        assert LeadSnapshot.objects.filter(lead=lead).count() == 1
        assert taken["first_touch"] == taken["feedback"] == LeadSnapshot.objects.get(lead=lead).pk


def _outcome(lead, outcome: str, when, reason: str = ""):
    made = feedback(lead=lead, outcome=outcome, reason=reason, note="")
    Feedback.objects.filter(pk=made.pk).update(created_at=when)
    return made


def test_backfill_rebuilds_as_of_the_first_touch_without_later_events(demo_criterion):
    now = timezone.now()
    touched = now - timedelta(days=10)
    lead = LeadFactory(stage="sql", first_touched_at=touched, traits={"occupation": "Engineer"})
    # One demo request before the touch (below the threshold of 2), three after it.
    events(lead, "Demo Requested", [touched - timedelta(days=2)])
    events(lead, "Demo Requested", days_ago(now, 1, 2, 3))
    _outcome(lead, "accepted", touched + timedelta(hours=1))
    lead_rescore(lead_ids=[lead.pk])  # today's score sees all four: it fires now
    lead.refresh_from_db()
    assert lead.total_score == 40

    assert snapshots_backfill() == 1
    snapshot = LeadSnapshot.objects.get(lead=lead)
    assert snapshot.moment == "rebuilt"
    assert snapshot.taken_at <= touched
    inputs = inputs_of(lead)
    assert inputs.criteria == {}
    assert inputs.score == 0
    assert inputs.events == {"Demo Requested": (1, 1, 1)}
    assert inputs.lead["trait.occupation"] == "Engineer"


def test_backfill_fires_criteria_that_held_at_the_cutoff(demo_criterion):
    now = timezone.now()
    lead = LeadFactory(stage="recycled")
    first = now - timedelta(days=5)
    events(lead, "Demo Requested", days_ago(first, 1, 2))
    _outcome(lead, "no_response", first)  # sales acted here: this is the cutoff
    _outcome(lead, "rejected", now - timedelta(days=1), reason="no_budget")
    events(lead, "Pricing Page Viewed", days_ago(now, 0.5))
    assert snapshots_backfill() == 1
    inputs = inputs_of(lead)
    assert inputs.criteria == {"demo-request": 2}
    assert inputs.score == 40
    assert "Pricing Page Viewed" not in inputs.events


def test_backfill_keeps_the_signal_of_a_lead_touched_later_the_same_day(demo_criterion):
    """A colleague's lead touched that morning must not move this lead's cutoff earlier."""
    morning = (timezone.now() - timedelta(days=4)).replace(hour=9, minute=0)
    early = LeadFactory(stage="sql", first_touched_at=morning)
    _outcome(early, "accepted", morning + timedelta(hours=1))
    lead = LeadFactory(stage="sql", first_touched_at=morning + timedelta(hours=7))
    events(lead, "Demo Requested", [morning + timedelta(hours=2), morning + timedelta(hours=3)])
    _outcome(lead, "accepted", morning + timedelta(hours=8))
    assert snapshots_backfill() == 2
    assert inputs_of(lead).criteria == {"demo-request": 2}
    assert inputs_of(early).criteria == {}


def test_backfill_skips_leads_without_an_outcome_or_with_a_snapshot():
    now = timezone.now()
    silent = LeadFactory()
    _outcome(silent, "no_response", now - timedelta(days=1))
    kept = scored_lead()
    lead_snapshot_take(lead=kept, moment="feedback", now=now - timedelta(days=2))
    _outcome(kept, "accepted", now - timedelta(days=2))
    assert snapshots_backfill() == 0
    assert not LeadSnapshot.objects.filter(lead=silent).exists()
    assert LeadSnapshot.objects.get(lead=kept).moment == "feedback"


def test_backfill_is_chunked_resumable_and_reports_progress(
    django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(snapshots, "PROGRESS_EVERY", 1)
    noon = (timezone.now() - timedelta(days=3)).replace(hour=12, minute=0)
    leads = [LeadFactory() for _ in range(7)]
    for i, lead in enumerate(leads):
        # Two cutoffs (feedback logged at the same instants), so two groups.
        _outcome(lead, "accepted", noon - timedelta(days=i % 2))
    seen: list[tuple[int, int]] = []
    # A constant number of queries per chunk, whatever the number of leads in it.
    with django_assert_max_num_queries(30):
        made = snapshots_backfill(chunk_size=3, progress=lambda d, t: seen.append((d, t)))
    assert made == 7
    # 3 leads at the earlier cutoff (one chunk), 4 at the later one (chunks of 3 and 1).
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert snapshots_backfill() == 0
    taken = dict(LeadSnapshot.objects.values_list("lead_id", "taken_at"))
    for lead in leads:
        first = Feedback.objects.get(lead=lead).created_at
        assert taken[lead.pk] <= first
