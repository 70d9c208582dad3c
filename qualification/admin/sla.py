"""Response-time rules in the admin: SLA policies, business calendars and holidays, SDR teams."""

from __future__ import annotations

from django.contrib import admin

from qualification.admin.forms import LeadHubModelForm
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import BusinessCalendar, SDRTeam, SLAPolicy


class SLAPolicyAdminForm(LeadHubModelForm):
    class Meta:
        model = SLAPolicy
        fields = (
            "queue",
            "tier",
            "calendar",
            "response_minutes",
            "warning_percent",
            "clock_starts",
            "return_on_breach",
        )


@admin.register(SLAPolicy)
class SLAPolicyAdmin(LeadHubHistoryAdmin):
    form = SLAPolicyAdminForm
    list_display = (
        "queue",
        "tier",
        "response_minutes",
        "warning_percent",
        "calendar",
        "updated_at",
    )
    list_filter = ("queue", "tier", "calendar")
    ordering = ("queue", "-tier")
    readonly_fields = ("created_at", "updated_at")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(LeadHubHistoryAdmin):
    list_display = ("name", "timezone", "day_start", "day_end", "workdays")


@admin.register(SDRTeam)
class SDRTeamAdmin(LeadHubHistoryAdmin):
    list_display = ("name", "manager", "timezone")
    filter_horizontal = ("members",)
