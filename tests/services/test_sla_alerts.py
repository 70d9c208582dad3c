"""The SLA alert scan: who is alerted for what, once, and what a breach does to the lead."""

from __future__ import annotations

import threading
from datetime import time, timedelta
from unittest import mock

import pytest
from django.db import connection, connections
from django.utils import timezone

import qualification.tasks  # noqa: F401  (registers the tasks that services send by name)
from qualification.models import (
    BusinessCalendar,
    Lead,
    LeadActivity,
    Notification,
    NotificationDelivery,
    SLAAlert,
)
from qualification.roles import Role
from qualification.services import sla_alerts
from qualification.services.sla_alerts import RETURN_NOTE, sla_alerts_scan
from qualification.services.sla_clocks import sla_clocks_mark_refreshed, sla_clocks_refresh
from tests import factories
from tests import realservices as services

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def policy(**fields):
    """A 60-minute policy on a round-the-clock UTC calendar (warning at 75 %: 45 min)."""
    defaults = {
        "queue": "pql",
        "tier": 4,
        "response_minutes": 60,
        "timezone": "UTC",
        "day_start": time(0, 0),
        "day_end": time(0, 0),
        "workdays": ALL_WEEK,
    }
    return factories.sla(**{**defaults, **fields})


def lead(*, owner=None, tier: int = 4, qualified_minutes_ago: int = 30, **fields) -> Lead:
    """A PQL qualified a while ago, its stored clock computed as the app computes it."""
    qualified = timezone.now() - timedelta(minutes=qualified_minutes_ago)
    made = factories.LeadFactory(
        queue="pql",
        qualification="pql",
        pql_kind="usage",
        stage="pql",
        tier=tier,
        qualified_at=qualified,
        owner=owner,
        claimed_at=qualified if owner else None,
        **fields,
    )
    sla_clocks_refresh(lead_ids=[made.pk])
    sla_clocks_mark_refreshed(started=timezone.now())
    made.refresh_from_db()
    assert made.sla_due_at is not None, "the test lead needs a running clock"
    return made


def scan(at, capture):
    with capture(execute=True):
        return sla_alerts_scan(now=at)


@pytest.fixture
def capture(django_capture_on_commit_callbacks, eager_tasks, mailoutbox):
    """Run on-commit callbacks (the delivery tasks, in-process) as a real commit would."""
    return django_capture_on_commit_callbacks


def alerts_of(item: Lead) -> list[tuple[str, bool, bool]]:
    return list(
        SLAAlert.objects.filter(lead=item)
        .order_by("created_at", "id")
        .values_list("kind", "escalated", "returned_to_pool")
    )


def recipients(item: Lead) -> set[str]:
    return set(Notification.objects.filter(lead=item).values_list("recipient__username", flat=True))


# -- which state change is alerted -----------------------------------------------------------


WHEN = {
    "before-warning": lambda x: x.sla_warn_at - timedelta(minutes=1),
    "at-warning": lambda x: x.sla_warn_at,
    "in-warning": lambda x: x.sla_warn_at + timedelta(minutes=1),
    "at-deadline": lambda x: x.sla_due_at,
    "past-deadline": lambda x: x.sla_due_at + timedelta(hours=3),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alerted", "when", "changes", "expected_kinds"),
    [
        ([], "before-warning", {}, []),
        ([], "at-warning", {}, ["warning"]),
        ([], "in-warning", {}, ["warning"]),
        (["warning"], "in-warning", {}, []),
        (["warning"], "at-deadline", {}, ["breach"]),
        # Jumped straight past warning (the scan did not run meanwhile): the breach only.
        ([], "past-deadline", {}, ["breach"]),
        (["warning", "breach"], "past-deadline", {}, []),
        ([], "past-deadline", {"first_touched_at": "set"}, []),
        ([], "past-deadline", {"stage": "sql"}, []),
        ([], "past-deadline", {"stage": "disqualified"}, []),
    ],
    ids=[
        "not-yet",
        "warning-at-threshold",
        "warning",
        "warning-once",
        "breach-after-warning",
        "jump-to-breach",
        "breach-once",
        "touched",
        "sales-owns-it",
        "left-the-funnel",
    ],
)
def test_state_changes_alerted(make_user, capture, alerted, when, changes, expected_kinds):
    """``alerted``: the kinds already alerted for the lead's current deadline."""
    policy()
    sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
    item = lead(owner=sam)
    for kind in alerted:
        SLAAlert.objects.create(
            lead=item, kind=kind, due_at=item.sla_due_at, owner=sam, created_at=item.sla_warn_at
        )
    update = dict(changes)
    if update.get("first_touched_at") == "set":
        update["first_touched_at"] = item.sla_started_at + timedelta(minutes=5)
    Lead.objects.filter(pk=item.pk).update(**update)

    report = scan(WHEN[when](item), capture)

    assert [kind for kind, _, _ in alerts_of(item)] == alerted + expected_kinds
    assert report.warnings + report.breaches == len(expected_kinds)
    assert recipients(item) == ({"sam"} if expected_kinds else set())


