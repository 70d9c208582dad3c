"""Response-time rules in the admin: business calendars with holidays, SLA policies, SDR teams.

Ops own these rules (``qualification.roles``). Saves and deletes of policies, calendars and
holidays go through ``services.sla_rules``, which recomputes the open SLA clocks on
Celery when a change moves them; the success message then says so. A calendar's page
offers "Import holidays (.ics)"; the import is the same service the ``holidays_import``
command runs. A team's webhook URL is a credential: shown masked wherever it is not edited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from qualification.admin.history import LeadHubHistoryAdmin
from qualification.admin.sla_forms import (
    BusinessCalendarAdminForm,
    HolidayImportForm,
    SDRTeamAdminForm,
    SLAPolicyAdminForm,
    calendar_hours,
    masked_url,
    policy_summary,
    workdays_text,
)
from qualification.core.sla.ics import IcsError
from qualification.models import BusinessCalendar, Holiday, SDRTeam, SLAPolicy
from qualification.services.sla_rules import (
    REFRESH_MESSAGE,
    holidays_import,
    holidays_save,
    sla_rule_save,
    sla_rules_delete,
)

_REFRESH_ATTR = "_leadhub_sla_refresh"


def _note_refresh(request: HttpRequest, requested: bool) -> None:
    """Remember for the response that this request made the open clocks move."""
    if requested:
        setattr(request, _REFRESH_ATTR, True)


def _say_refresh(request: HttpRequest) -> None:
    if getattr(request, _REFRESH_ATTR, False):
        messages.info(request, REFRESH_MESSAGE)


class SLARuleAdmin(LeadHubHistoryAdmin):
    """Writes through ``services.sla_rules``; tells ops when open clocks are recomputed."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        _note_refresh(request, sla_rule_save(rule=obj, user=request.user))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _note_refresh(request, sla_rules_delete(rules=[obj], user=request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        _note_refresh(request, sla_rules_delete(rules=queryset, user=request.user))
        _say_refresh(request)  # the bulk action's own message follows

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> HttpResponse:
        _say_refresh(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        _say_refresh(request)
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        _say_refresh(request)
        return super().response_delete(request, obj_display, obj_id)


class HolidayInline(admin.TabularInline):
    model = Holiday
    fields = ("day", "name")
    extra = 1
    ordering = ("day",)
    verbose_name_plural = "Holidays (no business hours on these local dates)"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A tabular row's inputs sit under column headings, not labels: name each one.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        labels = {"day": "Holiday date", "name": "Holiday name"}
        if field is not None and db_field.name in labels:
            field.widget.attrs["aria-label"] = labels[db_field.name]
        return field


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SLARuleAdmin):
    form = BusinessCalendarAdminForm
    inlines = (HolidayInline,)
    change_form_template = "admin/qualification/businesscalendar/change_form.html"
    list_display = (
        "name",
        "timezone",
        "hours",
        "workdays_shown",
        "holiday_count",
        "policies_using",
    )
    search_fields = ("name", "timezone")
    readonly_fields = ("updated_at", "clocks_refreshed_at")
    fieldsets = (
        (None, {"fields": ("name", "timezone")}),
        ("Business hours", {"fields": ("workdays", ("day_start", "day_end"))}),
        ("Record", {"fields": ("updated_at", "clocks_refreshed_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[BusinessCalendar]:
        return (
            super()
            .get_queryset(request)
            .annotate(holiday_total=Count("holidays", distinct=True))
            .prefetch_related("policies")
        )

    @admin.display(description="Hours")
    def hours(self, obj: BusinessCalendar) -> str:
        return calendar_hours(obj)

    @admin.display(description="Workdays")
    def workdays_shown(self, obj: BusinessCalendar) -> str:
        return workdays_text(obj.workdays)

    @admin.display(description="Holidays", ordering="holiday_total")
    def holiday_count(self, obj: BusinessCalendar) -> int:
        return obj.holiday_total

    @admin.display(description="Policies using it")
    def policies_using(self, obj: BusinessCalendar) -> str:
        policies = sorted(obj.policies.all(), key=lambda p: (p.queue, -p.tier))
        return ", ".join(f"{p.get_tier_display()} {p.queue.upper()}" for p in policies) or "—"

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool
    ) -> None:
        if formset.model is not Holiday:
            super().save_formset(request, form, formset, change)
            return
        saved = formset.save(commit=False)
        moved = holidays_save(
            calendar_id=form.instance.pk,
            saved=saved,
            deleted=list(formset.deleted_objects),
            user=request.user,
        )
        _note_refresh(request, moved)

    # -- import holidays from an .ics file ------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/import-holidays/",
                self.admin_site.admin_view(self.import_holidays_view),
                name=f"{opts.app_label}_{opts.model_name}_import_holidays",
            ),
            *super().get_urls(),
        ]

    def may_import(self, request: HttpRequest, obj: BusinessCalendar | None = None) -> bool:
        return self.has_change_permission(request, obj) and request.user.has_perm(
            "qualification.add_holiday"
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = {"may_import_holidays": self.may_import(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def import_holidays_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Upload an .ics file; a good one adds its new days, a bad one adds nothing."""
        calendar = get_object_or_404(BusinessCalendar, pk=object_id)
        if not self.may_import(request, calendar):
            raise PermissionDenied
        change_url = reverse("admin:qualification_businesscalendar_change", args=[calendar.pk])
        if request.method == "POST":
            form = HolidayImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    report = holidays_import(
                        calendar_id=calendar.pk,
                        text=form.cleaned_data["file"],
                        years=form.cleaned_data["years"],
                        user=request.user,
                    )
                except IcsError as exc:
                    where = f"Line {exc.line}: " if exc.line else ""
                    form.add_error("file", f"{where}{exc.reason}. Nothing was imported.")
                else:
                    messages.success(request, f"{calendar.name}: {report.summary()}")
                    if report.refresh_requested:
                        messages.info(request, REFRESH_MESSAGE)
                    return HttpResponseRedirect(change_url)
        else:
            form = HolidayImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import holidays into {calendar.name}",
            "opts": self.model._meta,
            "original": calendar,
            "form": form,
            "change_url": change_url,
            "holiday_count": calendar.holidays.count(),
        }
        return TemplateResponse(
            request, "admin/qualification/businesscalendar/import_holidays.html", context
        )


@admin.register(SLAPolicy)
class SLAPolicyAdmin(SLARuleAdmin):
    form = SLAPolicyAdminForm
    list_display = ("__str__", "queue", "tier", "summary", "clock_starts", "return_on_breach")
    list_filter = ("queue", "tier", "calendar")
    list_select_related = ("calendar",)
    ordering = ("queue", "-tier")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Rule")
    def summary(self, obj: SLAPolicy) -> str:
        return policy_summary(obj)


@admin.register(SDRTeam)
class SDRTeamAdmin(LeadHubHistoryAdmin):
    form = SDRTeamAdminForm
    list_display = ("name", "manager", "member_count", "timezone", "webhook")
    list_select_related = ("manager",)
    search_fields = ("name",)
    filter_horizontal = ("members",)
    readonly_fields = ("webhook", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SDRTeam]:
        return super().get_queryset(request).annotate(member_total=Count("members", distinct=True))

    def get_fields(self, request: HttpRequest, obj: SDRTeam | None = None) -> list[str]:
        # Whoever may not edit the team reads the webhook masked, never the raw URL.
        secret = "webhook_url" if self.has_change_permission(request, obj) else "webhook"
        return ["name", "manager", "members", "timezone", secret, "updated_at"]

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, obj: SDRTeam) -> int:
        return obj.member_total

    @admin.display(description="Webhook")
    def webhook(self, obj: SDRTeam) -> str:
        return masked_url(obj.webhook_url)
