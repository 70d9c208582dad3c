"""The manager dashboard's figures against a small dataset computed by hand.

Every expected number below is worked out in the comments from the leads in ``build``; the
same expectations run on SQLite (the window-function percentile fallback) and on PostgreSQL
(``percentile_cont``), so the two paths cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from qualification.models import Lead
from qualification.roles import Role
from qualification.selectors.dashboard import DashboardFilters, dashboard_read, rep_strip_read
from qualification.selectors.dashboard.expressions import percentiles
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # a Sunday
START, END = date(2026, 11, 2), date(2026, 11, 29)  # Mon 2 - Sun 29 Nov: the default 4 weeks


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Data:
    alice: User
    bob: User
    carol: User
    leads: dict[str, Lead]
    team_a: object


def _lead(name: str, *, queue: str, tier: int, qualified: datetime, due: datetime | None,
          warn: datetime | None = None, touched: datetime | None = None, by: User | None = None,
          owner: User | None = None, met: bool | None = None, minutes: int | None = None,
          stage: str | None = None, source: str = "") -> Lead:  # fmt: skip
    return factories.LeadFactory(
        first_name=name,
        last_name="Lead",
        qualification=queue,
        queue=queue,
        pql_kind="usage" if queue == "pql" else "",
        tier=tier,
        stage=stage or queue,
        qualified_at=qualified,
        sla_started_at=qualified if due else None,
        sla_warn_at=warn or (due - timedelta(minutes=15) if due else None),
        sla_due_at=due,
        first_touched_at=touched,
        first_touched_by=by,
        owner=owner or by,
        sla_met=met,
        sla_response_minutes=minutes,
        source=source,
    )


def build() -> Data:
    """Eight leads in the period (seven with a clock), one before it.

    ======  =====  ===========  ============  =========  =====  ========  ========
    lead    queue  qualified    touched       by         met    business  wall min
    ======  =====  ===========  ============  =========  =====  ========  ========
    L1      MQL 4  Tue 3 09:00  09:04         alice      yes    4         4
    L2      MQL 4  Tue 3 10:00  10:05         alice      yes    5         5 (band 5-15)
    L3      MQL 3  Wed 4 16:30  Thu 5 09:45   bob        yes    45        1035
    L4      PQL 4  Tue 10 09:00 11:00         bob        no     120       120
    L5      PQL 4  Tue 10 12:00 never (due 13:00, owner bob)  -> missed, open breach
    L6      PQL 4  Sun 29 14:30 never (warn 14:50, due 15:30, owner alice) -> running, warning
    L7      MQL 4  Thu 12 09:00 09:03         carol      yes    3         3
    L8      MQL 4  Tue 20 Oct   (outside the period)
    L9      MQL 1  Sun 15 11:00 no clock (no policy)
    ======  =====  ===========  ============  =========  =====  ========  ========
    """
    alice = factories.user(Role.SDR, username="alice", first_name="Alice", last_name="Adams")
    bob = factories.user(Role.SDR, username="bob", first_name="Bob", last_name="Brown")
    carol = factories.user(Role.SDR, username="carol", first_name="Carol", last_name="Chen")
    team_a = factories.team(members=[alice], name="Team A")
    c1 = factories.criterion(name="Asked for a demo")
    c2 = factories.criterion(name="Viewed pricing")
    leads = {
        "L1": _lead("L1", queue="mql", tier=4, qualified=at(3, 9), due=at(3, 10),
                    touched=at(3, 9, 4), by=alice, met=True, minutes=4, stage="customer",
                    source="webinar"),
        "L2": _lead("L2", queue="mql", tier=4, qualified=at(3, 10), due=at(3, 11),
                    touched=at(3, 10, 5), by=alice, met=True, minutes=5, stage="sql",
                    source="webinar"),
        "L3": _lead("L3", queue="mql", tier=3, qualified=at(4, 16, 30), due=at(5, 10),
                    touched=at(5, 9, 45), by=bob, met=True, minutes=45, stage="disqualified",
                    source="paid_search"),
        "L4": _lead("L4", queue="pql", tier=4, qualified=at(10, 9), due=at(10, 10),
                    touched=at(10, 11), by=bob, met=False, minutes=120, stage="recycled",
                    source="product"),
        "L5": _lead("L5", queue="pql", tier=4, qualified=at(10, 12), due=at(10, 13),
                    owner=bob, source="product"),
        "L6": _lead("L6", queue="pql", tier=4, qualified=at(29, 14, 30), due=at(29, 15, 30),
                    warn=at(29, 14, 50), owner=alice, source="product"),
        "L7": _lead("L7", queue="mql", tier=4, qualified=at(12, 9), due=at(12, 10),
                    touched=at(12, 9, 3), by=carol, met=True, minutes=3, stage="sql",
                    source="webinar"),
        "L8": _lead("L8", queue="mql", tier=4, qualified=at(20, 9, month=10),
                    due=at(20, 10, month=10), touched=at(20, 9, 1, month=10), by=alice,
                    met=True, minutes=1, stage="sql", source="webinar"),
        "L9": _lead("L9", queue="mql", tier=1, qualified=at(15, 11), due=None,
                    source="webinar"),
    }  # fmt: skip
    moves = [
        ("L1", "new", "mql", at(3, 9), c1),
        ("L1", "mql", "sql", at(5, 9), None),
        ("L1", "sql", "opportunity", at(10, 9), None),
        ("L1", "opportunity", "customer", at(20, 9), None),
        ("L2", "new", "mql", at(3, 10), c1),
        ("L2", "mql", "sql", at(6, 9), None),
        ("L3", "new", "mql", at(4, 16, 30), c2),
        ("L3", "mql", "disqualified", at(6, 9), None),
        ("L4", "active_user", "pql", at(10, 9), None),
        ("L5", "active_user", "pql", at(10, 12), None),
        ("L6", "active_user", "pql", at(29, 14, 30), None),
        ("L7", "new", "mql", at(12, 9), c1),
        ("L7", "mql", "sql", at(13, 9), None),
        ("L8", "new", "mql", at(20, 9, month=10), c1),
        ("L8", "mql", "sql", at(21, 9, month=10), None),
        ("L9", "new", "mql", at(15, 11), None),
    ]
    for name, source, target, when, crit in moves:
        factories.transition(
            lead=leads[name], from_stage=source, to_stage=target, occurred_at=when, criterion=crit
        )
    factories.feedback(lead=leads["L3"], outcome="rejected", reason="not_icp")
    factories.feedback(lead=leads["L4"], outcome="rejected", reason="no_budget")
    factories.feedback(lead=leads["L2"], outcome="accepted", reason="")
    return Data(alice, bob, carol, leads, team_a)


@pytest.fixture
def data() -> Data:
    return build()


def read(tz: str = "UTC", rep_ids: set[int] | None = None, **dates: date):
    filters = DashboardFilters(
        dates.get("start", START),
        dates.get("end", END),
        ZoneInfo(tz),
        frozenset(rep_ids) if rep_ids is not None else None,
    )
    return dashboard_read(filters=filters, now=NOW)


def rows(table) -> list[list]:
    return [[round(v, 4) if isinstance(v, float) else v for v in row] for row in table.rows]


def test_attainment_by_queue_and_tier(data):
    # columns: queue, tier, clocked, met, missed, running, never touched, attainment,
    #          median/p90 business, median/p90 wall-clock
    # MQL hot = L1, L2, L7: business and wall [3, 4, 5] -> median 4, p90 at 1.8 -> 4.8
    # PQL hot = L4 (late), L5 (untouched past due), L6 (running): only L4 touched -> 120
    # All: business [3, 4, 5, 45, 120] -> median 5, p90 at 3.6 -> 45 + 0.6 * 75 = 90;
    #      wall [3, 4, 5, 120, 1035] -> median 5, p90 -> 120 + 0.6 * 915 = 669
    assert rows(read().attainment_queue) == [
        ["MQL", "hot", 3, 3, 0, 0, 0, 1.0, 4.0, 4.8, 4.0, 4.8],
        ["MQL", "warm", 1, 1, 0, 0, 0, 1.0, 45.0, 45.0, 1035.0, 1035.0],
        ["PQL", "hot", 3, 0, 2, 1, 2, 0.0, 120.0, 120.0, 120.0, 120.0],
        ["All", "All", 7, 4, 2, 1, 2, 0.6667, 5.0, 90.0, 5.0, 669.0],
    ]


def test_attainment_counts_a_lead_under_the_queue_it_qualified_into(data):
    """L3's signals aged after sales took it: its score reads "none" now, its clock was MQL."""
    Lead.objects.filter(pk=data.leads["L3"].pk).update(qualification="none")
    assert rows(read().attainment_queue)[1][:3] == ["MQL", "warm", 1]


