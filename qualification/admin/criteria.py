"""Criteria and the qualification policy: the definitions ops edit, with their history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from qualification.admin.base import DefinitionAdminMixin, TeamOwnedAdminMixin
from qualification.admin.forms import CriterionAdminForm, QualificationPolicyAdminForm
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import Criterion, QualificationPolicy
from qualification.models.choices import SignalType
from qualification.services.definitions import criteria_set_active


@admin.register(Criterion)
class CriterionAdmin(TeamOwnedAdminMixin, DefinitionAdminMixin, LeadHubHistoryAdmin):
    form = CriterionAdminForm
    list_display = (
        "name",
        "kind",
        "applies_to",
        "signal",
        "points",
        "window",
        "is_active",
        "owner_team",
        "glossary_term",
    )
    list_display_links = ("name",)
    list_editable = ("points", "is_active")
    list_filter = ("kind", "applies_to", "signal_type", "is_active", "owner_team", "glossary_term")
    list_select_related = ("glossary_term",)
    search_fields = ("name", "key", "description", "event_name", "attribute", "reason_template")
    autocomplete_fields = ("glossary_term",)
    ordering = ("kind", "-points", "name")
    readonly_fields = ("created_at", "updated_at")
    actions = ("activate_criteria", "deactivate_criteria")
    fieldsets = (
        (
            "What it is",
            {
                "fields": (
                    "name",
                    "key",
                    "description",
                    ("kind", "applies_to"),
                    "signal_type",
                    ("glossary_term", "owner_team"),
                    "is_active",
                )
            },
        ),
        (
            "Event signal",
            {
                "description": "For signal type “Event”: which events count, and how many "
                "within how many days.",
                "fields": (
                    "event_name",
                    "property_filter",
                    ("measure", "threshold", "window_days"),
                ),
            },
        ),
        (
            "Attribute signal",
            {
                "description": "For signal type “Lead or account attribute”: a field of the "
                "lead or its account compared with a value.",
                "fields": ("attribute", ("operator", "value")),
            },
        ),
        (
            "Points",
            {
                "description": "Negative points take score away. Decay (half-life) applies "
                "to events only.",
                "fields": (("points", "points_mode", "max_occurrences"), "half_life_days"),
            },
        ),
        ("Reason", {"fields": ("reason_template",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm]:
        # Django builds list-editing forms from a plain ModelForm; use ours so that errors the
        # model raises about fields not in the list become row errors instead of a crash.
        kwargs.setdefault("form", self.form)
        return super().get_changelist_form(request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Criterion | None = None) -> Any:
        # The key identifies the criterion in exports and imports; renaming it would orphan them.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "key") if obj is not None else readonly

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Criterion | None = None
    ) -> dict[str, tuple[str, ...]]:
        return {} if obj is not None else {"key": ("name",)}

    @admin.display(description="Signal", ordering="event_name")
    def signal(self, obj: Criterion) -> str:
        if obj.signal_type == SignalType.EVENT:
            return obj.event_name
        return f"{obj.attribute} {obj.get_operator_display()}".strip()

    @admin.display(description="Window", ordering="window_days")
    def window(self, obj: Criterion) -> str:
        if obj.signal_type != SignalType.EVENT:
            return "—"
        return f"{obj.window_days} days" if obj.window_days else "ever"

    def _set_active(
        self, request: HttpRequest, queryset: QuerySet[Criterion], active: bool
    ) -> None:
        """Ownership is checked per row: a team-limited user skips other teams' criteria."""
        allowed = [c for c in queryset if self.has_change_permission(request, c)]
        skipped = len(queryset) - len(allowed)
        changed = criteria_set_active(criteria=allowed, active=active, user=request.user)
        state = "activated" if active else "deactivated"
        self.message_user(request, f"{changed} criteria {state}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} criteria skipped: they belong to another team.",
                messages.WARNING,
            )

    @admin.action(description="Activate selected criteria", permissions=["change"])
    def activate_criteria(self, request: HttpRequest, queryset: QuerySet[Criterion]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected criteria", permissions=["change"])
    def deactivate_criteria(self, request: HttpRequest, queryset: QuerySet[Criterion]) -> None:
        self._set_active(request, queryset, False)


@admin.register(QualificationPolicy)
class QualificationPolicyAdmin(DefinitionAdminMixin, LeadHubHistoryAdmin):
    form = QualificationPolicyAdminForm
    list_display = (
        "name",
        "is_active",
        "mql_threshold",
        "mql_min_fit",
        "pql_usage_threshold",
        "tier_hot",
        "tier_warm",
        "tier_cool",
        "outreach_order",
        "updated_at",
    )
    list_filter = ("is_active", "outreach_order")
    search_fields = ("name",)
    ordering = ("-is_active", "name")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "is_active", "outreach_order")}),
        ("MQL", {"fields": ("mql_threshold", "mql_min_fit")}),
        (
            "PQL",
            {
                "fields": (
                    "pql_usage_threshold",
                    "hand_raiser_events",
                    "limit_events",
                    "purchase_events",
                    ("account_pql_min_users", "account_pql_window_days"),
                )
            },
        ),
        (
            "Tiers",
            {
                "description": "Total score at or above which a lead is hot, warm or cool "
                "(below cool: cold).",
                "fields": (("tier_hot", "tier_warm", "tier_cool"),),
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
