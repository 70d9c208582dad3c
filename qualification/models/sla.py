"""Response-time rules: business calendars with holidays, SLA policies, SDR teams.

A policy says how soon a lead of a queue and tier must be touched; the calendar it uses says
when the clock runs (time zone, workdays, hours, holidays). Each lead stores its clock
(``Lead.sla_started_at`` / ``sla_warn_at`` / ``sla_due_at``), computed by the pure SLA core
from these rows (``services.sla_clocks``), so queues sort and alerts filter on indexed
columns; when a policy or calendar changes, the open clocks are recomputed.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from qualification.core.sla.clock import MIDNIGHT, WEEKDAYS, ends_after
from qualification.core.webhooks import webhook_url_problem
from qualification.models.choices import Queue, Tier, values_sql
from qualification.models.operations import valid_timezone


def default_workdays() -> list[str]:
    return ["mon", "tue", "wed", "thu", "fri"]


class ClockStart(models.TextChoices):
    QUALIFICATION = "qualification", "When the lead qualifies"
    ASSIGNMENT = "assignment", "When the lead is claimed or assigned"


class BusinessCalendar(models.Model):
    """When the SLA clock runs: a time zone, workdays, business hours and holidays."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[valid_timezone])
    workdays = models.JSONField(
        default=default_workdays,
        help_text='Days the clock runs, e.g. ["mon","tue","wed","thu","fri"].',
    )
    day_start = models.TimeField(default="09:00", help_text="Business hours start (local time).")
    day_end = models.TimeField(
        default="17:00",
        help_text="Business hours end (local time); 00:00 is midnight, so 00:00 to 00:00 is "
        "open all day.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # When the open clocks last followed this calendar and its policies; older than
    # ``updated_at`` (or a policy's) means a refresh is owed (the alert scan checks).
    clocks_refreshed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["clocks_refreshed_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_end__gt=models.F("day_start")) | models.Q(day_end=MIDNIGHT),
                name="calendar_day_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.timezone})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if (
            not isinstance(self.workdays, list)
            or not self.workdays
            or any(day not in WEEKDAYS for day in self.workdays)
        ):
            errors["workdays"] = (
                f"Give at least one day, as a JSON list of days from {', '.join(WEEKDAYS)}: "
                "with no workday the clock would never run."
            )
        if (
            isinstance(self.day_start, time)
            and isinstance(self.day_end, time)
            and not ends_after(self.day_start, self.day_end)
        ):
            errors["day_end"] = (
                "Business hours must end after they start, or they never open "
                "(to stay open until midnight, end at 00:00)."
            )
        if errors:
            raise ValidationError(errors)


class Holiday(models.Model):
    """A local date with no business hours in a calendar (the SLA clock does not run)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    day = models.DateField()
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="holiday_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y}: {self.name}"


class SLAPolicy(models.Model):
    """How soon a lead in a queue and tier must be touched, in its calendar's business time."""

    queue = models.CharField(
        max_length=4, choices=[c for c in Queue.choices if c[0] in {"mql", "pql"}]
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    response_minutes = models.PositiveIntegerField(help_text="Business minutes to first touch.")
    warning_percent = models.PositiveSmallIntegerField(
        default=75, help_text="Warn once this share of the allowance is used (1 to 99 %)."
    )
    clock_starts = models.CharField(
        max_length=13, choices=ClockStart.choices, default=ClockStart.QUALIFICATION
    )
    return_on_breach = models.BooleanField(
        default=False,
        help_text="When the deadline passes untouched, return the lead to the unassigned pool.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["queue", "-tier"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(fields=["queue", "tier"], name="sla_one_per_queue_tier"),
            models.CheckConstraint(
                condition=models.Q(queue__in=["mql", "pql"]), name="sla_queue_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(tier__in=values_sql(Tier)), name="sla_tier_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(response_minutes__gte=1), name="sla_response_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(warning_percent__gte=1, warning_percent__lte=99),
                name="sla_warning_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(clock_starts__in=values_sql(ClockStart)),
                name="sla_clock_starts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.get_queue_display()}: {self.response_minutes} business min"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.response_minutes is not None and self.response_minutes < 1:
            errors["response_minutes"] = "Give at least 1 business minute."
        if self.warning_percent is not None and not 1 <= self.warning_percent <= 99:
            errors["warning_percent"] = (
                "The warning must come before the deadline: give 1 to 99 % of the allowance."
            )
        if errors:
            raise ValidationError(errors)


class SDRTeam(models.Model):
    """A team of SDRs with a manager: who hears about a lead's warnings and breaches."""

    name = models.CharField(max_length=100, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="sdr_teams")
    timezone = models.CharField(max_length=64, default="UTC", validators=[valid_timezone])
    webhook_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Optional Slack-compatible incoming webhook (https) for this team's alerts.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["webhook_url"])

    class Meta:
        ordering = ["name"]
        verbose_name = "SDR team"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        url = (self.webhook_url or "").strip()
        problem = webhook_url_problem(url, debug=settings.DEBUG) if url else None
        if problem:
            raise ValidationError({"webhook_url": problem})