def test_attainment_by_rep(data):
    # alice: L1, L2 met, L6 running (hers as owner); [4, 5] -> 4.5, p90 4.9
    # bob: L3 met, L4 late, L5 untouched past due -> 1/3; business [45, 120] -> 82.5 / 112.5,
    #      wall [120, 1035] -> 577.5 / 120 + 0.9 * 915 = 943.5
    assert rows(read().attainment_rep) == [
        ["Alice Adams", 3, 2, 0, 1, 1, 1.0, 4.5, 4.9, 4.5, 4.9],
        ["Bob Brown", 3, 1, 2, 0, 1, 0.3333, 82.5, 112.5, 577.5, 943.5],
        ["Carol Chen", 1, 1, 0, 0, 0, 1.0, 3.0, 3.0, 3.0, 3.0],
    ]


def test_open_alerts_and_never_touched(data):
    dash = read()
    assert (dash.alerts.breaches, dash.alerts.warnings) == (1, 1)
    assert [row[:2] for row in dash.alerts.table.rows] == [
        ["L5 Lead", "Breached"],
        ["L6 Lead", "Warning"],
    ]
    assert dash.alerts.table.links == [data.leads["L5"].pk, data.leads["L6"].pk]
    assert dash.never_touched_count == 2
    assert dash.never_touched.links == [data.leads["L5"].pk, data.leads["L6"].pk]


