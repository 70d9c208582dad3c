"""The chunked full rescore figures: real worker processes on Redis, committed data."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from leadhub.celery import app
from qualification.models import Lead, RescoreRun
from tests import realservices as services

pytestmark = pytest.mark.celery_worker


def test_the_benchmark_times_the_chunked_rescore_through_one_and_two_workers(
    redis_url, postgres, transactional_db, settings
):
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    app.control.purge()
    out = StringIO()
    call_command(
        "benchmark", "--json", "--no-ingest", "--no-learning", "--leads", "300",
        "--events", "3000", stdout=out,
    )  # fmt: skip
    figures = json.loads(out.getvalue())
    assert figures["rescore_full_s_1_worker"] > 0
    assert figures["rescore_full_s_2_workers"] > 0
    runs = list(RescoreRun.objects.order_by("pk"))
    assert len(runs) == 2
    assert all(run.finished_at is not None for run in runs)
    assert [run.report["scored"] for run in runs] == [Lead.objects.count()] * 2
