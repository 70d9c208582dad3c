"""The top bar's bell: how many unread notifications the signed-in person has.

Every page runs this, so it is one query on the partial index of unread notifications
(``notification_unread``), capped: past ``CAP`` the bell says "99+", and counting the
exact backlog of someone who never reads them would cost every page a scan.
"""

from __future__ import annotations

from django.http import HttpRequest

from qualification.services.notifications import unread_count_read

CAP = 99


def notifications(request: HttpRequest) -> dict:
    """``unread_notifications`` (int, at most CAP + 1) and its label for the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = unread_count_read(user_id=user.pk, cap=CAP + 1)
    shown = f"{CAP}+" if count > CAP else str(count)
    if count == 0:
        label = "No unread notifications"
    elif count == 1:
        label = "1 unread notification"
    else:
        label = f"{shown} unread notifications"
    return {"unread_notifications": count, "unread_shown": shown, "unread_label": label}