def test_a_touched_or_closed_lead_is_no_open_alert(data):
    Lead.objects.filter(pk=data.leads["L5"].pk).update(stage="disqualified")
    dash = read()
    assert (dash.alerts.breaches, dash.alerts.warnings) == (0, 1)


def test_response_bands_against_conversion(data):
    # wall minutes: L1 4, L7 3 -> 0-5 (both reached SQL); L2 5 -> 5-15 (SQL);
    # L3 1035 and L4 120 -> 60+ (neither converted); nothing in 15-60
    assert rows(read().bands) == [
        ["0\u20135 min", 2, 2, 1.0],
        ["5\u201315 min", 1, 1, 1.0],
        ["15\u201360 min", 0, 0, None],
        ["60+ min", 2, 0, 0.0],
    ]


def test_daily_arrivals_and_heatmaps(data):
    dash = read()
    daily = {row[0]: row[1:] for row in dash.arrivals_daily.rows}
    assert len(daily) == 28
    assert daily[date(2026, 11, 3)] == [2, 0]
    assert daily[date(2026, 11, 10)] == [0, 2]
    assert sum(r[0] for r in daily.values()) == 5
    assert sum(r[1] for r in daily.values()) == 3
    # ISO weekday, hour (UTC viewer): Tue 09 has L1 and L4
    assert dash.heat_arrivals.cells == {
        (2, 9): 2, (2, 10): 1, (3, 16): 1, (2, 12): 1, (4, 9): 1, (7, 11): 1, (7, 14): 1,
    }  # fmt: skip
    # missed leads at the hour they qualified: L4 Tue 09, L5 Tue 12
    assert dash.heat_breaches.cells == {(2, 9): 1, (2, 12): 1}


def test_days_and_hours_follow_the_viewers_zone(data):
    # In Tokyo (UTC+9) L3's 16:30 UTC Wednesday arrival is Thursday 01:30, and the period's
    # first local day starts at 15:00 UTC on 1 November.
    dash = read(tz="Asia/Tokyo")
    assert dash.heat_arrivals.cells[(4, 1)] == 1
    assert (3, 16) not in dash.heat_arrivals.cells
    daily = {row[0]: row[1:] for row in dash.arrivals_daily.rows}
    assert daily[date(2026, 11, 5)] == [1, 0]
    # L6 arrived at 23:30 Tokyo time on the 29th: still inside the period
    assert daily[date(2026, 11, 29)] == [0, 1]


def test_funnels(data):
    dash = read()
    # MQL cohort L1 L2 L3 L7 L9: SQL L1 L2 L7, opportunity L1, won L1. PQL cohort L4 L5 L6.
    assert [(f.name, f.steps) for f in dash.funnels] == [
        ("MQL", [("MQL", 5), ("SQL", 3), ("Opportunity", 1), ("Won", 1)]),
        ("PQL", [("PQL", 3), ("SQL", 0), ("Opportunity", 0), ("Won", 0)]),
    ]
    assert rows(dash.funnel)[1] == ["MQL", "SQL", 3, 0.6, 0.6]
    assert rows(dash.funnel)[2] == ["MQL", "Opportunity", 1, 0.3333, 0.2]
    assert rows(dash.funnel)[5] == ["PQL", "SQL", 0, 0.0, 0.0]
    assert rows(dash.funnel)[6] == ["PQL", "Opportunity", 0, None, 0.0]


