"""A clock that stops untouched: the lead left the SDR queues while its clock ran.

The clock is kept and judged at the stop (missed if its deadline had passed, neither if
not), so a breach does not vanish from the dashboard when the lead is then disqualified,
recycled or passed to sales, and the alert scan never alerts it again.
"""

from __future__ import annotations

from datetime import UTC, time, timedelta

import pytest
from django.utils import timezone

from qualification.core.sla.stored import missed_at_stop
from qualification.models import Lead, SLAPolicy
from qualification.roles import Role
from qualification.selectors.dashboard import DashboardFilters
from qualification.selectors.dashboard.arrivals import heatmaps
from qualification.selectors.dashboard.sla import attainment_by_queue, never_touched
from qualification.selectors.queues import sla_state_q
from qualification.selectors.sla import sla_policies_read
from qualification.services import sla_alerts
from qualification.services.lead_actions import feedback_record, lead_disqualify, lead_recycle
from qualification.services.rescoring import lead_rescore
from qualification.services.sla_clocks import (
    StoredClock,
    next_clock,
    sla_clocks_refresh,
    touch_figures,
)
from qualification.web.tables.queue import lead_clock_text
from tests import factories
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.catalog import scoring_catalog

pytestmark = pytest.mark.django_db

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture
def sdr(make_user):
    return make_user(Role.SDR, username="sam")


