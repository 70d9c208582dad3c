"""The shared glossary, with the criteria that implement each term listed under it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from qualification.admin.base import TeamOwnedAdminMixin, request_editable_teams
from qualification.admin.forms import CriterionAdminForm, LeadHubModelForm
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import Criterion, GlossaryTerm
from qualification.services.definitions import definition_save


class CriterionInline(admin.TabularInline):
    """The criteria behind a term. Ops can adjust points and switch them on or off here.

    Anything else needs the full criterion form (fieldsets, validation per signal type), so
    new criteria are added from the criteria page. Team-limited users see the list read-only:
    an inline is permitted per *term*, and a term's criteria may belong to another team.
    """

    model = Criterion
    form = CriterionAdminForm
    fields = ("name", "kind", "applies_to", "signal_type", "points", "is_active", "owner_team")
    readonly_fields = ("name", "kind", "applies_to", "signal_type", "owner_team")
    ordering = ("kind", "-points", "name")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: GlossaryTerm | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GlossaryTerm | None = None) -> bool:
        return (
            super().has_change_permission(request, obj) and request_editable_teams(request) is None
        )

    def has_delete_permission(self, request: HttpRequest, obj: GlossaryTerm | None = None) -> bool:
        return False


class GlossaryTermAdminForm(LeadHubModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ("term", "slug", "owner_team", "definition", "examples")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(TeamOwnedAdminMixin, LeadHubHistoryAdmin):
    form = GlossaryTermAdminForm
    list_display = ("term", "owner_team", "criteria_count", "updated_at")
    list_filter = ("owner_team",)
    search_fields = ("term", "definition", "examples")
    ordering = ("term",)
    prepopulated_fields = {"slug": ("term",)}
    readonly_fields = ("created_at", "updated_at")
    fields = ("term", "slug", "owner_team", "definition", "examples", "created_at", "updated_at")
    inlines = (CriterionInline,)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        """The criteria edited under the term are definitions: saved by their service."""
        if formset.model is not Criterion:
            super().save_formset(request, form, formset, change)
            return
        for criterion in formset.save(commit=False):  # only the rows that changed
            definition_save(definition=criterion, user=request.user)
        formset.save_m2m()

    def get_queryset(self, request: HttpRequest) -> QuerySet[GlossaryTerm]:
        return super().get_queryset(request).annotate(_criteria_count=Count("criteria"))

    @admin.display(description="Criteria", ordering="_criteria_count")
    def criteria_count(self, obj: GlossaryTerm) -> int:
        return obj._criteria_count
