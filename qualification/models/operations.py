"""What ops configure besides criteria: SLA policies, outreach templates, ingestion keys, profiles."""

import hashlib
import secrets
import string
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from qualification.models.choices import (
    OutreachTrigger,
    Queue,
    SignalSource,
    Team,
    Tier,
    values_sql,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _valid_timezone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"{name!r} is not a known time zone (e.g. Europe/Berlin).")


class SLAPolicy(models.Model):
    """How soon a lead in a queue and tier must be touched, in business time of a team's timezone."""

    queue = models.CharField(
        max_length=4, choices=[c for c in Queue.choices if c[0] in {"mql", "pql"}]
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    response_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Business minutes to first touch."
    )
    warning_minutes = models.PositiveIntegerField(
        default=0, help_text="Warn when this many business minutes remain."
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[_valid_timezone])
    business_day_start = models.TimeField(default="09:00")
    business_day_end = models.TimeField(default="17:00")
    workdays = models.JSONField(default=list, help_text='e.g. ["mon","tue","wed","thu","fri"]')
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
                condition=models.Q(warning_minutes__lt=models.F("response_minutes")),
                name="sla_warning_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(business_day_end__gt=models.F("business_day_start")),
                name="sla_business_day_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.get_queue_display()}: {self.response_minutes} business min"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if (
            not isinstance(self.workdays, list)
            or not self.workdays
            or any(day not in WEEKDAYS for day in self.workdays)
        ):
            errors["workdays"] = f"Give a JSON list of days from {', '.join(WEEKDAYS)}."
        if (
            self.response_minutes is not None
            and self.warning_minutes is not None
            and (self.warning_minutes >= self.response_minutes)
        ):
            errors["warning_minutes"] = "The warning must come before the deadline."
        if (
            self.business_day_start
            and self.business_day_end
            and (self.business_day_end <= self.business_day_start)
        ):
            errors["business_day_end"] = "The business day must end after it starts."
        if errors:
            raise ValidationError(errors)


class MessageTemplate(models.Model):
    """A suggested opening message for a trigger, with {placeholders} filled from the lead's facts."""

    PLACEHOLDERS = frozenset(
        {"first_name", "account", "feature", "limit", "content", "sender", "product", "teammates"}
    )

    name = models.CharField(max_length=100, unique=True)
    trigger = models.CharField(max_length=20, choices=OutreachTrigger.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["trigger", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trigger__in=values_sql(OutreachTrigger)),
                name="template_trigger_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for field in ("subject", "body"):
            try:
                names = {
                    f for _t, f, _s, _c in string.Formatter().parse(getattr(self, field) or "") if f
                }
            except ValueError as exc:
                errors[field] = f"Not a valid template: {exc}."
                continue
            unknown = sorted(names - self.PLACEHOLDERS)
            if unknown:
                errors[field] = (
                    f"Unknown placeholder(s): {', '.join(unknown)}. "
                    f"Use: {', '.join(sorted(self.PLACEHOLDERS))}."
                )
        if errors:
            raise ValidationError(errors)


def hash_ingest_key(raw_key: str) -> str:
    """SHA-256 of a high-entropy random key: safe to store, fast to check per request."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class IngestKey(models.Model):
    """A write key for the tracking API. Only its hash and a short prefix are stored."""

    KEY_PREFIX = "lh_"

    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=SignalSource.choices)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise a key.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=values_sql(SignalSource)),
                name="ingest_key_source_valid",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.name} ({self.prefix}…, {self.source}, {state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def generate_raw_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)


def user_display_name(user) -> str:
    """How LeadHub names a person everywhere: full name, else the username."""
    return user.get_full_name() or user.get_username()


class UserProfile(models.Model):
    """Per-user settings: the timezone times are shown in, and the team the user belongs to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[_valid_timezone])
    team = models.CharField(max_length=10, choices=Team.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.timezone})"
