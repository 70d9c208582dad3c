"""Sending an alert's deliveries: one email to a person, or one post to a team's webhook.

Each delivery row is sent by its own task (``qualification.delivery_send``), so a failing
webhook never holds up an email or the in-app notice (which is a row, already there).

Once-only, and its honest limit: the task locks the row (``SELECT ... FOR UPDATE SKIP
LOCKED``), skips it unless it is still pending, sends, and marks it sent in the same
transaction right after the send returns. A retried task, a redelivered message after a
worker restart or a sweep that re-enqueues it all find the row sent (or locked by the
worker sending it) and send nothing. What remains is at-least-once: if the process dies
(or the database connection drops) after the SMTP server or webhook accepted the message
but before the commit, the row is still pending and the message goes out again later. No
protocol here lets us make the send and the commit one atomic step; the window is the time
between the server's answer and the commit, milliseconds.

Failures count ``attempts`` and keep ``last_error`` on the row; the task retries with
exponential backoff (``LEADHUB_DELIVERY_RETRY_SECONDS``, doubled each time) up to
``MAX_ATTEMPTS``, then the row is marked failed. Failures that no retry can fix (no email
address, no webhook URL) are marked failed at once. The sweep re-enqueues pending rows
whose task was lost (broker down at commit, or a worker's retry lost with Redis).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qualification.core.webhooks import webhook_url_problem
from qualification.models import (
    AlertKind,
    DeliveryChannel,
    DeliveryStatus,
    NotificationDelivery,
    SLAAlert,
    UserProfile,
    user_display_name,
)
from qualification.services.alert_messages import (
    AlertFacts,
    email_body,
    email_subject,
    lead_name,
    webhook_text,
)
from qualification.services.rescore_requests import enqueue_safely

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_BACKOFF_SECONDS = 30 * 60
WEBHOOK_TIMEOUT_SECONDS = 5
# A pending row never tried this long after it was made lost its task (broker down).
SWEEP_UNTRIED_AFTER = timedelta(minutes=5)
# A pending row older than every retry's wait together lost its scheduled retry.
SWEEP_RETRYING_AFTER = timedelta(hours=2)
SWEEP_LIMIT = 1_000
TASK = "qualification.delivery_send"


class PermanentFailure(Exception):
    """A send that no retry can fix (no address, no URL): the row is marked failed at once."""


@dataclass(frozen=True)
class SendOutcome:
    """What one send attempt did; ``retry`` asks the task to try again later."""

    delivery_id: int
    status: str  # sent, failed, pending (retry), skipped
    attempts: int
    retry: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def delivery_backoff(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failures: 60, 120, 240... capped.

    Capped below the broker's visibility timeout too: Redis hands a message waiting longer
    than that to a second worker, and the email would go out twice.
    """
    base = int(settings.LEADHUB_DELIVERY_RETRY_SECONDS)
    cap = min(MAX_BACKOFF_SECONDS, settings.LEADHUB_CELERY_VISIBILITY_TIMEOUT * 4 // 5)
    return min(base * 2 ** max(attempts - 1, 0), cap)


def deliveries_enqueue(delivery_ids: Sequence[int]) -> None:
    """Send one task per delivery once the transaction commits (a broker outage: the sweep)."""
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: [enqueue_safely(TASK, pk) for pk in ids])


def _facts(alert: SLAAlert) -> AlertFacts:
    lead = alert.lead
    return AlertFacts(
        kind=alert.kind,
        lead_id=lead.pk,
        lead_name=lead_name(lead.first_name, lead.last_name, lead.email, lead.user_id),
        account_name=lead.account.name if lead.account else "",
        tier_label=lead.get_tier_display(),
        due_at=alert.due_at,
        escalated=alert.escalated,
        returned_to_pool=alert.returned_to_pool,
        owner_name=user_display_name(alert.owner) if alert.owner else "",
    )


def _send_email(delivery: NotificationDelivery, facts: AlertFacts) -> str:
    user = delivery.recipient
    if user is None or not user.email:
        raise PermanentFailure("Not sent: this user has no email address.")
    if not user.is_active:
        raise PermanentFailure("Not sent: this user is deactivated.")
    profile = UserProfile.objects.filter(user=user).only("timezone").first()
    zone = profile.timezone if profile else "UTC"
    EmailMessage(
        subject=email_subject(facts), body=email_body(facts, zone_name=zone), to=[user.email]
    ).send()
    return f"emailed {user.email}"


