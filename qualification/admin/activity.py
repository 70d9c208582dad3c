"""Events and the tracking plan; append-only records: events, stage transitions, feedback.

They are viewed, never edited, in the admin. Ops may delete events (bad data, test traffic)
through ``services.events``, which marks the leads those events belonged to for rescoring
so their scores stop counting what was removed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qualification.admin.base import AppendOnlyAdminMixin
from qualification.admin.forms import LeadHubModelForm
from qualification.models import (
    Criterion,
    Event,
    EventType,
    Feedback,
    LeadActivity,
    StageTransition,
)
from qualification.services.events import events_delete


class StitchedFilter(admin.SimpleListFilter):
    """Whether an event is tied to a known lead or still only to an anonymous visitor."""

    title = "lead"
    parameter_name = "stitched"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Known lead"), ("no", "Anonymous only")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if self.value() == "yes":
            return queryset.filter(lead__isnull=False)
        if self.value() == "no":
            return queryset.filter(lead__isnull=True)
        return queryset


@admin.register(Event)
class EventAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/qualification/change_list_csv.html"
    deletable = True
    list_display = (
        "name",
        "source",
        "lead",
        "account",
        "anonymous_id",
        "occurred_at",
        "received_at",
    )
    list_filter = ("source", StitchedFilter)
    list_select_related = ("lead", "account")
    search_fields = ("name", "message_id", "anonymous_id", "lead__email", "account__domain")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at",)
    # The events table is the biggest one; skip the unfiltered count on every page.
    show_full_result_count = False
    fields = (
        "name",
        "source",
        "lead",
        "account",
        "anonymous_id",
        "properties",
        "occurred_at",
        "received_at",
        "message_id",
    )

    def delete_model(self, request: HttpRequest, obj: Event) -> None:
        events_delete(events=Event.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        events_delete(events=queryset)


class EventTypeAdminForm(LeadHubModelForm):
    class Meta:
        model = EventType
        fields = ("name", "source", "description")


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    """The tracking plan. Ingestion adds names as they arrive; ops add planned ones and describe them."""

    form = EventTypeAdminForm
    list_display = ("name", "source", "description", "created_at")
    list_filter = ("source",)
    search_fields = ("name", "description")
    ordering = ("name",)
    readonly_fields = ("criteria_using_it", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: EventType | None = None) -> tuple:
        # Criteria and incoming events refer to the name itself; renaming would orphan both.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("name", *readonly) if obj is not None else readonly

    @admin.display(description="Criteria counting it")
    def criteria_using_it(self, obj: EventType) -> SafeString | str:
        if obj.pk is None:
            return "—"
        count = Criterion.objects.published().filter(event_name=obj.name).count()
        url = reverse("admin:qualification_criterion_changelist")
        query = urlencode({"event_name": obj.name})
        return format_html('<a href="{}?{}">{} criteria</a>', url, query, count)


@admin.register(StageTransition)
class StageTransitionAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("lead", "from_stage", "to_stage", "cause", "criterion", "actor", "occurred_at")
    list_filter = ("to_stage", "from_stage", "cause")
    list_select_related = ("lead", "criterion", "actor")
    search_fields = ("lead__email", "lead__first_name", "lead__last_name", "reason")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")


@admin.register(Feedback)
class FeedbackAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("lead", "outcome", "reason", "author", "created_at")
    list_filter = ("outcome", "reason")
    list_select_related = ("lead", "author")
    search_fields = ("lead__email", "lead__first_name", "lead__last_name", "note")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")


@admin.register(LeadActivity)
class LeadActivityAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Claims, assignments and first touches: read-only, like the other lead records."""

    list_display = ("lead", "kind", "note", "actor", "occurred_at")
    list_filter = ("kind",)
    list_select_related = ("lead", "actor")
    search_fields = ("lead__email", "lead__first_name", "lead__last_name", "actor__username")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")
