"""The benchmark command on a tiny data set: it generates, reuses, and reports every figure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qualification.devdata.benchmark import ingest, measure, sales
from qualification.models import (
    CriteriaVersion,
    Event,
    Feedback,
    Lead,
    LeadActivity,
    Notification,
    SDRTeam,
    SLAAlert,
    StageTransition,
)

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = StringIO()
    call_command(
        "benchmark", "--json", "--no-ingest", "--no-learning", "--no-workers", *args, stdout=out
    )
    return json.loads(out.getvalue())


def test_generates_then_reuses_the_data_set_and_reports_figures():
    first = _run("--leads", "60", "--events", "900")
    assert first["dataset_reused"] is False
    assert Lead.objects.filter(account__domain__endswith=".bench").count() == 60
    assert Event.objects.filter(message_id__startswith="bench-").count() == 900
    assert first["criteria"] >= 25
    assert first["rescored"] == 60
    assert first["rescore_failed"] == 0
    for figure in ("sql_aggregate_s", "rescore_full_s", "rescore_1000_s", "queue_page_ms"):
        assert first[figure] > 0
    assert first["search_ms"] > 0  # selectors.search through the page, and its bare SQL
    assert first["search_sql_ms"] > 0
    assert first["rescore_ratio"] == pytest.approx(
        first["rescore_full_s"] / first["sql_aggregate_s"],
        rel=0.25,  # inputs rounded to ms
    )
    # The preview of a draft (5 criteria re-pointed, 1 added) over the same leads.
    assert first["preview_status"] == "done"
    assert first["preview_s"] > 0
    assert first["preview_start_ms"] > 0
    assert first["preview_ratio"] == pytest.approx(
        first["preview_s"] / first["sql_aggregate_s"], rel=0.25
    )
    assert isinstance(first["preview_entering"], int)
    draft = CriteriaVersion.objects.get(title=measure.PREVIEW_DRAFT_TITLE)
    assert draft.previews.get().figures["leads"] == 60
    second = _run("--leads", "60", "--events", "900")
    # Each run previews a fresh draft rather than piling them up.
    assert CriteriaVersion.objects.filter(title=measure.PREVIEW_DRAFT_TITLE).count() == 1
    assert second["dataset_reused"] is True
    assert second["rescore_written"] < 60  # nothing changed since the first run's scores
    assert Event.objects.filter(message_id__startswith="bench-").count() == 900


def test_other_sizes_replace_the_data_set():
    _run("--leads", "30", "--events", "300")
    _run("--leads", "20", "--events", "100")
    assert Lead.objects.filter(account__domain__endswith=".bench").count() == 20
    assert Event.objects.filter(message_id__startswith="bench-").count() == 100


def test_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="--leads must be at least 1"):
        call_command("benchmark", "--leads", "0", "--no-ingest")


def test_raw_insert_figure_leaves_no_rows_behind():
    before = Event.objects.count()
    assert ingest.raw_insert_events_per_s(events=500) > 0
    assert Event.objects.count() == before


def test_all_qualified_queue_figures_roll_back():
    _run("--leads", "40", "--events", "200")
    before = list(Lead.objects.order_by("pk").values_list("queue", "qualification", "stage"))
    figures = _run("--leads", "40", "--events", "200")
    assert figures["queue_leads_all_qualified"] == 40
    assert figures["queue_page_ms_all_qualified"] > 0
    assert (
        list(Lead.objects.order_by("pk").values_list("queue", "qualification", "stage")) == before
    )


SLA_KEYS = (
    "dashboard_ms", "dashboard_sql_ms", "dashboard_ratio", "dashboard_sql_source",
    "alert_scan_s", "alert_scan_repeat_s", "alert_scan_sql_s", "alert_scan_ratio",
    "alert_scan_leads", "alert_scan_warnings", "alert_scan_breaches",
    "alert_scan_notifications", "alert_scan_repeat_new",
)  # fmt: skip


def test_dashboard_and_alert_scan_figures_over_a_worked_data_set():
    figures = _run("--leads", "300", "--events", "3000")
    assert set(SLA_KEYS) <= set(figures)
    for key in ("dashboard_ms", "dashboard_sql_ms", "alert_scan_s", "alert_scan_sql_s"):
        assert figures[key] > 0, key
    assert figures["dashboard_ratio"] == pytest.approx(
        figures["dashboard_ms"] / figures["dashboard_sql_ms"], rel=0.05
    )
    # Every lead was an open clock for the scan; a realistic share alerted, once.
    assert figures["alert_scan_leads"] == 300
    assert 5 <= figures["alert_scan_breaches"] <= 90
    assert 3 <= figures["alert_scan_warnings"] <= 60
    assert figures["alert_scan_notifications"] >= figures["alert_scan_breaches"]
    assert figures["alert_scan_repeat_new"] == 0
    # The scan ran in a transaction that was rolled back: no alert stays behind.
    assert not SLAAlert.objects.exists()
    assert not Notification.objects.exists()


def test_the_sales_layer_gives_the_dashboard_realistic_work():
    _run("--leads", "300", "--events", "3000")
    bench = Lead.objects.filter(account__domain__endswith=".bench")
    assert SDRTeam.objects.filter(name__in=sales.TEAMS).count() == 2
    owners = set(bench.exclude(owner=None).values_list("owner__username", flat=True))
    assert len(owners) >= 8
    touched = bench.exclude(first_touched_at=None)
    assert touched.count() >= 100
    assert not touched.filter(sla_met=None).exists()
    assert not touched.filter(sla_response_minutes=None).exists()
    assert set(StageTransition.objects.filter(lead__in=bench).values_list("to_stage", flat=True)) >= {
        "mql", "pql", "sql", "opportunity", "recycled"
    }  # fmt: skip
    assert {"accepted", "rejected", "no_response"} <= set(
        Feedback.objects.filter(lead__in=bench).values_list("outcome", flat=True)
    )
    assert not Feedback.objects.filter(outcome="rejected", reason="").exists()
    assert (
        LeadActivity.objects.filter(lead__in=bench, kind="first_touch").count() == touched.count()
    )
    # The slow rep answers later than the others (business minutes, median).
    medians = {}
    for rep in range(sales.REPS):
        values = sorted(
            touched.filter(owner__username=f"bench-rep-{rep}").values_list(
                "sla_response_minutes", flat=True
            )
        )
        if values:
            medians[rep] = values[len(values) // 2]
    assert max(medians, key=medians.get) == sales.SLOW_REP


def test_the_sales_layer_is_replaced_not_piled_up_on_a_rerun():
    _run("--leads", "120", "--events", "600")
    counts = (
        StageTransition.objects.count(),
        Feedback.objects.count(),
        LeadActivity.objects.count(),
    )
    _run("--leads", "120", "--events", "600")
    again = (
        StageTransition.objects.count(),
        Feedback.objects.count(),
        LeadActivity.objects.count(),
    )
    assert again[1:] == counts[1:]
    # The rescore in between may add a transition for a lead scoring moved; never a copy.
    assert counts[0] <= again[0] <= counts[0] + 120