def _send_webhook(delivery: NotificationDelivery, facts: AlertFacts) -> str:
    team = delivery.team
    url = (team.webhook_url if team else "").strip()
    if not url:
        raise PermanentFailure("Not sent: the team has no webhook URL any more.")
    problem = webhook_url_problem(url, debug=settings.DEBUG)
    if problem:
        raise PermanentFailure(f"Not sent to this URL. {problem}")
    payload = json.dumps({"text": webhook_text(facts, zone_name=team.timezone)}).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        headers={"Content-Type": "application/json", "User-Agent": "LeadHub SLA alerts"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read(200).decode("utf-8", "replace").strip()
        raise RuntimeError(f"The webhook answered HTTP {exc.code}: {body or exc.reason}") from exc
    return f"posted to {team.name} (HTTP {status})"


def _send(delivery: NotificationDelivery, alert: SLAAlert) -> str:
    if alert.kind == AlertKind.WARNING and alert.lead.first_touched_at is not None:
        raise PermanentFailure("Not sent: the lead was touched before the warning went out.")
    facts = _facts(alert)
    if delivery.channel == DeliveryChannel.EMAIL:
        return _send_email(delivery, facts)
    return _send_webhook(delivery, facts)


def _locked(delivery_id: int) -> NotificationDelivery | None:
    return (
        NotificationDelivery.objects.select_for_update(skip_locked=True)
        .filter(pk=delivery_id)
        .first()
    )


def delivery_send(*, delivery_id: int) -> SendOutcome:
    """Send one delivery if it is still pending; record the attempt either way."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None:
            exists = NotificationDelivery.objects.filter(pk=delivery_id).exists()
            why = "another worker is sending it" if exists else "no such delivery"
            return SendOutcome(delivery_id, "skipped", 0, False, why)
        if delivery.status != DeliveryStatus.PENDING:
            return SendOutcome(
                delivery_id, "skipped", delivery.attempts, False, f"already {delivery.status}"
            )
        alert = SLAAlert.objects.select_related("lead__account", "owner").get(pk=delivery.alert_id)
        delivery.attempts += 1
        retry = False
        try:
            detail = _send(delivery, alert)
        except PermanentFailure as exc:
            delivery.status, delivery.last_error, detail = DeliveryStatus.FAILED, str(exc), str(exc)
        except Exception as exc:  # SMTP, network, HTTP: all worth another try
            detail = f"{type(exc).__name__}: {exc}"[:500]
            delivery.last_error = detail
            retry = delivery.attempts < MAX_ATTEMPTS
            if not retry:
                delivery.status = DeliveryStatus.FAILED
            logger.warning(
                "Alert delivery %s (%s) failed, attempt %s of %s: %s%s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                MAX_ATTEMPTS,
                detail,
                f"; retrying in {delivery_backoff(delivery.attempts)} s" if retry else "; gave up",
            )
        else:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
        delivery.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    return SendOutcome(delivery_id, delivery.status, delivery.attempts, retry, detail)


def deliveries_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Re-enqueue pending deliveries whose task was lost; returns their ids.

    A row's own retries are not doubled: only rows never tried a few minutes after they
    were made, or older than every retry's wait together, are picked up. Sending twice
    is prevented by the row lock and status check anyway; this keeps attempts honest.
    """
    now = now or timezone.now()
    ids = list(
        NotificationDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(
            Q(attempts=0, created_at__lt=now - SWEEP_UNTRIED_AFTER)
            | Q(created_at__lt=now - SWEEP_RETRYING_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        enqueue_safely(TASK, pk)
    return ids


def deliveries_retry(*, delivery_ids: Sequence[int], user) -> int:
    """Give failed deliveries a fresh set of attempts (the admin's "retry" action).

    Only failed rows change: a sent one is never sent again. Ops (who see deliveries in the
    admin) may do it.
    """
    if not (user.is_staff and user.has_perm("qualification.view_notificationdelivery")):
        raise PermissionDenied("Only ops can retry alert deliveries.")
    with transaction.atomic():
        ids = list(
            NotificationDelivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids), status=DeliveryStatus.FAILED)
            .values_list("pk", flat=True)
        )
        NotificationDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0
        )
        deliveries_enqueue(ids)
    return len(ids)
