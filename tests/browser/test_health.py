"""Ops read the criteria health page in Chromium: the reliability chart with its table, a run's
progress that refreshes the page when it ends, and the "Recalibrate now" button; 1280 and 390 px.

The figures are real: the core's ``recalibrate`` on the synthetic known-drivers set, stored
as a live run, as the Celery task would store them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from qualification.core.learning import recalibrate
from qualification.devdata.synthetic_outcomes import synthetic_rows
from qualification.models import Recalibration
from qualification.roles import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/shots")


def seed() -> Recalibration:
    factories.user(Role.OPS, username="olga", first_name="Olga", last_name="Ops")
    rows, criteria = synthetic_rows(600, seed=1)
    result = recalibrate(rows, criteria, seed=0)
    assert result.model is not None
    return Recalibration.objects.create(
        status="done",
        trigger="schedule",
        finished_at=timezone.now(),
        progress=100,
        n_outcomes=result.figures["n_outcomes"],
        figures=result.figures,
        model=result.model.to_json(),
        is_live=True,
    )


def _login(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/criteria/health/")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/criteria/health/")


def _keep(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / f"{name}.png")


def test_ops_read_the_health_page_and_recalibrate(
    live_server, chromium_page, chromium_browser, screenshot, eager_tasks
):
    from playwright.sync_api import expect

    live = seed()
    page = chromium_page
    _login(page, live_server.url)

    chart = page.locator("svg[data-chart='chart-reliability']")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box
    assert box["width"] > 200
    assert box["height"] > 60
    bands = page.locator("table[data-table='calibration'] tbody tr")
    assert bands.count() == len(live.figures["calibration"])
    first = live.figures["calibration"][0]
    expect(bands.first).to_contain_text(f"{round(first['observed'] * 100)}%")
    auc = page.get_by_test_id("auc-likelihood").inner_text()
    assert auc == f"{live.figures['auc_likelihood']:.2f}"
    demo = page.locator("tr[data-criterion='demo_request']")
    suggested = next(c for c in live.figures["criteria"] if c["key"] == "demo_request")
    expect(demo).to_contain_text(f"{suggested['suggested_points']:+d} ({suggested['ci_low']} to")
    expect(page.locator("#suggestions")).to_contain_text("Working Professional")
    _keep(screenshot(page, "health-1280"), "health-1280")
    for section in ("model", "criteria", "suggestions", "segments"):
        target = SHOTS / f"health-1280-{section}.png"
        page.locator(f"#{section}").screenshot(path=str(target))

    phone = chromium_browser.new_context(viewport=PHONE, locale="en-US")
    try:
        small = phone.new_page()
        _login(small, live_server.url)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways at 390 px ({width})"
        svg = small.locator("svg[data-chart='chart-reliability']").bounding_box()
        assert svg
        assert svg["width"] <= PHONE["width"]
        _keep(screenshot(small, "health-390"), "health-390")
        for section in ("run", "model", "criteria", "suggestions", "segments"):
            small.locator(f"#{section}").screenshot(path=str(SHOTS / f"health-390-{section}.png"))
    finally:
        phone.close()

    # A run in progress: the panel shows it, polls, and reloads the page when it ends.
    running = Recalibration.objects.create(
        status="running", trigger="schedule", progress=60, progress_text="Fitting the model"
    )
    page.reload()
    expect(page.get_by_test_id("run-progress")).to_contain_text("Fitting the model")
    expect(page.get_by_test_id("run-progress")).to_contain_text("60%")
    page.locator("#run").screenshot(path=str(SHOTS / "health-1280-run.png"))
    Recalibration.objects.filter(pk=running.pk).update(
        status="failed", finished_at=timezone.now(), error="Worker lost"
    )
    expect(page.get_by_test_id("run-failed")).to_contain_text("Worker lost", timeout=8000)
    expect(page.get_by_test_id("run-failed")).to_contain_text("The previous model stays live")

    # The button: the run goes through the service and the task (in-process here).
    page.get_by_role("button", name="Recalibrate now").click()
    page.wait_for_url("**/criteria/health/#run")
    made = Recalibration.objects.exclude(pk__in=[live.pk, running.pk]).get()
    assert made.trigger == "button"
    assert made.requested_by.username == "olga"
    expect(page.locator(".messages")).to_contain_text("Recalibration")