@pytest.mark.django_db
def test_warning_then_breach_is_two_alerts_across_two_scans(make_user, capture, mailoutbox):
    policy()
    sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
    item = lead(owner=sam)
    scan(item.sla_warn_at + timedelta(minutes=1), capture)
    scan(item.sla_due_at + timedelta(minutes=1), capture)
    assert [kind for kind, _, _ in alerts_of(item)] == ["warning", "breach"]
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["SLA warning", "SLA breached"]
    texts = list(Notification.objects.order_by("created_at").values_list("text", flat=True))
    assert texts[0].endswith(", hot, needs a first touch soon: most of its time is used.")
    assert texts[1].endswith(", hot, had no first touch by its deadline.")


# -- who hears about it ----------------------------------------------------------------------


@pytest.mark.django_db
class TestRecipients:
    def test_owner_and_the_managers_of_the_owners_teams(self, make_user, capture):
        policy()
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
        mia = make_user(Role.MANAGER, username="mia", email="mia@leadhub.test")
        max_ = make_user(Role.MANAGER, username="max", email="max@leadhub.test")
        other = make_user(Role.MANAGER, username="olga", email="olga@leadhub.test")
        factories.team(members=[sam], manager=mia, webhook_url="https://hooks.example/a")
        factories.team(members=[sam], manager=max_)
        factories.team(members=[], manager=other, webhook_url="https://hooks.example/c")
        item = lead(owner=sam)

        scan(item.sla_due_at, capture)

        assert alerts_of(item) == [("breach", False, False)]
        assert recipients(item) == {"sam", "mia", "max"}
        emails = NotificationDelivery.objects.filter(channel="email")
        assert set(emails.values_list("recipient__username", flat=True)) == {"sam", "mia", "max"}
        hooks = NotificationDelivery.objects.filter(channel="webhook")
        assert list(hooks.values_list("team__webhook_url", flat=True)) == [
            "https://hooks.example/a"
        ]

    def test_a_manager_who_owns_the_lead_is_notified_once(self, make_user, capture):
        policy()
        mia = make_user(Role.MANAGER, username="mia")
        factories.team(members=[mia], manager=mia)
        item = lead(owner=mia)
        scan(item.sla_due_at, capture)
        assert Notification.objects.filter(lead=item).count() == 1
        assert NotificationDelivery.objects.filter(channel="email").count() == 1

    def test_owner_without_a_team_alone(self, make_user, capture):
        policy()
        sam = make_user(Role.SDR, username="sam")
        factories.team(members=[], manager=make_user(Role.MANAGER, username="mia"))
        item = lead(owner=sam)
        scan(item.sla_due_at, capture)
        assert recipients(item) == {"sam"}

    def test_unassigned_hot_lead_escalates_to_every_teams_manager(self, make_user, capture):
        policy()
        mia = make_user(Role.MANAGER, username="mia")
        max_ = make_user(Role.MANAGER, username="max")
        factories.team(members=[], manager=mia, webhook_url="https://hooks.example/a")
        factories.team(members=[], manager=max_, webhook_url="https://hooks.example/b")
        factories.team(members=[], manager=None)
        item = lead(owner=None)

        report = scan(item.sla_warn_at, capture)

        assert alerts_of(item) == [("warning", True, False)]
        assert recipients(item) == {"mia", "max"}
        assert NotificationDelivery.objects.filter(channel="webhook").count() == 2
        assert "Nobody owns it yet" in Notification.objects.filter(lead=item).first().text
        assert report.notifications == 2

    def test_unassigned_lead_that_is_not_hot_is_recorded_for_nobody(self, make_user, capture):
        policy(tier=3)
        factories.team(members=[], manager=make_user(Role.MANAGER, username="mia"))
        item = lead(owner=None, tier=3)
        scan(item.sla_due_at, capture)
        assert alerts_of(item) == [("breach", False, False)]
        assert Notification.objects.count() == 0
        assert NotificationDelivery.objects.count() == 0


