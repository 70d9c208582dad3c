"""Learning from sales feedback: what each lead looked like when sales acted, and each
recalibration's figures and model.

``LeadSnapshot`` is taken once per lead, at the moment that counts
(``core.learning.outcomes``): the first touch, or the first feedback when there was no
touch. Learning reads it rather than the lead as it is now, so activity that followed the
first touch never leaks into training. ``Recalibration`` is one run: its figures stay for
the criteria health page and drift, and at most one run's model is live.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from qualification.models.accounts import Lead
from qualification.models.choices import values_sql


class SnapshotMoment(models.TextChoices):
    FIRST_TOUCH = "first_touch", "First touch"
    FEEDBACK = "feedback", "First feedback"
    REBUILT = "rebuilt", "Rebuilt from events before the first touch or feedback"


class LeadSnapshot(models.Model):
    """A lead's learning inputs (``core.learning.LeadInputs`` as JSON) at the moment that counts."""

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="snapshot")
    moment = models.CharField(max_length=12, choices=SnapshotMoment.choices)
    taken_at = models.DateTimeField(help_text="The inputs are as of this instant.")
    inputs = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(moment__in=values_sql(SnapshotMoment)),
                name="snapshot_moment_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Lead {self.lead_id} at {self.get_moment_display().lower()}"


class RecalibrationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RecalibrationTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    COMMAND = "command", "Command"
    BUTTON = "button", "Ops (button)"


class Recalibration(models.Model):
    """One recalibration run: progress while it runs, then its figures and fitted model.

    ``figures`` is ``core.learning`` 's report (the health page reads it as stored);
    ``model`` is the fitted likelihood model as JSON. ``is_live`` marks the one run whose
    model scores leads (a partial unique constraint); a run whose model is not better than
    the live one keeps the old one live and says why in ``kept_reason``.
    """

    status = models.CharField(
        max_length=7, choices=RecalibrationStatus.choices, default=RecalibrationStatus.QUEUED
    )
    trigger = models.CharField(max_length=8, choices=RecalibrationTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_text = models.CharField(max_length=200, blank=True)
    n_outcomes = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)
    model = models.JSONField(default=dict, blank=True)
    is_live = models.BooleanField(default=False)
    kept_reason = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=values_sql(RecalibrationStatus)),
                name="recalibration_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(trigger__in=values_sql(RecalibrationTrigger)),
                name="recalibration_trigger_valid",
            ),
            models.UniqueConstraint(
                fields=["is_live"], condition=models.Q(is_live=True), name="recalibration_one_live"
            ),
        ]
        permissions = [
            ("run_recalibration", "Can run a recalibration from the criteria health page"),
            ("view_criteria_health", "Can view the criteria health page"),
        ]

    def __str__(self) -> str:
        return f"Recalibration {self.pk} ({self.get_status_display().lower()})"


class AutoPublishBounds(models.Model):
    """How far a recalibration may change the published points by itself (one row).

    Off by default: every suggestion waits for ops as a draft. When ops turn it on, a run
    that learned from at least ``min_outcomes`` outcomes publishes the suggested points of
    criteria whose change is at most ``max_change`` points *and* whose interval excludes
    the current points (the outcomes clearly disagree with them). New criteria are never
    published by themselves, and nothing is while four-eyes approval is required. Every
    edit of these bounds is kept with who made it (``history``).
    """

    enabled = models.BooleanField(
        default=False,
        verbose_name="publish small point changes automatically",
        help_text="Off: every suggestion waits for ops as a draft.",
    )
    max_change = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        verbose_name="largest change (points)",
        help_text="A criterion's points may move by at most this many points on their own.",
    )
    min_outcomes = models.PositiveIntegerField(
        default=200,
        validators=[MinValueValidator(40)],
        verbose_name="outcomes needed",
        help_text="Only a run that learned from at least this many outcomes publishes.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "auto-publish bounds"
        verbose_name_plural = "auto-publish bounds"

    def __str__(self) -> str:
        if not self.enabled:
            return "Auto-publish off"
        return f"Auto-publish changes of up to {self.max_change} points ({self.min_outcomes}+ outcomes)"
