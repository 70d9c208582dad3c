"""SLA alerts and their deliveries: read-only lists, and a retry for failed deliveries.

Alerts and deliveries are written by the scan and the send task only (their once-only
rules live there), so the admin shows them and never edits them. What ops need is to see
why an email or webhook post failed (``last_error``, attempts) and, once the cause is fixed
(an address added, a webhook URL corrected), send the failed ones again.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from qualification.admin.base import AppendOnlyAdminMixin, ReadOnlyInline
from qualification.models import NotificationDelivery, SLAAlert
from qualification.services.alert_delivery import deliveries_retry


class DeliveryInline(ReadOnlyInline):
    model = NotificationDelivery
    fields = ("channel", "recipient", "team", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields


@admin.register(SLAAlert)
class SLAAlertAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "lead",
        "kind",
        "due_at",
        "owner",
        "escalated",
        "returned_to_pool",
        "created_at",
    )
    list_filter = ("kind", "escalated", "returned_to_pool")
    list_select_related = ("lead", "owner")
    search_fields = ("lead__email", "lead__first_name", "lead__last_name", "owner__username")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [DeliveryInline]


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "alert",
        "channel",
        "recipient",
        "team",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel")
    list_select_related = ("alert__lead", "recipient", "team")
    search_fields = ("recipient__username", "recipient__email", "team__name", "last_error")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["retry_failed"]

    @admin.action(description="Retry failed deliveries (sent ones are never sent again)")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[NotificationDelivery]) -> None:
        try:
            count = deliveries_retry(
                delivery_ids=list(queryset.values_list("pk", flat=True)), user=request.user
            )
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        if count:
            self.message_user(
                request,
                f"{count} failed deliver{'ies' if count != 1 else 'y'} queued to be sent again.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "None of the selected deliveries had failed; nothing was queued.",
                messages.WARNING,
            )
