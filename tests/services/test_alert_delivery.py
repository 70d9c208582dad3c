"""Sending alert deliveries: email over real SMTP, webhook posts to a real HTTP server, retries."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import qualification.tasks  # noqa: F401  (registers the tasks that services send by name)
from qualification.models import NotificationDelivery, SLAAlert, UserProfile
from qualification.roles import Role
from qualification.services.alert_delivery import (
    MAX_ATTEMPTS,
    deliveries_retry,
    deliveries_sweep,
    delivery_backoff,
    delivery_send,
)
from tests import factories
from tests.services.alert_servers import smtp_server, webhook_server

pytestmark = pytest.mark.django_db


def alert(*, kind: str = "breach", owner=None, **fields) -> SLAAlert:
    lead = factories.LeadFactory(
        first_name="Maya",
        last_name="Okafor",
        account__name="Northwind Logistics",
        tier=4,
        stage="pql",
        queue="pql",
        qualification="pql",
        pql_kind="usage",
        owner=owner,
    )
    due = timezone.now().replace(year=2026, month=12, day=3, hour=9, minute=0, second=0)
    return SLAAlert.objects.create(
        lead=lead, kind=kind, due_at=due, owner=owner, created_at=timezone.now(), **fields
    )


def delivery(item: SLAAlert, **fields) -> NotificationDelivery:
    defaults = {"channel": "email", "created_at": timezone.now()}
    return NotificationDelivery.objects.create(alert=item, **{**defaults, **fields})


class TestEmail:
    def test_sent_once_over_real_smtp_in_the_recipients_zone(self, make_user, settings):
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test", first_name="Sam")
        UserProfile.objects.filter(user=sam).update(timezone="Europe/Berlin")
        row = delivery(alert(owner=sam), recipient=sam)
        settings.LEADHUB_ALERT_BASE_URL = "https://leadhub.example.com"
        with smtp_server() as (mailbox, port):
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
            first = delivery_send(delivery_id=row.pk)
            again = delivery_send(delivery_id=row.pk)  # a retried task
            mailbox.wait_for(1)
        assert (first.status, first.attempts) == ("sent", 1)
        assert (again.status, again.detail) == ("skipped", "already sent")
        assert len(mailbox.received) == 1
        to, message = mailbox.received[0]
        assert to == ["sam@leadhub.test"]
        assert message["Subject"] == "SLA breached: Maya Okafor (Northwind Logistics)"
        body = message.get_payload(decode=True).decode()
        # 09:00 UTC is 10:00 in Berlin on 3 December.
        assert "had no first touch by Thu 3 Dec 10:00 (Europe/Berlin)" in body
        assert f"https://leadhub.example.com/leads/{row.alert.lead_id}/" in body
        row.refresh_from_db()
        assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)

    def test_a_user_without_an_address_is_recorded_not_retried(self, make_user, mailoutbox):
        sam = make_user(Role.SDR, username="sam", email="")
        row = delivery(alert(owner=sam), recipient=sam)
        outcome = delivery_send(delivery_id=row.pk)
        row.refresh_from_db()
        assert (outcome.retry, row.status) == (False, "failed")
        assert row.last_error == "Not sent: this user has no email address."
        assert mailoutbox == []

    def test_an_unreachable_smtp_server_is_retried_then_given_up(self, make_user, settings):
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
        row = delivery(alert(owner=sam), recipient=sam)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        outcomes = [delivery_send(delivery_id=row.pk) for _ in range(MAX_ATTEMPTS + 1)]
        assert [o.retry for o in outcomes[:MAX_ATTEMPTS]] == [True] * (MAX_ATTEMPTS - 1) + [False]
        assert outcomes[-1].detail == "already failed"
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        assert "ConnectionRefusedError" in row.last_error

    def test_a_warning_for_a_lead_touched_meanwhile_is_not_sent(self, make_user, mailoutbox):
        sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
        item = alert(kind="warning", owner=sam)
        item.lead.first_touched_at = timezone.now()
        item.lead.save()
        row = delivery(item, recipient=sam)
        delivery_send(delivery_id=row.pk)
        row.refresh_from_db()
        assert row.status == "failed"
        assert "touched before the warning" in row.last_error
        assert mailoutbox == []


class TestWebhook:
    def test_a_500_is_logged_and_retried_and_the_next_post_succeeds(self, caplog):
        with webhook_server(500, 200) as hook:
            team = factories.team(name="EMEA SDRs", webhook_url=hook.url, timezone="Europe/Paris")
            row = delivery(alert(), channel="webhook", team=team)
            with caplog.at_level(logging.WARNING, logger="qualification.services.alert_delivery"):
                first = delivery_send(delivery_id=row.pk)
            second = delivery_send(delivery_id=row.pk)
            third = delivery_send(delivery_id=row.pk)
        assert (first.status, first.retry, first.attempts) == ("pending", True, 1)
        assert "The webhook answered HTTP 500: upstream exploded" in first.detail
        assert "failed, attempt 1 of 6" in caplog.text
        assert "retrying in 60 s" in caplog.text
        assert (second.status, second.attempts) == ("sent", 2)
        assert third.status == "skipped"
        assert [status for _, status, _ in hook.posts] == [500, 200]
        (body,) = hook.successes
        assert body["text"].startswith(":rotating_light: *Overdue*: Maya Okafor (Northwind")
        assert "Thu 3 Dec 10:00 (Europe/Paris)" in body["text"]
        assert f"/leads/{row.alert.lead_id}/|Open the lead>" in body["text"]
        row.refresh_from_db()
        assert "HTTP 500" in row.last_error  # the last failure stays visible to ops

    def test_a_team_without_a_url_fails_at_once(self):
        team = factories.team(webhook_url="")
        row = delivery(alert(), channel="webhook", team=team)
        outcome = delivery_send(delivery_id=row.pk)
        assert (outcome.status, outcome.retry) == ("failed", False)

    def test_only_http_urls_are_posted_to(self):
        team = factories.team(webhook_url="file:///etc/passwd")
        row = delivery(alert(), channel="webhook", team=team)
        assert delivery_send(delivery_id=row.pk).status == "failed"

    def test_a_plain_http_url_stored_without_the_form_is_refused_at_send(self, settings):
        """The form refuses http:// on save; a URL stored another way (a bulk update) is
        refused again when an alert would go out, and never retried."""
        settings.DEBUG = False
        team = factories.team(webhook_url="http://hooks.example.com/a")
        row = delivery(alert(), channel="webhook", team=team)
        outcome = delivery_send(delivery_id=row.pk)
        assert (outcome.status, outcome.retry) == ("failed", False)
        row.refresh_from_db()
        assert "Use an https:// webhook URL." in row.last_error


def test_backoff_doubles_from_the_setting_and_is_capped(settings):
    settings.LEADHUB_DELIVERY_RETRY_SECONDS = 60
    settings.LEADHUB_CELERY_VISIBILITY_TIMEOUT = 3600
    assert [delivery_backoff(n) for n in range(1, 7)] == [60, 120, 240, 480, 960, 1800]


def test_backoff_stays_below_the_visibility_timeout(settings):
    """A countdown past the broker's visibility timeout would be delivered twice."""
    settings.LEADHUB_DELIVERY_RETRY_SECONDS = 60
    settings.LEADHUB_CELERY_VISIBILITY_TIMEOUT = 600
    assert [delivery_backoff(n) for n in range(1, 7)] == [60, 120, 240, 480, 480, 480]


