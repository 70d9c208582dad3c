"""Criteria (rules ops can read aloud) and the qualification policy (thresholds, tiers, order)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from qualification.core.scoring.validation import validate_criterion
from qualification.models.choices import (
    CriterionKind,
    CriterionScope,
    Measure,
    Operator,
    OutreachOrder,
    PointsMode,
    SignalType,
    Team,
    values_sql,
)
from qualification.models.events import EventType
from qualification.models.glossary import GlossaryTerm
from qualification.models.versions import CriteriaVersion, VersionedRow, VersionStatus

DEFINITION_FIELDS = (
    "kind",
    "signal_type",
    "event_name",
    "property_filter",
    "measure",
    "threshold",
    "window_days",
    "attribute",
    "operator",
    "value",
    "points",
    "points_mode",
    "max_occurrences",
    "half_life_days",
    "reason_template",
)


def unknown_event_names(names: list[str]) -> list[str]:
    """The names not in the tracking plan (EventType), in the order given."""
    known = set(EventType.objects.filter(name__in=names).values_list("name", flat=True))
    return [name for name in names if name not in known]


def unknown_event_message(unknown: list[str]) -> str:
    quoted = ", ".join(f"“{name}”" for name in unknown)
    return (
        f"No event named {quoted} has been received or planned. Check the spelling, or add "
        "it under Event types (the tracking plan) first."
    )


class CriterionQuerySet(models.QuerySet):
    def published(self) -> CriterionQuerySet:
        """The criteria of the published version (active or not): what scoring reads."""
        return self.filter(version__status=VersionStatus.PUBLISHED)


class Criterion(VersionedRow):
    """One scoring rule: a signal, a condition, points, optional decay and a reason template.

    It belongs to one criteria version; the same ``key`` in another version is the same
    rule as it was (or will be) there.
    """

    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(
        max_length=80, help_text="Stable id used in exports and across versions."
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=CriterionKind.choices)
    applies_to = models.CharField(
        max_length=4, choices=CriterionScope.choices, default=CriterionScope.BOTH
    )
    signal_type = models.CharField(max_length=9, choices=SignalType.choices)
    # Event signals
    event_name = models.CharField(max_length=200, blank=True)
    property_filter = models.JSONField(
        default=dict,
        blank=True,
        help_text='Only events whose properties match, e.g. {"feature": "reports"}.',
    )
    measure = models.CharField(max_length=13, choices=Measure.choices, default=Measure.COUNT)
    threshold = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    window_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: ever."
    )
    # Attribute signals
    attribute = models.CharField(
        max_length=200,
        blank=True,
        help_text="lead.title, account.country, account.traits.tech, ...",
    )
    operator = models.CharField(max_length=8, choices=Operator.choices, blank=True)
    value = models.JSONField(
        null=True, blank=True, help_text='JSON: "DE", ["DE","FR"], 50, [50, 500].'
    )
    # Points
    points = models.IntegerField(help_text="Negative allowed.")
    points_mode = models.CharField(
        max_length=14, choices=PointsMode.choices, default=PointsMode.ONCE
    )
    max_occurrences = models.PositiveIntegerField(null=True, blank=True)
    half_life_days = models.FloatField(null=True, blank=True, help_text="Empty: no decay.")
    reason_template = models.CharField(
        max_length=300, help_text='e.g. "Viewed the pricing page {times} {window}".'
    )
    glossary_term = models.ForeignKey(
        GlossaryTerm, null=True, blank=True, on_delete=models.SET_NULL, related_name="criteria"
    )
    owner_team = models.CharField(max_length=10, choices=Team.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-points", "name"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_key_per_version"),
            models.CheckConstraint(
                condition=models.Q(kind__in=values_sql(CriterionKind)), name="criterion_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(signal_type__in=values_sql(SignalType)),
                name="criterion_signal_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(window_days__isnull=True) | models.Q(window_days__gte=1),
                name="criterion_window_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1), name="criterion_threshold_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(half_life_days__isnull=True) | models.Q(half_life_days__gt=0),
                name="criterion_half_life_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(signal_type=SignalType.EVENT) | ~models.Q(event_name=""),
                name="criterion_event_has_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(signal_type=SignalType.ATTRIBUTE)
                | (~models.Q(attribute="") & models.Q(operator__in=values_sql(Operator))),
                name="criterion_attribute_has_operator",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=CriterionKind.NEGATIVE) | models.Q(points__lte=0),
                name="criterion_negative_points",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def definition(self) -> dict:
        """The fields the pure core validates and evaluates."""
        return {field: getattr(self, field) for field in DEFINITION_FIELDS}

    def clean(self) -> None:
        """Refuse a criterion the engine could not evaluate, naming the field."""
        super().clean()
        problems = validate_criterion(self.definition())
        if self.signal_type == "event" and "event_name" not in problems:
            unknown = unknown_event_names([self.event_name])
            if unknown:
                problems["event_name"] = [unknown_event_message(unknown)]
        if problems:
            raise ValidationError(problems)


class QualificationPolicy(VersionedRow):
    """Thresholds and rules that turn scores into tiers and qualifications.

    Each criteria version has one; the published version's is the one scoring applies.
    """

    version = models.OneToOneField(CriteriaVersion, on_delete=models.CASCADE, related_name="policy")
    mql_threshold = models.PositiveIntegerField(
        default=60, help_text="Intent + fit score at or above which a lead is an MQL."
    )
    mql_min_fit = models.IntegerField(default=10, help_text="Minimum fit score for an MQL.")
    pql_usage_threshold = models.PositiveIntegerField(
        default=40, help_text="Usage score at or above which a lead is a PQL (usage criteria met)."
    )
    tier_hot = models.PositiveIntegerField(default=80, help_text="Total score for hot.")
    tier_warm = models.PositiveIntegerField(default=50, help_text="Total score for warm.")
    tier_cool = models.PositiveIntegerField(default=25, help_text="Total score for cool.")
    outreach_order = models.CharField(
        max_length=9, choices=OutreachOrder.choices, default=OutreachOrder.PQL_FIRST
    )
    hand_raiser_events = models.JSONField(
        default=list,
        blank=True,
        help_text='Events that make a PQL at once, e.g. ["Contact Sales Requested"].',
    )
    limit_events = models.JSONField(
        default=list, blank=True, help_text='Usage-limit events, e.g. ["Usage Limit Reached"].'
    )
    purchase_events = models.JSONField(
        default=list,
        blank=True,
        help_text="Self-serve purchase events (routed to customer success).",
    )
    account_pql_min_users = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(2)],
        help_text="Users of one account meeting usage criteria.",
    )
    account_pql_window_days = models.PositiveIntegerField(
        default=7, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "qualification policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier_hot__gt=models.F("tier_warm"))
                & models.Q(tier_warm__gt=models.F("tier_cool")),
                name="policy_tiers_descending",
            ),
            models.CheckConstraint(
                condition=models.Q(outreach_order__in=values_sql(OutreachOrder)),
                name="policy_outreach_order_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(account_pql_min_users__gte=2), name="policy_account_pql_users"
            ),
        ]

    def __str__(self) -> str:
        return f"Policy of {self.version.label}" if self.version_id else "Policy"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if not (self.tier_hot > self.tier_warm > self.tier_cool):
            errors["tier_warm"] = "Tier thresholds must descend: hot > warm > cool."
        for field in ("hand_raiser_events", "limit_events", "purchase_events"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors[field] = 'Give a JSON list of event names, e.g. ["Usage Limit Reached"].'
            elif unknown := unknown_event_names(value):
                errors[field] = unknown_event_message(unknown)
        if errors:
            raise ValidationError(errors)
