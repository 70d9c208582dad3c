"""What ops configure besides criteria and SLAs: outreach templates, ingestion keys, profiles."""

import hashlib
import secrets
import string
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from qualification.core.vocabulary import QUEUE_SCOPES
from qualification.models.choices import OutreachTrigger, SignalSource, Team, values_sql


def valid_timezone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"{name!r} is not a known time zone (e.g. Europe/Berlin).")


class MessageTemplate(models.Model):
    """A suggested opening message for a trigger, with {placeholders} filled from the lead's facts."""

    # Kept in step with core.outreach.FALLBACKS. {when}: when the signal behind the opening
    # happened, said on the day it is shown ("today"); {request}: what a hand-raiser asked for.
    PLACEHOLDERS = frozenset(
        {
            "first_name",
            "account",
            "feature",
            "limit",
            "content",
            "sender",
            "product",
            "teammates",
            "when",
            "request",
        }
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


def hash_secret(raw_key: str) -> str:
    """SHA-256 of a high-entropy random key (ingestion keys, API tokens).

    The keys are random, not chosen by people, so a fast unsalted hash is safe to store and
    cheap enough to check on every request; a slow password hash would only cost latency.
    """
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
    timezone = models.CharField(max_length=64, default="UTC", validators=[valid_timezone])
    team = models.CharField(max_length=10, choices=Team.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.timezone})"


# Migrations 0001 and later name the validator by its first name.
_valid_timezone = valid_timezone


class SavedView(models.Model):
    """A rep's named queue view: a queue and the query string of its filters and sort.

    Stored as the query string the page itself uses, so a view is exactly a bookmark; a
    filter that later disappears (an industry no account has any more) is dropped when the
    view is opened, and the page says which (``web.views.saved_views``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    scope = models.CharField(max_length=4, choices=[(key, key) for key in QUEUE_SCOPES])
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.scope})"


class ApiToken(models.Model):
    """A token for the REST API, acting as its user. Only its hash and a short prefix are stored."""

    KEY_PREFIX = "lht_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="Which script or system uses it.")
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to recognise a token."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from this time on; empty: never expires."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.user})"

    @classmethod
    def generate_raw_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)
