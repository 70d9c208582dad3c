"""SLA alerts: one row per clock state change, the in-app notices and the deliveries it causes.

Once-only is a database guarantee, not a hope: an ``SLAAlert`` is unique per (lead, state,
deadline), so a retried scan or a restarted worker finds the row already there and creates
nothing. Its notifications and deliveries are created in the same transaction; each
delivery (an email to one person, a webhook post for one team) is unique and records when
it was sent, so a retried send task skips what already went out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qualification.models.accounts import Lead
from qualification.models.choices import values_sql


class AlertKind(models.TextChoices):
    WARNING = "warning", "SLA warning"
    BREACH = "breach", "SLA breached"


class SLAAlert(models.Model):
    """A lead's clock entered the warning or breach state (for the deadline ``due_at``)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="sla_alerts")
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    due_at = models.DateTimeField(help_text="The deadline this alert is about.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated = models.BooleanField(default=False, help_text="Sent to the manager (unassigned).")
    returned_to_pool = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "kind", "due_at"], name="sla_alert_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=values_sql(AlertKind)), name="sla_alert_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="sla_alert_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: lead {self.lead_id}"


class Notification(models.Model):
    """An in-app notice for one person (the bell), linking to the lead."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(SLAAlert, on_delete=models.CASCADE, related_name="notifications")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="notification_once"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Team webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class NotificationDelivery(models.Model):
    """One outbound message for an alert: an email to a person or a post to a team's webhook."""

    alert = models.ForeignKey(SLAAlert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=DeliveryChannel.choices)
    # The person (email) or the team (webhook) it goes to; the address is read at send time.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "qualification.SDRTeam", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "notification deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "recipient"],
                condition=models.Q(channel="email"),
                name="delivery_email_once",
            ),
            models.UniqueConstraint(
                fields=["alert", "team"],
                condition=models.Q(channel="webhook"),
                name="delivery_webhook_once",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=values_sql(DeliveryChannel)),
                name="delivery_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=values_sql(DeliveryStatus)),
                name="delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for alert {self.alert_id} ({self.status})"
