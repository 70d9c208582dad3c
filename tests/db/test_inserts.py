"""The alert scan's bulk inserts: the PostgreSQL ``unnest`` path stores what the ORM stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from qualification.db import inserts
from qualification.models import (
    AlertKind,
    DeliveryChannel,
    Lead,
    Notification,
    NotificationDelivery,
    SLAAlert,
)
from qualification.roles import Role
from tests.factories import LeadFactory, team, user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DUE = NOW - timedelta(minutes=5)


def _alert(lead: Lead, owner=None, kind: str = AlertKind.BREACH, due=DUE) -> dict:
    return {
        "lead_id": lead.pk,
        "kind": kind,
        "due_at": due,
        "owner_id": owner.pk if owner else None,
        "escalated": owner is None,
        "returned_to_pool": False,
        "created_at": NOW,
    }


def _alerts_insert(path: str, alerts: list[dict]) -> dict[int, int]:
    if path == "orm":
        return inserts._alerts_insert_orm(alerts)
    return inserts.alerts_insert(alerts)


@pytest.fixture(params=["fast", "orm"])
def path(request) -> str:
    if request.param == "fast":
        request.getfixturevalue("postgres")
    return request.param


def test_only_the_alerts_this_insert_created_are_returned(path):
    rep = user(Role.SDR, username="rep")
    old, new, moved = LeadFactory(), LeadFactory(), LeadFactory()
    existing = _alerts_insert(path, [_alert(old, rep), _alert(moved)])
    assert set(existing) == {old.pk, moved.pk}

    later_due = DUE + timedelta(days=1)  # a new clock for "moved": a new alert
    created = _alerts_insert(
        path, [_alert(old, rep), _alert(new, rep), _alert(moved, due=later_due)]
    )
    assert set(created) == {new.pk, moved.pk}
    assert created[new.pk] == SLAAlert.objects.get(lead=new).pk
    assert SLAAlert.objects.filter(lead=old).count() == 1
    stored = SLAAlert.objects.values("kind", "owner_id", "escalated", "due_at").get(lead=new)
    assert stored == {"kind": "breach", "owner_id": rep.pk, "escalated": False, "due_at": DUE}


def test_notifications_and_deliveries_are_stored_with_their_ids(path):
    rep, squad = user(Role.SDR, username="rep"), team(name="Inbound")
    lead = LeadFactory()
    alert_id = _alerts_insert(path, [_alert(lead, rep, kind=AlertKind.WARNING)])[lead.pk]
    vendor = "sqlite" if path == "orm" else "postgresql"
    with mock.patch.object(inserts.connection, "vendor", vendor):
        inserts.notifications_insert(
            [{"recipient_id": rep.pk, "alert_id": alert_id, "lead_id": lead.pk,
              "text": "SLA warning: Ada", "created_at": NOW}]
        )  # fmt: skip
        ids = inserts.deliveries_insert(
            [
                {"alert_id": alert_id, "channel": DeliveryChannel.EMAIL, "recipient_id": rep.pk,
                 "created_at": NOW},
                {"alert_id": alert_id, "channel": DeliveryChannel.WEBHOOK, "team_id": squad.pk,
                 "created_at": NOW},
            ]
        )  # fmt: skip
    assert sorted(ids) == sorted(NotificationDelivery.objects.values_list("pk", flat=True))
    stored = NotificationDelivery.objects.order_by("channel").values(
        "channel", "recipient_id", "team_id", "status", "attempts", "last_error", "sent_at"
    )
    assert list(stored) == [
        {"channel": "email", "recipient_id": rep.pk, "team_id": None, "status": "pending",
         "attempts": 0, "last_error": "", "sent_at": None},
        {"channel": "webhook", "recipient_id": None, "team_id": squad.pk, "status": "pending",
         "attempts": 0, "last_error": "", "sent_at": None},
    ]  # fmt: skip
    note = Notification.objects.get()
    assert (note.recipient_id, note.text, note.read_at) == (rep.pk, "SLA warning: Ada", None)