def test_false_positives(data):
    dash = read()
    assert rows(dash.fp_source) == [
        ["paid_search", 1, 1, 1.0],
        ["product", 3, 1, 0.3333],
        ["webinar", 4, 0, 0.0],
    ]
    assert rows(dash.fp_criterion) == [
        ["Viewed pricing", 1, 1, 1.0],
        ["(thresholds, no single criterion)", 4, 1, 0.25],
        ["Asked for a demo", 3, 0, 0.0],
    ]


def test_weekly_trends(data):
    # weeks from Monday: 2 Nov (L1 L2 L3), 9 Nov (L4 L5 L7 L9), 16 Nov (none), 23 Nov (L6)
    assert rows(read().trends) == [
        [date(2026, 11, 2), 3, 3, 0, 1.0, 5.0],
        [date(2026, 11, 9), 4, 1, 2, 0.3333, 61.5],
        [date(2026, 11, 16), 0, 0, 0, None, None],
        [date(2026, 11, 23), 1, 0, 0, None, None],
    ]


def test_one_rep(data):
    dash = read(rep_ids={data.bob.pk})
    assert rows(dash.attainment_queue) == [
        ["MQL", "warm", 1, 1, 0, 0, 0, 1.0, 45.0, 45.0, 1035.0, 1035.0],
        ["PQL", "hot", 2, 0, 2, 0, 1, 0.0, 120.0, 120.0, 120.0, 120.0],
        ["All", "All", 3, 1, 2, 0, 1, 0.3333, 82.5, 112.5, 577.5, 943.5],
    ]
    assert [row[0] for row in dash.attainment_rep.rows] == ["Bob Brown"]
    assert (dash.alerts.breaches, dash.alerts.warnings) == (1, 0)
    assert [(f.name, f.steps[0][1]) for f in dash.funnels] == [("MQL", 1), ("PQL", 2)]


def test_a_team_is_its_members(data):
    dash = read(rep_ids=set(data.team_a.members.values_list("pk", flat=True)))
    assert [row[:8] for row in rows(dash.attainment_queue)] == [
        ["MQL", "hot", 2, 2, 0, 0, 0, 1.0],
        ["PQL", "hot", 1, 0, 0, 1, 1, None],
        ["All", "All", 3, 2, 0, 1, 1, 1.0],
    ]
    assert (dash.alerts.breaches, dash.alerts.warnings) == (0, 1)


def test_an_empty_period_has_empty_sections(data):
    dash = read(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert all(table.empty for key, table in dash.tables().items() if key != "open-alerts")
    assert dash.funnels == []
    assert dash.never_touched_count == 0
    assert (dash.alerts.breaches, dash.alerts.warnings) == (1, 1)  # "right now", not the period


def test_rep_strip(data):
    alice = rep_strip_read(user=data.alice, now=NOW)
    assert (alice.touched, alice.attainment, alice.median_business_minutes, alice.open_overdue) == (
        2, 1.0, 4.5, 0,
    )  # fmt: skip
    bob = rep_strip_read(user=data.bob, now=NOW)
    assert (bob.touched, round(bob.attainment, 4), bob.median_business_minutes, bob.open_overdue) == (
        2, 0.3333, 82.5, 1,
    )  # fmt: skip


def test_rep_strip_is_none_for_someone_with_no_leads(data):
    assert rep_strip_read(user=factories.user(Role.SDR, username="new-rep"), now=NOW) is None


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [([7], 7.0, 7.0), ([1, 2], 1.5, 1.9), ([10, 20, 30, 40, 100], 30.0, 76.0)],
)
def test_percentiles_interpolate_like_percentile_cont(values, median, p90):
    for value in values:
        factories.LeadFactory(sla_response_minutes=value, tier=4)
    factories.LeadFactory(tier=4)  # no value: left out, not a zero
    got = percentiles(Lead.objects.all(), "sla_response_minutes", ["tier"])
    assert got[(4,)][0.5] == pytest.approx(median)
    assert got[(4,)][0.9] == pytest.approx(p90)


def test_the_benchmarks_bare_sql_is_the_funnel_aggregate(data):
    from django.db import connection

    from qualification.devdata.benchmark.dashboard_sql import largest_aggregate_sql

    with connection.cursor() as cursor:
        cursor.execute(largest_aggregate_sql(now=NOW))
        row = cursor.fetchone()
    # The default period ending NOW in UTC is the dataset's period: the funnel counts of
    # test_funnels (MQL 5 -> 3 -> 1 -> 1, PQL 3 -> 0 -> 0 -> 0).
    assert [int(value or 0) for value in row] == [5, 3, 1, 1, 3, 0, 0, 0]
