"""What happened to a lead: stage transitions and sales feedback. Append-only records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from qualification.models.accounts import Lead
from qualification.models.choices import (
    LOSS_REASONS,
    REJECTION_REASONS,
    FeedbackOutcome,
    FeedbackReason,
    LifecycleStage,
    TransitionCause,
    values_sql,
)
from qualification.models.criteria import Criterion


class StageTransition(models.Model):
    """Every lifecycle move, with time, cause and actor."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=LifecycleStage.choices)
    to_stage = models.CharField(max_length=20, choices=LifecycleStage.choices)
    cause = models.CharField(max_length=10, choices=TransitionCause.choices)
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_stage__in=values_sql(LifecycleStage))
                & models.Q(to_stage__in=values_sql(LifecycleStage)),
                name="transition_stages_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_stage=models.F("to_stage")), name="transition_moves"
            ),
            models.CheckConstraint(
                condition=models.Q(cause__in=values_sql(TransitionCause)),
                name="transition_cause_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["lead", "occurred_at"], name="transition_lead_time"),
            # The dashboard's period scans (arrivals, funnels): index-only range reads.
            models.Index(
                fields=["to_stage", "occurred_at"], include=["lead"], name="transition_stage_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead}: {self.from_stage} → {self.to_stage}"


class Feedback(models.Model):
    """What sales says about a lead. Never dropped: the stage moves it implies are made from it, and it stays for review."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="feedback")
    outcome = models.CharField(max_length=12, choices=FeedbackOutcome.choices)
    reason = models.CharField(max_length=20, choices=FeedbackReason.choices, blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=values_sql(FeedbackOutcome)),
                name="feedback_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reason="") | models.Q(reason__in=values_sql(FeedbackReason)),
                name="feedback_reason_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=[FeedbackOutcome.REJECTED, FeedbackOutcome.LOST])
                | ~models.Q(reason=""),
                name="feedback_reason_required",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "reason"], name="feedback_outcome_reason")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.lead}"

    def clean(self) -> None:
        super().clean()
        if self.outcome == FeedbackOutcome.REJECTED:
            if not self.reason:
                raise ValidationError({"reason": "Say why the lead was rejected."})
            if self.reason not in REJECTION_REASONS:
                raise ValidationError({"reason": "That is not a reason for rejecting a lead."})
        elif self.outcome == FeedbackOutcome.LOST:
            if not self.reason:
                raise ValidationError({"reason": "Say why the deal was lost."})
            if self.reason not in LOSS_REASONS:
                raise ValidationError({"reason": "That is not a reason for losing a deal."})


class LeadActivity(models.Model):
    """SDR work on a lead that is not a stage change: claims, assignments, first touches.

    Together with StageTransition and Feedback it means every action on a lead leaves a
    record of who did what, when.
    """

    class Kind(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        ASSIGNED = "assigned", "Assigned"
        FIRST_TOUCH = "first_touch", "First touch"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "lead activities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["claimed", "assigned", "first_touch"]),
                name="lead_activity_kind_valid",
            )
        ]
        indexes = [models.Index(fields=["lead", "occurred_at"], name="activity_lead_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.lead}"
