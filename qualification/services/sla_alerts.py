"""The SLA alert scan: leads whose stored clock entered warning or breach, alerted once.

Runs every minute (Celery beat, ``qualification.sla_alerts_scan``). It never computes a
clock: each lead stores ``sla_warn_at`` / ``sla_due_at`` (``services.sla_clocks``) and the
scan reads index ranges on them (the partial indexes ``lead_sla_running_warn`` and
``lead_sla_running_due``, both "clock running"), in batches, a fixed number of queries
per batch whatever its size.

Once-only rests on one database guarantee:

1. ``SLAAlert`` is unique per (lead, kind, deadline) and is inserted skipping conflicts
   (``db.inserts``: ``ON CONFLICT DO NOTHING RETURNING`` on PostgreSQL); only alerts this
   batch actually inserted get notifications, deliveries and a return to the pool. Two
   scans at once may read the same leads; one of them inserts each alert, and only that
   one notifies. (SQLite takes the write lock at ``BEGIN``, ``transaction_mode=IMMEDIATE``,
   which serializes scans entirely.)
2. The candidates are leads with no alert of that kind for their current deadline, so the
   next scan does not select a lead this one alerted, and a lead whose clock moves to a
   new deadline is alerted again (a new clock). No lead row is written to mark it.
3. Alerts, notifications and deliveries of a batch commit together; a crash rolls all of
   it back and the next scan does it again.

Deliveries (email, team webhook) are only rows here; each is sent by its own task once the
transaction commits (``services.alert_delivery``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.db.inserts import (
    alerts_insert,
    deliveries_insert,
    notifications_insert,
)
from qualification.models import (
    AlertKind,
    DeliveryChannel,
    Lead,
    LeadActivity,
    SDRTeam,
    SLAAlert,
)
from qualification.models.accounts import CLOCK_RUNNING
from qualification.models.choices import Tier
from qualification.selectors.sla import PolicyInfo, sla_policy_info_read
from qualification.services.alert_delivery import deliveries_enqueue
from qualification.services.alert_messages import AlertFacts, lead_name, notification_text
from qualification.services.rescore_requests import enqueue_safely
from qualification.services.sla_clocks import sla_clocks_refresh, sla_clocks_stale

logger = logging.getLogger(__name__)

BATCH = 2_000
MAX_BATCHES = 500  # 1,000,000 leads; a safety stop, never reached in practice
RETURN_NOTE = "Returned to the unassigned pool: SLA breached (no first touch by the deadline)"
_ROW = (
    "id",
    "owner_id",
    "queue",
    "tier",
    "sla_due_at",
    "first_name",
    "last_name",
    "email",
    "user_id",
    "account__name",
)


@dataclass
class ScanReport:
    """What one scan did (the task's result, and what the tests read)."""

    warnings: int = 0
    breaches: int = 0
    notifications: int = 0
    deliveries: int = 0
    returned: int = 0
    clocks_refresh_requested: bool = False
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Directory:
    """Who hears about whose leads: teams, their managers and webhooks (read once a scan)."""

    teams: dict[int, SDRTeam]
    teams_of: dict[int, list[int]]  # user id -> ids of the teams they are a member of

    @property
    def managers(self) -> list[int]:
        return sorted({t.manager_id for t in self.teams.values() if t.manager_id})


def _directory() -> Directory:
    teams = {t.pk: t for t in SDRTeam.objects.only("id", "name", "manager_id", "webhook_url")}
    teams_of: dict[int, list[int]] = defaultdict(list)
    for user_id, team_id in SDRTeam.members.through.objects.values_list("user_id", "sdrteam_id"):
        teams_of[user_id].append(team_id)
    return Directory(teams, dict(teams_of))


def _candidates(kind: str, now: datetime) -> QuerySet[Lead]:
    """Untouched workable leads whose clock entered ``kind`` and was not alerted for it.

    "Alerted" is an ``SLAAlert`` of that kind for the lead's current deadline (an anti-join
    on its unique index), so a scan writes no lead row and a moved deadline is alerted
    afresh by itself. Written so the planner can use the partial indexes: their condition
    ``CLOCK_RUNNING`` (untouched, not stopped) plus a range on the indexed column (which
    implies it is not null). A lead that left the queues is never alerted again.
    """
    alerted = SLAAlert.objects.filter(lead=OuterRef("pk"), kind=kind, due_at=OuterRef("sla_due_at"))
    open_leads = Lead.objects.filter(CLOCK_RUNNING, stage__in=SDR_WORKABLE_STAGES)
    if kind == AlertKind.BREACH:
        open_leads = open_leads.filter(sla_due_at__lte=now)
    else:
        open_leads = open_leads.filter(sla_warn_at__lte=now, sla_due_at__gt=now)
    return open_leads.filter(~Exists(alerted))


def _next_batch(kind: str, now: datetime) -> list[dict[str, Any]]:
    """The oldest candidates first. No row locks: locking 20,000 leads cost a third of a
    cold scan, and the unique alert already decides which scan notifies (see the module)."""
    order = "sla_due_at" if kind == AlertKind.BREACH else "sla_warn_at"
    return list(_candidates(kind, now).order_by(order, "pk").values(*_ROW)[:BATCH])


@dataclass(frozen=True)
class _Planned:
    row: dict[str, Any]
    alert: dict[str, Any]  # an SLAAlert row (db.inserts.ALERT_COLUMNS)
    returned: bool


def _plan(
    kind: str, rows: list[dict[str, Any]], now: datetime, info: dict[tuple[str, int], PolicyInfo]
) -> list[_Planned]:
    planned = []
    for row in rows:
        policy = info.get((row["queue"], row["tier"]))
        returned = bool(
            kind == AlertKind.BREACH
            and row["owner_id"]
            and policy is not None
            and policy.return_on_breach
        )
        alert = {
            "lead_id": row["id"],
            "kind": str(kind),
            "due_at": row["sla_due_at"],
            "owner_id": row["owner_id"],
            "escalated": row["owner_id"] is None and row["tier"] == Tier.HOT,
            "returned_to_pool": returned,
            "created_at": now,
        }
        planned.append(_Planned(row, alert, returned))
    return planned


def _return_to_pool(planned: list[_Planned], created: dict[int, int], now: datetime) -> list[int]:
    """Take breached leads back from their owners (per policy) and restart what depends on it.

    Only leads still untouched and owned by the alert's owner: the scan read them without a
    lock, so these few are locked and re-read here, and a first touch or a new assignment
    since the read wins.
    """
    owners = {
        p.alert["lead_id"]: p.alert["owner_id"]
        for p in planned
        if p.returned and p.alert["lead_id"] in created
    }
    ids = [
        lead_id
        for lead_id, owner_id in Lead.objects.select_for_update()
        .filter(pk__in=list(owners), first_touched_at__isnull=True)
        .values_list("pk", "owner_id")
        if owners[lead_id] == owner_id
    ]
    if not ids:
        return []
    Lead.objects.filter(pk__in=ids).update(owner=None, claimed_at=None, updated_at=now)
    LeadActivity.objects.bulk_create(
        LeadActivity(
            lead_id=lead_id,
            kind=LeadActivity.Kind.ASSIGNED,
            actor=None,
            note=RETURN_NOTE,
            occurred_at=now,
        )
        for lead_id in ids
    )
    # A policy whose clock starts at assignment has no clock without an owner.
    sla_clocks_refresh(lead_ids=ids)
    return ids


def _recipients(alert: dict[str, Any], directory: Directory) -> tuple[list[int], list[int]]:
    """(people to notify, teams whose webhook to post to) for one alert.

    Owned: the owner and the managers of the owner's teams. Unassigned and hot: escalated
    to every team's manager. Unassigned and not hot: nobody (the dashboard lists it).
    """
    if alert["owner_id"]:
        team_ids = directory.teams_of.get(alert["owner_id"], [])
        people = [alert["owner_id"]]
        people += [directory.teams[t].manager_id for t in team_ids if directory.teams[t].manager_id]
    elif alert["escalated"]:
        team_ids = list(directory.teams)
        people = directory.managers
    else:
        return [], []
    hooks = [t for t in team_ids if directory.teams[t].webhook_url]
    return list(dict.fromkeys(people)), hooks


def _facts(planned: _Planned) -> AlertFacts:
    row, alert = planned.row, planned.alert
    return AlertFacts(
        kind=alert["kind"],
        lead_id=alert["lead_id"],
        lead_name=lead_name(row["first_name"], row["last_name"], row["email"], row["user_id"]),
        account_name=row["account__name"] or "",
        tier_label=Tier(row["tier"]).label,
        due_at=alert["due_at"],
        escalated=alert["escalated"],
        returned_to_pool=alert["returned_to_pool"],
    )


def _fan_out(
    planned: list[_Planned], created: dict[int, int], directory: Directory, now: datetime
) -> tuple[int, list[int]]:
    """Notifications and delivery rows for the alerts just created; (count, delivery ids)."""
    notifications: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    for item in planned:
        lead_id = item.alert["lead_id"]
        alert_id = created.get(lead_id)
        if alert_id is None:
            continue
        people, hooks = _recipients(item.alert, directory)
        text = notification_text(_facts(item))
        for person in people:
            notifications.append(
                {"recipient_id": person, "alert_id": alert_id, "lead_id": lead_id,
                 "text": text, "created_at": now}
            )  # fmt: skip
            deliveries.append(
                {"alert_id": alert_id, "channel": DeliveryChannel.EMAIL.value,
                 "recipient_id": person, "created_at": now}
            )  # fmt: skip
        deliveries += [
            {"alert_id": alert_id, "channel": DeliveryChannel.WEBHOOK.value, "team_id": team,
             "created_at": now}
            for team in hooks
        ]  # fmt: skip
    notifications_insert(notifications)
    return len(notifications), deliveries_insert(deliveries)


def _scan_batch(
    kind: str,
    now: datetime,
    info: dict[tuple[str, int], PolicyInfo],
    directory: Directory,
    report: ScanReport,
) -> int:
    """One batch of one kind, in one transaction; returns how many leads it read."""
    with transaction.atomic():
        rows = _next_batch(kind, now)
        if not rows:
            return 0
        planned = _plan(kind, rows, now, info)
        created = alerts_insert([p.alert for p in planned])
        report.returned += len(_return_to_pool(planned, created, now))
        count, delivery_ids = _fan_out(planned, created, directory, now)
        deliveries_enqueue(delivery_ids)  # on commit
    report.batches += 1
    report.notifications += count
    report.deliveries += len(delivery_ids)
    if kind == AlertKind.BREACH:
        report.breaches += len(created)
    else:
        report.warnings += len(created)
    return len(rows)


def _refresh_stale_clocks(now: datetime) -> bool:
    """A lost refresh request (broker down) only delays: ask again while clocks are stale.

    Eager mode runs the refresh here, before the scan reads the clocks; with a worker the
    scan reads the clocks as they are and the next minute's scan sees the refreshed ones.
    A refresh is idempotent (it writes only clocks that differ), so asking twice is harmless.
    """
    if not sla_clocks_stale():
        return False
    return enqueue_safely("qualification.sla_clocks_refresh", 0, now.isoformat())


def sla_alerts_scan(*, now: datetime | None = None) -> ScanReport:
    """Alert every untouched lead whose clock entered warning or breach since the last scan.

    Breaches first: a lead that went past its warning and its deadline between two scans
    (or while the scan was not running) gets the breach alert only, since the warning query
    wants a deadline still ahead.
    """
    now = now or timezone.now()
    report = ScanReport(clocks_refresh_requested=_refresh_stale_clocks(now))
    info = sla_policy_info_read()
    directory = _directory()
    for kind in (AlertKind.BREACH, AlertKind.WARNING):
        for _ in range(MAX_BATCHES):
            if _scan_batch(kind, now, info, directory, report) < BATCH:
                break
    if report.breaches or report.warnings:
        logger.info("SLA alert scan: %s", report.as_dict())
    return report
