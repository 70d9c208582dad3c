"""Criteria and the qualification policy: published read-only, edited in drafts.

Both belong to a criteria version (``admin.drafts`` explains the pattern): the lists show
the published version by default, with "Edit in a new draft"; a draft's rows are edited
here like any definition, with the validation of their forms, and reach the leads only
when the draft is published from its LeadHub page (preview first, then a note).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

from qualification.admin.base import (
    DefinitionAdminMixin,
    TeamOwnedAdminMixin,
    request_editable_teams,
)
from qualification.admin.drafts import VersionedAdminMixin
from qualification.admin.forms import (
    CriterionAdminForm,
    CriterionListRowForm,
    QualificationPolicyAdminForm,
)
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.admin.versions import VERSION_PARAM, VersionListFilter, open_drafts
from qualification.core.params import whole_number_or_none
from qualification.models import Criterion, QualificationPolicy, VersionStatus
from qualification.models.choices import SignalType
from qualification.services.definitions import criteria_set_active
from qualification.services.versions import criterion_edit_allowed

# Actions that write: offered on a draft's list only.
_WRITE_ACTIONS = ("activate_criteria", "deactivate_criteria", "delete_selected")


@admin.register(Criterion)
class CriterionAdmin(
    VersionedAdminMixin, TeamOwnedAdminMixin, DefinitionAdminMixin, LeadHubHistoryAdmin
):
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
    list_filter = (
        VersionListFilter,
        "kind",
        "applies_to",
        "signal_type",
        "is_active",
        "owner_team",
        "glossary_term",
    )
    list_select_related = ("glossary_term", "version")
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
                    "version",
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

    def draft_edit_allowed(self, request: HttpRequest, obj: Criterion) -> bool:
        # The service's rule for the row as it would be in a draft: role and owner team.
        return criterion_edit_allowed(request.user, Criterion(owner_team=obj.owner_team))

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        if not self.list_shows_draft(request):
            changelist.list_editable = ()  # published and retired rows never change
        return changelist

    def _get_list_editable_queryset(self, request: HttpRequest, prefix: str) -> QuerySet:
        # Django looks list-edited rows up by the posted ids, not by the list shown; a
        # tampered id of a published row must find nothing (a form error, not a write).
        queryset = super()._get_list_editable_queryset(request, prefix)
        queryset = queryset.filter(version__status=VersionStatus.DRAFT)
        teams = request_editable_teams(request)
        return queryset if teams is None else queryset.filter(owner_team__in=teams)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.list_shows_draft(request):
            for name in _WRITE_ACTIONS:
                actions.pop(name, None)
        return actions

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new criterion goes into the draft the list showed (or ``?version=``)."""
        initial = super().get_changeform_initial_data(request)
        initial.pop("_changelist_filters", None)
        if "version" not in initial:
            filters = dict(parse_qsl(request.GET.get("_changelist_filters", "")))
            if (asked := whole_number_or_none(filters.get(VERSION_PARAM))) is not None:
                initial["version"] = asked
            elif (drafts := list(open_drafts()[:2])) and len(drafts) == 1:
                initial["version"] = drafts[0].pk
        return initial

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm]:
        # Django builds list-editing forms from a plain ModelForm; use ours so that errors the
        # model raises about fields not in the list become row errors instead of a crash.
        # Its inputs are named for their row (CriterionListRowForm).
        kwargs.setdefault("form", CriterionListRowForm)
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
        """Checked per row: another team's criteria and published ones are skipped."""
        allowed = [c for c in queryset if self.has_change_permission(request, c)]
        skipped = len(queryset) - len(allowed)
        changed = criteria_set_active(criteria=allowed, active=active, user=request.user)
        state = "activated" if active else "deactivated"
        self.message_user(request, f"{changed} criteria {state}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} criteria skipped: they belong to another team or to a version "
                "that is not a draft.",
                messages.WARNING,
            )

    @admin.action(description="Activate selected criteria", permissions=["change"])
    def activate_criteria(self, request: HttpRequest, queryset: QuerySet[Criterion]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected criteria", permissions=["change"])
    def deactivate_criteria(self, request: HttpRequest, queryset: QuerySet[Criterion]) -> None:
        self._set_active(request, queryset, False)


@admin.register(QualificationPolicy)
class QualificationPolicyAdmin(VersionedAdminMixin, DefinitionAdminMixin, LeadHubHistoryAdmin):
    """One policy per version: it comes and goes with its version, never on its own."""

    form = QualificationPolicyAdminForm
    list_display = (
        "version",
        "mql_threshold",
        "mql_min_fit",
        "pql_usage_threshold",
        "tier_hot",
        "tier_warm",
        "tier_cool",
        "outreach_order",
        "updated_at",
    )
    list_filter = (VersionListFilter,)
    ordering = ("-version__published_at", "-version_id")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("version", "outreach_order")}),
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: QualificationPolicy | None = None
    ) -> bool:
        return False
