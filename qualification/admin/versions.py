"""Criteria versions in the admin: read-mostly, and never the place to publish.

Publishing needs the impact preview and a note sales will read, which live on the LeadHub
draft page; the admin lists the versions, lets a draft's title be corrected, links each
version to its criteria, its policy, its draft page or its changelog entry, and deletes
drafts (through ``services.versions.draft_delete``, which checks who may). Published and
retired versions are the record of what scored leads, so they cannot be deleted; a bulk
delete that includes one is refused as a whole, with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from qualification.core.params import whole_number_or_none
from qualification.models import CriteriaVersion, VersionFrozen, VersionStatus
from qualification.roles import Perm
from qualification.services.versions import (
    GovernanceError,
    draft_delete,
    published_version_ensure,
)

# The changelist parameter that picks the version; the name Django's own related filter
# would use, so links built elsewhere (the LeadHub draft page) land on the right list.
VERSION_PARAM = "version__id__exact"
_VIEWED_ATTR = "_leadhub_viewed_version"


def viewed_version(request: HttpRequest) -> CriteriaVersion:
    """The version a list shows: the one asked for, or the published one (once per request)."""
    if not hasattr(request, _VIEWED_ATTR):
        asked = whole_number_or_none(request.GET.get(VERSION_PARAM))
        version = None
        if asked is not None:
            version = (
                CriteriaVersion.objects.select_related("author", "base").filter(pk=asked).first()
            )
        setattr(request, _VIEWED_ATTR, version or published_version_ensure())
    return getattr(request, _VIEWED_ATTR)


def open_drafts() -> QuerySet[CriteriaVersion]:
    return CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).order_by("-id")


def version_choice_label(version: CriteriaVersion) -> str:
    if version.status == VersionStatus.PUBLISHED:
        return f"Published: {version.label}"
    if version.status == VersionStatus.RETIRED:
        return f"{version.label} (retired)"
    return version.label


def draft_page_url(version: CriteriaVersion) -> str | None:
    """The LeadHub page of a draft (diff, preview, publish), if that page is installed."""
    try:
        return reverse("criteria-draft", args=[version.pk])
    except NoReverseMatch:
        return None


def changelog_url(version: CriteriaVersion) -> str | None:
    try:
        return reverse("criteria-changes") + f"#version-{version.number}"
    except NoReverseMatch:
        return None


class VersionListFilter(admin.SimpleListFilter):
    """Pick the version to look at; with no choice, the published one (there is no "All":
    rows of different versions side by side read as duplicates)."""

    title = "version"
    parameter_name = VERSION_PARAM

    def __init__(self, request: HttpRequest, *args: Any) -> None:
        self._viewed = viewed_version(request)
        super().__init__(request, *args)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        order = Case(
            When(status=VersionStatus.PUBLISHED, then=Value(0)),
            When(status=VersionStatus.DRAFT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        versions = CriteriaVersion.objects.annotate(_order=order).order_by(
            "_order", "-number", "-id"
        )
        return [(str(v.pk), version_choice_label(v)) for v in versions]

    def choices(self, changelist: Any) -> Any:
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        for i, (value, label) in enumerate(self.lookup_choices):
            yield {
                "selected": value == str(self._viewed.pk),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": f"{label} ({counts[f'{i}__c']})" if counts else label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # The value is set per choice when Django counts facets; otherwise it is the URL's.
        value = whole_number_or_none(str(self.value() or ""))
        if value is not None:
            return queryset.filter(version_id=value)
        return queryset.filter(version=self._viewed)


def versions_url() -> str | None:
    try:
        return reverse("criteria-versions")
    except NoReverseMatch:
        return None


_RECORD_FIELDS = (
    "status",
    "number",
    "base",
    "author",
    "created_at",
    "content_changed_at",
    "approved_by",
    "approved_at",
    "published_by",
    "published_at",
    "note",
    "rescore_total",
    "rescore_finished_at",
    "measured_effect_text",
    "links",
)


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = (
        "label_text",
        "status",
        "number",
        "title",
        "author",
        "base",
        "published_by",
        "published_at",
        "links",
    )
    list_display_links = ("label_text",)
    list_filter = ("status",)
    list_select_related = ("author", "base", "published_by")
    search_fields = ("title", "note")
    fields = ("title", *_RECORD_FIELDS)
    actions = ("delete_drafts",)

    # --- permissions ------------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A draft is made from a version ("Edit in a new draft", the versions page), with
        # its rules copied; an empty version made here would have no rules and no policy.
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: CriteriaVersion | None = None
    ) -> bool:
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: CriteriaVersion | None = None
    ) -> bool:
        """Drafts only, by their author or ops: the rule ``draft_delete`` applies."""
        user = request.user
        if obj is None:
            return user.has_perm(Perm.PUBLISH_CRITERIA) or user.has_perm(Perm.DRAFT_CRITERIA)
        if obj.status != VersionStatus.DRAFT:
            return False
        return obj.author_id == user.pk or user.has_perm(Perm.PUBLISH_CRITERIA)

    def get_readonly_fields(self, request: HttpRequest, obj: CriteriaVersion | None = None):
        return _RECORD_FIELDS if obj is None or obj.is_draft else ("title", *_RECORD_FIELDS)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_drafts, which checks first
        return actions

    # --- writes ---------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: CriteriaVersion, form: Any, change: bool):
        # Only a draft's title is editable here; saving just that column leaves the
        # version's content stamp (and so its preview) as it is.
        obj.save(update_fields=["title"])

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        """A draft goes with its own criteria, policy and previews: no extra permission.

        Django would ask for the permission to delete each related row, and nobody may
        delete a policy on its own; for a draft they are part of it.
        """
        deleted, model_count, _perms, protected = super().get_deleted_objects(objs, request)
        refused = {str(obj) for obj in objs if not self.has_delete_permission(request, obj)}
        return deleted, model_count, refused, protected

    def delete_model(self, request: HttpRequest, obj: CriteriaVersion) -> None:
        draft_delete(user=request.user, draft=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CriteriaVersion]) -> None:
        for draft in queryset:  # one by one: the service checks each
            draft_delete(user=request.user, draft=draft)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except (GovernanceError, VersionFrozen) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:qualification_criteriaversion_changelist"))

    @admin.action(description="Delete selected drafts", permissions=["delete"])
    def delete_drafts(
        self, request: HttpRequest, queryset: QuerySet[CriteriaVersion]
    ) -> HttpResponse | None:
        """Django's confirm-then-delete, refused as a whole if any version may not go."""
        kept = [v for v in queryset if not self.has_delete_permission(request, v)]
        if kept:
            names = ", ".join(v.label for v in kept)
            self.message_user(
                request,
                f"Nothing deleted: {names} cannot be deleted. Published and retired versions "
                "are the record of what scored leads; a draft is deleted by its author or ops.",
                messages.ERROR,
            )
            return None
        try:
            with transaction.atomic():
                return delete_selected(self, request, queryset)
        except (GovernanceError, VersionFrozen) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description="Version", ordering="number")
    def label_text(self, obj: CriteriaVersion) -> str:
        return obj.label

    @admin.display(description="Measured effect")
    def measured_effect_text(self, obj: CriteriaVersion) -> str:
        if obj.is_draft:
            return "—"
        effect = obj.measured_effect()
        return "; ".join(
            f"{queue.upper()}: {moves['entered']} entered, {moves['left']} left"
            for queue, moves in effect.items()
        )

    @admin.display(description="Open")
    def links(self, obj: CriteriaVersion) -> SafeString | str:
        query = f"?{VERSION_PARAM}={obj.pk}"
        items = [
            (reverse("admin:qualification_criterion_changelist") + query, "criteria"),
            (reverse("admin:qualification_qualificationpolicy_changelist") + query, "policy"),
        ]
        page = draft_page_url(obj) if obj.is_draft else changelog_url(obj)
        if page:
            items.append((page, "draft page" if obj.is_draft else "changelog"))
        return format_html_join(" · ", '<a href="{}">{}</a>', items)