def _queued(qualified_minutes_ago: int) -> Lead:
    """A lead the rescore really qualifies into the MQL queue, on a 60-minute clock that
    runs round the clock (business time = wall time), qualified a while ago."""
    scoring_catalog()
    now = timezone.now()
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.queue == "mql"
    factories.sla(
        queue="mql",
        tier=lead.tier,
        response_minutes=60,
        timezone="UTC",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=ALL_WEEK,
    )
    qualified = now - timedelta(minutes=qualified_minutes_ago)
    Lead.objects.filter(pk=lead.pk).update(qualified_at=qualified)
    sla_clocks_refresh(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.sla_due_at == qualified + timedelta(minutes=60)
    return lead


def _filters() -> DashboardFilters:
    today = timezone.localdate()
    return DashboardFilters(start=today - timedelta(days=27), end=today, tz=UTC)


def _all_row(now) -> dict:
    table = attainment_by_queue(_filters(), now)
    names = [c.key for c in table.columns]
    return dict(zip(names, table.rows[-1], strict=True))


def test_a_breach_then_disqualified_stays_a_miss_through_rescore_and_refresh(sdr):
    lead = _queued(qualified_minutes_ago=180)  # due two hours ago, never touched
    due = lead.sla_due_at
    before = timezone.now()
    lead_disqualify(lead_id=lead.pk, user=sdr, reason="Competitor")
    lead.refresh_from_db()
    assert before <= lead.sla_stopped_at <= timezone.now()
    stopped = lead.sla_stopped_at
    lead_rescore(lead_ids=[lead.pk])
    sla_clocks_refresh()  # every open clock: this one is history now
    lead.refresh_from_db()
    assert (lead.stage, lead.queue) == ("disqualified", "none")
    assert (lead.sla_due_at, lead.sla_stopped_at) == (due, stopped)
    assert missed_at_stop(lead.sla_due_at, lead.sla_stopped_at)

    now = timezone.now()
    row = _all_row(now)
    assert (row["clocked"], row["met"], row["missed"], row["running"]) == (1, 0, 1, 0)
    assert row["never_touched"] == 1
    assert row["attainment"] == 0
    assert never_touched(_filters())[0] == 1
    _arrivals, breaches, _table = heatmaps(_filters(), now)
    assert breaches.total == 1


def test_a_policy_edit_after_the_stop_does_not_move_the_stopped_clock(sdr):
    lead = _queued(qualified_minutes_ago=180)
    lead_recycle(lead_id=lead.pk, user=sdr, reason="Not now")
    lead.refresh_from_db()
    kept = (lead.sla_started_at, lead.sla_warn_at, lead.sla_due_at, lead.sla_stopped_at)
    policy = SLAPolicy.objects.get(queue="mql")
    policy.response_minutes = 600  # would put the deadline in the future: no longer a miss
    policy.save()
    assert sla_clocks_refresh() == 0
    lead.refresh_from_db()
    assert (lead.sla_started_at, lead.sla_warn_at, lead.sla_due_at, lead.sla_stopped_at) == kept


def test_leaving_inside_the_allowance_counts_as_neither_met_nor_missed(sdr):
    lead = _queued(qualified_minutes_ago=10)  # 50 minutes left
    lead_recycle(lead_id=lead.pk, user=sdr, reason="Asked to talk in spring")
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.sla_stopped_at is not None
    assert not missed_at_stop(lead.sla_due_at, lead.sla_stopped_at)
    # Later, past the old deadline, it is still not a miss, and it no longer runs.
    row = _all_row(lead.sla_due_at + timedelta(hours=1))
    assert (row["clocked"], row["met"], row["missed"], row["running"]) == (1, 0, 0, 0)
    assert row["attainment"] is None


def test_feedback_that_passes_the_lead_to_sales_stops_its_clock(sdr):
    lead = _queued(qualified_minutes_ago=90)
    feedback_record(lead_id=lead.pk, user=sdr, outcome="accepted")
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.stage == "sql"
    assert missed_at_stop(lead.sla_due_at, lead.sla_stopped_at)


def test_a_rescore_that_takes_the_lead_out_of_the_queues_stops_the_clock():
    lead = _queued(qualified_minutes_ago=90)
    due = lead.sla_due_at
    # Moved by something other than an SDR action (an import, a sales sync): the rescore
    # is the first to see it leave the queue.
    Lead.objects.filter(pk=lead.pk).update(stage="sql")
    before = timezone.now()
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.queue == "none"
    assert lead.sla_due_at == due
    assert lead.sla_stopped_at >= before


def test_the_refresh_stops_a_clock_whose_lead_left_the_queues():
    lead = _queued(qualified_minutes_ago=90)
    Lead.objects.filter(pk=lead.pk).update(stage="recycled", queue="none")
    assert sla_clocks_refresh() == 1
    lead.refresh_from_db()
    assert lead.sla_due_at is not None
    assert lead.sla_stopped_at is not None
    assert sla_clocks_refresh() == 0  # stopped once


def test_a_stopped_lead_back_in_a_queue_runs_a_fresh_clock():
    lead = _queued(qualified_minutes_ago=90)
    now = timezone.now()
    stopped = StoredClock(lead.sla_started_at, lead.sla_warn_at, lead.sla_due_at, now)
    inputs = {"tier": lead.tier, "qualified_at": now, "claimed_at": None, "now": now}
    policies = sla_policies_read()
    back = next_clock(policies, stopped, queue="mql", **inputs)
    assert back.stopped_at is None
    assert back.started_at == now
    assert back.due_at == now + timedelta(minutes=60)
    assert next_clock(policies, stopped, queue="none", **inputs) == stopped  # still history


def test_the_alert_scan_and_the_queue_filters_leave_a_stopped_clock_alone():
    lead = _queued(qualified_minutes_ago=90)  # breached, stage still workable
    now = timezone.now()
    breached = sla_alerts._candidates("breach", now)
    assert breached.filter(pk=lead.pk).exists()
    assert Lead.objects.filter(sla_state_q("breached", now), pk=lead.pk).exists()
    # Its score fell out of the queue (stage unchanged): the clock stopped there.
    Lead.objects.filter(pk=lead.pk).update(queue="none", sla_stopped_at=now)
    assert not breached.filter(pk=lead.pk).exists()
    assert not Lead.objects.filter(sla_state_q("breached", now), pk=lead.pk).exists()
    assert Lead.objects.filter(sla_state_q("none", now), pk=lead.pk).exists()


def test_a_touch_after_the_stop_records_no_figures_and_the_miss_stands(sdr):
    lead = _queued(qualified_minutes_ago=180)
    lead_recycle(lead_id=lead.pk, user=sdr, reason="Not now")
    lead.refresh_from_db()
    figures = touch_figures(lead, timezone.now(), sla_policies_read())
    assert (figures.business_minutes, figures.met) == (None, None)
    Lead.objects.filter(pk=lead.pk).update(first_touched_at=timezone.now(), first_touched_by=sdr)
    row = _all_row(timezone.now())
    assert (row["met"], row["missed"], row["never_touched"]) == (0, 1, 0)


def test_the_lead_page_says_no_clock_runs_and_whether_it_counted_as_missed(sdr):
    late = _queued(qualified_minutes_ago=180)
    lead_disqualify(lead_id=late.pk, user=sdr, reason="Spam")
    late.refresh_from_db()
    text = lead_clock_text(late, policies=sla_policies_read(), now=timezone.now())
    assert text.text == "No clock: disqualified"
    assert "counts as missed" in text.hover
    # Out of the queue with a workable stage (its score fell): "left the queue".
    Lead.objects.filter(pk=late.pk).update(stage="mql")
    late.refresh_from_db()
    text = lead_clock_text(late, policies=sla_policies_read(), now=timezone.now())
    assert text.text == "No clock: left the queue"
