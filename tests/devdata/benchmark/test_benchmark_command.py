"""The benchmark command on a tiny data set: it generates, reuses, and reports every figure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qualification.devdata.benchmark import ingest, measure
from qualification.models import CriteriaVersion, Event, Lead

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("benchmark", "--json", "--no-ingest", *args, stdout=out)
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