# -- return on breach ------------------------------------------------------------------------


@pytest.mark.django_db
class TestReturnOnBreach:
    def test_breached_owned_lead_goes_back_to_the_pool_and_the_alert_says_so(
        self, make_user, capture, mailoutbox
    ):
        policy(return_on_breach=True)
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
        item = lead(owner=sam)

        report = scan(item.sla_due_at + timedelta(minutes=2), capture)

        item.refresh_from_db()
        assert (item.owner_id, item.claimed_at) == (None, None)
        assert report.returned == 1
        assert alerts_of(item) == [("breach", False, True)]
        activity = LeadActivity.objects.get(lead=item)
        assert (activity.kind, activity.actor, activity.note) == ("assigned", None, RETURN_NOTE)
        assert "returned to the unassigned pool" in Notification.objects.get(lead=item).text
        assert recipients(item) == {"sam"}  # the person it was taken from hears about it
        assert "returned to the unassigned pool" in mailoutbox[0].body
        # The clock started at qualification, so it still shows the missed deadline.
        assert item.sla_due_at == alerts_of_due(item)

    def test_a_clock_that_starts_at_assignment_stops_with_the_owner(self, make_user, capture):
        policy(return_on_breach=True, clock_starts="assignment")
        item = lead(owner=make_user(Role.SDR, username="sam"))
        scan(item.sla_due_at, capture)
        item.refresh_from_db()
        assert item.owner_id is None
        assert item.sla_due_at is None

    def test_warnings_and_unowned_leads_are_not_returned(self, make_user, capture):
        policy(return_on_breach=True)
        sam = make_user(Role.SDR, username="sam")
        warned = lead(owner=sam, qualified_minutes_ago=30)
        unowned = lead(owner=None, qualified_minutes_ago=120)
        scan(warned.sla_warn_at, capture)  # the first is in warning, the second long overdue
        warned.refresh_from_db()
        assert warned.owner_id == sam.pk
        assert alerts_of(unowned)[-1] == ("breach", True, False)
        assert not LeadActivity.objects.exists()

    def test_without_the_policy_flag_the_owner_keeps_the_lead(self, make_user, capture):
        policy(return_on_breach=False)
        sam = make_user(Role.SDR, username="sam")
        item = lead(owner=sam)
        scan(item.sla_due_at, capture)
        assert Lead.objects.get(pk=item.pk).owner_id == sam.pk


def alerts_of_due(item: Lead):
    return SLAAlert.objects.get(lead=item, kind="breach").due_at


