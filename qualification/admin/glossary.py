"""The shared glossary, with the published criteria that implement each term under it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from qualification.admin.base import ReadOnlyInline, TeamOwnedAdminMixin
from qualification.admin.forms import LeadHubModelForm
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import Criterion, GlossaryTerm, VersionStatus


class CriterionInline(ReadOnlyInline):
    """The published criteria behind a term, read-only, each linking to its own page.

    The published rules never change in place, and a term's page is no place to pick a
    draft: the link opens the criterion, where "Edit in a draft" is.
    """

    model = Criterion
    fields = ("name", "kind", "applies_to", "signal_type", "points", "is_active", "owner_team")
    readonly_fields = fields
    ordering = ("kind", "-points", "name")
    verbose_name_plural = "published criteria"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criterion]:
        return super().get_queryset(request).filter(version__status=VersionStatus.PUBLISHED)


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[GlossaryTerm]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _criteria_count=Count(
                    "criteria", filter=Q(criteria__version__status=VersionStatus.PUBLISHED)
                )
            )
        )

    @admin.display(description="Criteria", ordering="_criteria_count")
    def criteria_count(self, obj: GlossaryTerm) -> int:
        return obj._criteria_count
