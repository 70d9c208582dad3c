"""Events: one signal with a time, from marketing or product."""

from django.db import models

from qualification.models.accounts import Account, Lead
from qualification.models.choices import SignalSource, values_sql


class Event(models.Model):
    """One marketing or product signal. Stored before ingestion answers 200."""

    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    anonymous_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=SignalSource.choices)
    properties = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    message_id = models.CharField(max_length=200)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "message_id"], name="event_message_unique"),
            models.CheckConstraint(
                condition=models.Q(source__in=values_sql(SignalSource)), name="event_source_valid"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="event_name_not_blank"),
            models.CheckConstraint(
                condition=~models.Q(message_id=""), name="event_message_id_not_blank"
            ),
        ]
        indexes = [
            # The scoring aggregation pass: per lead, per event name, within windows.
            models.Index(fields=["lead", "name", "occurred_at"], name="event_lead_name_time"),
            models.Index(
                fields=["anonymous_id"],
                condition=models.Q(lead__isnull=True),
                name="event_unstitched_anon",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class EventType(models.Model):
    """The tracking plan: every event name LeadHub knows, so criteria can only count real ones.

    Ingestion adds a name the first time it arrives; ops may add names ahead of time (an
    event the product team is about to ship) and describe what each one means.
    """

    name = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=10, choices=SignalSource.choices)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=values_sql(SignalSource)),
                name="event_type_source_valid",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="event_type_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name
