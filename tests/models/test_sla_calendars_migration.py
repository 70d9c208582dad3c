"""Migration 0020: each policy's business time becomes a calendar; minutes-left become a %."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("qualification", "0019_sla_calendars_alerts")]
AFTER = [("qualification", "0021_sla_policy_calendar_required")]


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_policies_share_calendars_by_business_time_and_warnings_become_percent(executor):
    apps = executor.loader.project_state(BEFORE).apps
    Policy = apps.get_model("qualification", "SLAPolicy")
    berlin = {
        "timezone": "Europe/Berlin",
        "business_day_start": time(9),
        "business_day_end": time(17),
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
    }
    Policy.objects.create(queue="pql", tier=4, response_minutes=60, warning_minutes=15, **berlin)
    Policy.objects.create(queue="mql", tier=4, response_minutes=240, warning_minutes=0, **berlin)
    Policy.objects.create(
        queue="mql",
        tier=3,
        response_minutes=100,
        warning_minutes=99,
        timezone="America/New_York",
        business_day_start=time(8),
        business_day_end=time(18),
        workdays=["mon", "tue"],
    )

    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Policy = apps.get_model("qualification", "SLAPolicy")
    rows = {(p.queue, p.tier): p for p in Policy.objects.select_related("calendar").all()}

    hot_pql, hot_mql, warm_mql = rows["pql", 4], rows["mql", 4], rows["mql", 3]
    assert hot_pql.calendar_id == hot_mql.calendar_id != warm_mql.calendar_id
    assert hot_pql.calendar.timezone == "Europe/Berlin"
    assert (hot_pql.calendar.day_start, hot_pql.calendar.day_end) == (time(9), time(17))
    assert warm_mql.calendar.workdays == ["mon", "tue"]
    assert warm_mql.calendar.day_start == time(8)
    # 15 of 60 minutes left = warn at 75 % used; none set = the 75 % default; 99 of 100
    # minutes left would be 1 % used, the earliest warning allowed.
    assert (hot_pql.warning_percent, hot_mql.warning_percent, warm_mql.warning_percent) == (
        75,
        75,
        1,
    )
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    assert PeriodicTask.objects.filter(task="qualification.sla_alerts_scan").exists()
