"""A person's in-app notifications (the bell and /notifications/): reads and mark-as-read.

Everything is scoped to the recipient in the query itself, so someone else's notification
is simply not found (a 404), never shown and never marked. The reads sit with the two
writes they serve because nothing else reads notifications.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from qualification.models import Notification

INBOX_LIMIT = 200


def unread_count_read(*, user_id: int, cap: int) -> int:
    """Unread notifications, counted up to ``cap`` (the bell shows "99+" beyond)."""
    ids = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).values("pk")
    return ids[:cap].count()


@dataclass(frozen=True)
class Inbox:
    items: list[Notification]
    unread: int
    total: int
    limit: int


def inbox_read(*, user_id: int, limit: int = INBOX_LIMIT) -> Inbox:
    """The newest ``limit`` notifications with their alert and lead (three queries)."""
    mine: QuerySet[Notification] = Notification.objects.filter(recipient_id=user_id)
    items = list(
        mine.select_related("alert", "lead", "lead__account").order_by("-created_at", "-id")[:limit]
    )
    return Inbox(
        items=items,
        unread=mine.filter(read_at__isnull=True).count(),
        total=mine.count(),
        limit=limit,
    )


def notification_open(*, user_id: int, notification_id: int) -> int:
    """Mark one of the user's notifications read; returns its lead's id (404 if not theirs)."""
    found = (
        Notification.objects.filter(pk=notification_id, recipient_id=user_id)
        .values_list("lead_id", "read_at")
        .first()
    )
    if found is None:
        raise Http404("No such notification.")
    lead_id, read_at = found
    if read_at is None:
        Notification.objects.filter(pk=notification_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return lead_id


def notifications_mark_all_read(*, user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
