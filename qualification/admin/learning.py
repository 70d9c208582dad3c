"""Learning records in the admin: lead snapshots and recalibration runs, read-only.

Both are written only by the learning services (``services.snapshots``,
``services.recalibration``): a snapshot edited by hand would teach the model something
sales never saw, and a run's figures are what the health page and drift compare. Ops run
a recalibration from the criteria health page, not here.
"""

from __future__ import annotations

from django.contrib import admin

from qualification.admin.base import AppendOnlyAdminMixin
from qualification.models import LeadSnapshot, Recalibration


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
