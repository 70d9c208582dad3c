"""Learning records in the admin: lead snapshots and recalibration runs, read-only.

Both are written only by the learning services (``services.snapshots``,
``services.recalibration``): a snapshot edited by hand would teach the model something
sales never saw, and a run's figures are what the health page and drift compare. Ops run
a recalibration from the criteria health page, not here.

``AutoPublishBounds`` is the one learning record ops edit: a single row (added once, never
deleted), with its history of who changed what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from qualification.admin.base import AppendOnlyAdminMixin
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import AutoPublishBounds, LeadSnapshot, Recalibration


@admin.register(LeadSnapshot)
class LeadSnapshotAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("lead", "moment", "taken_at")
    list_filter = ("moment",)
    list_select_related = ("lead",)
    search_fields = ("lead__email", "lead__first_name", "lead__last_name")
    date_hierarchy = "taken_at"
    readonly_fields = ("lead", "moment", "taken_at", "inputs")


@admin.register(Recalibration)
class RecalibrationAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "trigger",
        "requested_at",
        "finished_at",
        "n_outcomes",
        "is_live",
        "progress",
    )
    list_filter = ("status", "trigger", "is_live")
    list_select_related = ("requested_by",)
    readonly_fields = (
        "status",
        "trigger",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "progress",
        "progress_text",
        "n_outcomes",
        "is_live",
        "kept_reason",
        "error",
        "figures",
        "model",
    )


@admin.register(AutoPublishBounds)
class AutoPublishBoundsAdmin(LeadHubHistoryAdmin):
    list_display = ("__str__", "enabled", "max_change", "min_outcomes", "changed_by", "changed_at")
    fields = ("enabled", "max_change", "min_outcomes", "changed_by", "changed_at")
    readonly_fields = ("changed_by", "changed_at")
    list_select_related = ("changed_by",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not AutoPublishBounds.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