def test_sweep_requeues_only_lost_pending_deliveries(make_user, mailoutbox, eager_tasks):
    sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
    item = alert(owner=sam)
    now = timezone.now()
    lost = delivery(item, recipient=sam, created_at=now - timedelta(minutes=10))
    fresh = delivery(item, recipient=make_user(Role.MANAGER, username="mia", email="m@x.test"))
    retrying = delivery(
        item,
        channel="webhook",
        team=factories.team(),
        attempts=2,
        created_at=now - timedelta(minutes=10),
    )
    assert deliveries_sweep(now=now) == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == "sent"  # eager mode: the requeued task ran
    assert [m.to for m in mailoutbox] == [["sam@leadhub.test"]]
    assert NotificationDelivery.objects.get(pk=fresh.pk).status == "pending"
    assert NotificationDelivery.objects.get(pk=retrying.pk).attempts == 2


def test_retry_gives_failed_deliveries_a_fresh_start_for_ops_only(
    make_user, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    sam = make_user(Role.SDR, username="sam", email="sam@leadhub.test")
    item = alert(owner=sam)
    failed = delivery(item, recipient=sam, status="failed", attempts=6, last_error="timed out")
    sent = delivery(
        item, channel="webhook", team=factories.team(), status="sent", sent_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        deliveries_retry(delivery_ids=[failed.pk], user=sam)
    with django_capture_on_commit_callbacks(execute=True):
        count = deliveries_retry(delivery_ids=[failed.pk, sent.pk], user=make_user(Role.OPS))
    assert count == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    assert NotificationDelivery.objects.get(pk=sent.pk).status == "sent"
    assert len(mailoutbox) == 1
