"""Dashboard and SLA alert figures, each beside the bare SQL doing the core of its work.

``dashboard_ms`` is GET /dashboard/ (default filters) as a manager through
django.test.Client, the whole server path; ``dashboard_sql_ms`` runs only the largest
aggregate it needs (``dashboard_sql.largest_aggregate_sql()``, from the dashboard's own
selectors), so their ratio is what the rest of the page costs.

``alert_scan_s`` is one ``sla_alerts_scan`` over 100,000 open, untouched, owned leads whose
clocks used a spread share of their allowance (about 8 % in warning, 12 % overdue):
the first scan after the clocks moved creates every alert, its notifications and delivery
rows; ``alert_scan_repeat_s`` is the next scan, which finds nothing new (what it costs
every minute). ``alert_scan_sql_s`` is the bare SQL of the scan's reads: both candidate
selections, rows fetched. It all runs in one transaction that is rolled back, so the data
set keeps its story and no delivery task is sent (on-commit work never runs).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from qualification.core.sla import clock_times, latest_start_due_by
from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.devdata.benchmark.sales import (
    LEAD_COLUMNS,
    policies_ensure,
    staff_ensure,
    update_lead_columns,
)
from qualification.models import Lead, SLAAlert
from qualification.services.sla_clocks import sla_clocks_mark_refreshed

MANAGER = "bench-manager-0"


def _median_ms(action: Callable[[], Any], repeats: int) -> float:
    action()  # warm-up: caches, connections, compiled templates
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(runs), 1)


def dashboard_ms(*, repeats: int = 5, path: str = "/dashboard/") -> float:
    """Median milliseconds for GET /dashboard/ with its default filters, as a manager."""
    staff_ensure()
    client = Client()
    client.force_login(User.objects.get(username=MANAGER))

    def get() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return _median_ms(get, repeats)


def _largest_aggregate() -> tuple[str, str, list[Any]]:
    """(what it is, SQL, params) of the dashboard's largest aggregate.

    From the dashboard's own module when it is there; otherwise a clearly named stand-in:
    the SLA attainment aggregate (met, missed, medians) over 90 days of qualified leads.
    """
    try:
        from qualification.devdata.benchmark.dashboard_sql import largest_aggregate_sql
    except ImportError:
        largest_aggregate_sql = None
    if largest_aggregate_sql is not None:
        made = largest_aggregate_sql()
        sql, params = (made, []) if isinstance(made, str) else made
        return "dashboard_sql.largest_aggregate_sql", sql, list(params)
    since = timezone.now() - timedelta(days=90)
    sql = (
        f"SELECT owner_id, queue, tier, COUNT(*), "
        f"SUM(CASE WHEN sla_met THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN sla_met = false OR (first_touched_at IS NULL AND "
        f"sla_stopped_at IS NULL AND sla_due_at < %s) OR sla_due_at < sla_stopped_at "
        f"THEN 1 ELSE 0 END), AVG(sla_response_minutes) "
        f"FROM {Lead._meta.db_table} WHERE qualified_at >= %s AND sla_due_at IS NOT NULL "
        f"GROUP BY owner_id, queue, tier"
    )
    return "stand-in: SLA attainment per owner, queue and tier", sql, [timezone.now(), since]


def dashboard_sql_ms(*, repeats: int = 5) -> tuple[float, str]:
    """Median milliseconds of the largest aggregate's bare SQL, rows fetched; and its name."""
    name, sql, params = _largest_aggregate()

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(run, repeats), name


def _allowance_used(rng: random.Random) -> float:
    """How much of its allowance an open clock has used: most are well inside it, about
    one in twelve is in warning and one in eight overdue (some by a lot)."""
    roll = rng.random()
    if roll < 0.8:
        return rng.uniform(0.0, 0.75)
    if roll < 0.88:
        return rng.uniform(0.76, 0.99)
    return rng.uniform(1.01, 4.0)


def _open_clocks(lead_ids: list[int], now: datetime, reps: list[int]) -> list[tuple]:
    """Every lead open, untouched and owned, with a clock that has used some of its allowance."""
    policies = policies_ensure()
    keys = sorted(policies)
    rng = random.Random(7)
    rows = []
    for lead_id in lead_ids:
        queue, tier = keys[rng.randrange(len(keys))]
        spec = policies[(queue, tier)]
        used = _allowance_used(rng)
        started = latest_start_due_by(now, max(1, math.ceil(used * spec.response_minutes)), spec)
        clock = clock_times(started, spec)
        owner = reps[rng.randrange(len(reps))]
        rows.append((lead_id, queue, "usage" if queue == "pql" else "", queue, tier, queue,
                     started, owner, started, None, None, clock.started_at, clock.warn_at,
                     clock.due_at, None, None))  # fmt: skip
    return rows


def _scan_sql(now: datetime) -> float:
    """The scan's two candidate reads as bare SQL (index ranges on the stored clock)."""
    table = Lead._meta.db_table
    stages = list(SDR_WORKABLE_STAGES)
    marks = ", ".join(["%s"] * len(stages))
    open_rows = f"first_touched_at IS NULL AND sla_stopped_at IS NULL AND stage IN ({marks})"
    alerts = SLAAlert._meta.db_table
    not_alerted = (
        f"NOT EXISTS (SELECT 1 FROM {alerts} a WHERE a.lead_id = l.id AND a.kind = %s "
        "AND a.due_at = l.sla_due_at)"
    )
    statements = [
        (f"SELECT id, owner_id, queue, tier, sla_due_at FROM {table} l WHERE {open_rows} "
         f"AND sla_due_at <= %s AND {not_alerted} ORDER BY sla_due_at, id",
         [*stages, now, "breach"]),
        (f"SELECT id, owner_id, queue, tier, sla_due_at FROM {table} l WHERE {open_rows} "
         f"AND sla_warn_at <= %s AND sla_due_at > %s AND {not_alerted} "
         "ORDER BY sla_warn_at, id", [*stages, now, now, "warning"]),
    ]  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - started


def alert_scan_figures(lead_ids: list[int]) -> dict[str, Any]:
    """Cold and steady-state scan over every given lead as an open clock; rolled back."""
    from qualification.services.sla_alerts import sla_alerts_scan

    now = timezone.now()
    staff = staff_ensure()
    figures: dict[str, Any] = {}
    with transaction.atomic():
        update_lead_columns(_open_clocks(lead_ids, now, staff.reps), LEAD_COLUMNS)
        sla_clocks_mark_refreshed(started=now)  # the clocks just set follow the rules
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Lead._meta.db_table}")
        open_leads = Lead.objects.filter(pk__in=lead_ids, first_touched_at=None)
        figures["alert_scan_leads"] = open_leads.count()
        sql_s = _scan_sql(now)
        started = time.perf_counter()
        cold = sla_alerts_scan(now=now)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        repeat = sla_alerts_scan(now=now)
        repeat_s = time.perf_counter() - started
        figures.update(
            alert_scan_s=round(cold_s, 3),
            alert_scan_repeat_s=round(repeat_s, 3),
            alert_scan_sql_s=round(sql_s, 5),  # a tiny data set scans in under a millisecond
            alert_scan_ratio=round(cold_s / sql_s, 1) if sql_s else None,
            alert_scan_warnings=cold.warnings,
            alert_scan_breaches=cold.breaches,
            alert_scan_notifications=cold.notifications,
            alert_scan_repeat_new=repeat.warnings + repeat.breaches,
        )
        transaction.set_rollback(True)
    return figures
