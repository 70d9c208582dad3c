"""The notifications inbox (/notifications/): SLA alerts for the signed-in person.

Thin: the notification service reads and marks, scoped to the recipient, so another
person's notification is a 404 here. Every signed-in user has an inbox (the login
middleware guards it); only people alerts go to (owners, team managers) ever get rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from qualification.services.notifications import (
    inbox_read,
    notification_open,
    notifications_mark_all_read,
)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first; unread ones are marked as such."""
    inbox = inbox_read(user_id=request.user.pk)
    return render(request, "qualification/notifications/list.html", {"inbox": inbox})


@require_GET
def notification_go(request: HttpRequest, notification_id: int) -> HttpResponseRedirect:
    """Open a notification: mark it read and go to its lead."""
    lead_id = notification_open(user_id=request.user.pk, notification_id=notification_id)
    return redirect("lead-detail", lead_id=lead_id)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponseRedirect:
    count = notifications_mark_all_read(user_id=request.user.pk)
    if count:
        messages.success(
            request, f"Marked {count} notification{'s' if count != 1 else ''} as read."
        )
    else:
        messages.info(request, "Nothing to mark: every notification was already read.")
    return HttpResponseRedirect(reverse("notifications"))


urlpatterns: list[URLPattern] = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:notification_id>/", notification_go, name="notification-open"),
    path("notifications/read-all/", notification_read_all, name="notifications-read-all"),
]
