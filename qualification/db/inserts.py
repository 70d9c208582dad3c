"""Bulk inserts of the SLA alert scan: one ``INSERT ... SELECT FROM unnest`` per table.

The first scan after clocks moved (a long weekend ending, a policy shortened) can create
tens of thousands of alerts, each with notifications and delivery rows. Django's
``bulk_create`` sends every value as its own client-side-quoted parameter, and with
``ignore_conflicts`` it cannot say which rows it inserted, so the readable path reads the
alerts before and after the insert. On PostgreSQL one statement per table sends one
binary array per column, and ``ON CONFLICT DO NOTHING RETURNING`` names exactly the rows
it inserted. Rows are plain dicts keyed by column: a Django model instance per row cost
more than the inserts themselves. Other databases take the readable path; both store the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from qualification.db.writes import unnest_insert
from qualification.models import Notification, NotificationDelivery, SLAAlert

ALERT_COLUMNS = {
    "lead_id": "bigint",
    "kind": "varchar",
    "due_at": "timestamptz",
    "owner_id": "integer",
    "escalated": "boolean",
    "returned_to_pool": "boolean",
    "created_at": "timestamptz",
}
NOTIFICATION_COLUMNS = {
    "recipient_id": "integer",
    "alert_id": "bigint",
    "lead_id": "bigint",
    "text": "varchar",
    "created_at": "timestamptz",
}
DELIVERY_COLUMNS = {
    "alert_id": "bigint",
    "channel": "varchar",
    "recipient_id": "integer",
    "team_id": "bigint",
    "status": "varchar",
    "attempts": "smallint",
    "last_error": "varchar",
    "created_at": "timestamptz",
}
# What a new delivery row holds besides its alert, channel, addressee and time.
DELIVERY_DEFAULTS = {
    "recipient_id": None,
    "team_id": None,
    "status": "pending",
    "attempts": 0,
    "last_error": "",
}


Row = Mapping[str, Any]


def alerts_insert(alerts: Sequence[Row]) -> dict[int, int]:
    """Insert alerts, skipping any that exist; returns {lead id: alert id} for those inserted.

    The caller holds the leads' row locks, so nobody else inserts alerts for them meanwhile.
    """
    if not alerts:
        return {}
    if connection.vendor == "postgresql":
        rows = unnest_insert(
            SLAAlert, ALERT_COLUMNS, alerts, conflict="DO NOTHING", returning=("lead_id", "id")
        )
        return dict(rows)
    return _alerts_insert_orm(alerts)


def _alerts_insert_orm(alerts: Sequence[Row]) -> dict[int, int]:
    """An alert that exists before the insert is not ours; one that exists after it is."""
    lead_ids = [a["lead_id"] for a in alerts]
    kinds = {a["kind"] for a in alerts}

    def existing() -> dict[tuple[int, str, datetime], int]:
        rows = SLAAlert.objects.filter(lead_id__in=lead_ids, kind__in=kinds)
        return {
            (lead, kind, due): pk
            for pk, lead, kind, due in rows.values_list("pk", "lead_id", "kind", "due_at")
        }

    before = existing()
    SLAAlert.objects.bulk_create(
        [SLAAlert(**alert) for alert in alerts], ignore_conflicts=True, batch_size=500
    )
    after = existing()
    return {
        a["lead_id"]: after[key]
        for a in alerts
        if (key := (a["lead_id"], a["kind"], a["due_at"])) in after and key not in before
    }


def notifications_insert(notifications: Sequence[Row]) -> None:
    """Insert in-app notifications (for alerts just created, so none exists yet)."""
    if not notifications:
        return
    if connection.vendor == "postgresql":
        unnest_insert(Notification, NOTIFICATION_COLUMNS, notifications)
    else:
        Notification.objects.bulk_create([Notification(**n) for n in notifications], batch_size=500)


def deliveries_insert(deliveries: Sequence[Row]) -> list[int]:
    """Insert delivery rows (pending, for alerts just created); returns their ids."""
    if not deliveries:
        return []
    rows = [{**DELIVERY_DEFAULTS, **d} for d in deliveries]
    if connection.vendor == "postgresql":
        return [pk for (pk,) in unnest_insert(
            NotificationDelivery, DELIVERY_COLUMNS, rows, returning=("id",)
        )]  # fmt: skip
    made = NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(**row) for row in rows], batch_size=500
    )
    if all(d.pk is not None for d in made):
        return [d.pk for d in made]
    # A backend that does not return ids from a bulk insert: the alerts are new, so every
    # delivery of theirs is one of these.
    alert_ids = {d["alert_id"] for d in rows}
    return list(
        NotificationDelivery.objects.filter(alert_id__in=alert_ids).values_list("pk", flat=True)
    )