# -- once only -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestOnceOnly:
    def test_a_second_scan_creates_nothing(self, make_user, capture, mailoutbox):
        policy()
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
        factories.team(members=[sam], manager=make_user(Role.MANAGER, username="mia"))
        item = lead(owner=sam)
        at = item.sla_due_at + timedelta(minutes=1)
        first = scan(at, capture)
        second = scan(at + timedelta(minutes=1), capture)
        assert (first.breaches, first.notifications, first.deliveries) == (1, 2, 2)
        assert (second.breaches, second.notifications, second.deliveries) == (0, 0, 0)
        assert SLAAlert.objects.count() == 1
        assert Notification.objects.count() == 2
        assert len(mailoutbox) == 1  # mia has no address: recorded, not sent

    def test_an_alert_inserted_by_another_scan_is_not_notified_again(self, make_user, capture):
        """Two scans read the same lead (no row locks): the one whose insert lost notifies
        nobody. Simulated by a batch read before the other scan's alert was committed."""
        policy()
        item = lead(owner=make_user(Role.SDR, username="sam"))
        stale_read = sla_alerts._next_batch("breach", item.sla_due_at)
        scan(item.sla_due_at, capture)
        with mock.patch.object(sla_alerts, "_next_batch", side_effect=[stale_read, []]):
            again = scan(item.sla_due_at + timedelta(minutes=5), capture)
        assert again.breaches == 0
        assert Notification.objects.count() == 1
        assert SLAAlert.objects.count() == 1

    def test_a_new_deadline_is_a_new_clock_and_alerted_again(self, make_user, capture):
        rule = policy()
        item = lead(owner=make_user(Role.SDR, username="sam"))
        scan(item.sla_due_at, capture)
        rule.response_minutes = 600
        rule.save()
        report = scan(item.sla_due_at + timedelta(minutes=1), capture)
        # The stale policy was noticed and the clocks refreshed (in-process) before reading.
        assert report.clocks_refresh_requested is True
        later = Lead.objects.get(pk=item.pk)
        assert later.sla_due_at > item.sla_due_at
        scan(later.sla_due_at, capture)
        dues = list(SLAAlert.objects.filter(kind="breach").values_list("due_at", flat=True))
        assert sorted(dues) == [item.sla_due_at, later.sla_due_at]

    def test_scan_reads_in_batches_with_a_fixed_number_of_queries(
        self,
        make_user,
        capture,
        django_assert_max_num_queries,
        django_capture_on_commit_callbacks,
        monkeypatch,
    ):
        from qualification.services import sla_alerts

        policy()
        sam = make_user(Role.SDR, username="sam")
        factories.team(members=[sam], manager=make_user(Role.MANAGER, username="mia"))
        items = [lead(owner=sam) for _ in range(7)]
        monkeypatch.setattr(sla_alerts, "BATCH", 3)
        at = max(i.sla_due_at for i in items)
        # About ten queries per batch and a few per scan, whatever the batch size.
        with django_capture_on_commit_callbacks() as sends, django_assert_max_num_queries(36):
            report = sla_alerts.sla_alerts_scan(now=at)
        assert len(sends) == 3  # one on-commit enqueue per batch
        assert report.breaches == 7
        assert report.batches == 3
        assert Notification.objects.count() == 14


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_alert_each_lead_once():
    """Two scans racing on PostgreSQL split the leads (SKIP LOCKED); none is alerted twice."""
    if connection.vendor != "postgresql":
        services.unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    from qualification.services import sla_alerts

    policy()
    sam = factories.user(Role.SDR, username="sam")
    mia = factories.user(Role.MANAGER, username="mia")
    factories.team(members=[sam], manager=mia)
    items = [lead(owner=sam) for _ in range(60)]
    at = max(i.sla_due_at for i in items) + timedelta(minutes=1)
    BusinessCalendar.objects.update(clocks_refreshed_at=timezone.now() + timedelta(days=1))
    start = threading.Barrier(2)
    reports, errors = [], []

    def run() -> None:
        try:
            start.wait(timeout=10)
            reports.append(sla_alerts.sla_alerts_scan(now=at))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    saved = sla_alerts.BATCH
    sla_alerts.BATCH = 7  # many small batches, so the two scans interleave
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sla_alerts.BATCH = saved
    assert errors == []
    assert sum(r.breaches for r in reports) == 60
    assert SLAAlert.objects.count() == 60
    assert Notification.objects.count() == 120
    assert NotificationDelivery.objects.count() == 120
    assert SLAAlert.objects.filter(kind="breach").values("lead").distinct().count() == 60
