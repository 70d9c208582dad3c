"""A manager reads the dashboard in Chromium: charts with their tables, a rep filter, a CSV
download, and a breached lead opened from the open-breaches list; screenshots at 1280 and 390 px."""

from __future__ import annotations

import csv
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.roles import Role
from tests import factories
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = SCREENSHOTS


def seed() -> dict:
    """Four weeks of leads for three reps, with touches, conversions and feedback (seeded RNG)."""
    rng = random.Random(7)
    now = timezone.now().replace(second=0, microsecond=0)
    reps = [
        factories.user(Role.SDR, username=name.lower(), first_name=name, last_name="Rep")
        for name in ("Ana", "Ben", "Chidi")
    ]
    factories.team(members=reps[:2], name="EMEA")
    demo = factories.criterion(name="Asked for a demo")
    limit = factories.criterion(name="Hit the free-plan limit")
    breached = None
    for n in range(60):
        rep = reps[n % 3]
        queue = "pql" if n % 2 else "mql"
        qualified = now - timedelta(days=rng.randint(1, 26), hours=rng.randint(0, 9))
        qualified = qualified.replace(hour=8 + rng.randint(0, 9))
        wait = [2, 4, 9, 12, 30, 45, 90, 240][rng.randint(0, 7)] * (1 + n % 3)
        touched = n % 9 != 0
        lead = factories.LeadFactory(
            first_name=f"Lead{n}",
            qualification=queue,
            queue=queue,
            pql_kind="usage" if queue == "pql" else "",
            tier=rng.choice([2, 3, 4]),
            stage=queue,
            qualified_at=qualified,
            sla_started_at=qualified,
            sla_warn_at=qualified + timedelta(minutes=45),
            sla_due_at=qualified + timedelta(minutes=60),
            first_touched_at=qualified + timedelta(minutes=wait) if touched else None,
            first_touched_by=rep if touched else None,
            owner=rep,
            sla_met=(wait <= 60) if touched else None,
            sla_response_minutes=wait if touched else None,
            source=rng.choice(["webinar", "product", "paid_search"]),
        )
        factories.transition(
            lead=lead,
            from_stage="new" if queue == "mql" else "active_user",
            to_stage=queue,
            occurred_at=qualified,
            criterion=demo if queue == "mql" else limit,
        )
        if touched and wait <= 30 and rng.random() < 0.6:
            factories.transition(lead=lead, from_stage=queue, to_stage="sql",
                                 occurred_at=qualified + timedelta(days=1))  # fmt: skip
            if rng.random() < 0.5:
                factories.transition(lead=lead, from_stage="sql", to_stage="opportunity",
                                     occurred_at=qualified + timedelta(days=2))  # fmt: skip
        elif touched and rng.random() < 0.3:
            factories.feedback(lead=lead, outcome="rejected", reason="no_budget")
        if not touched and breached is None:
            breached = lead
    factories.user(Role.MANAGER, username="mia", first_name="Mia", last_name="Manager")
    return {"reps": reps, "breached": breached}


def _login(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill("mia")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")


def test_a_manager_reads_filters_exports_and_opens_a_breach(
    live_server, chromium_page, chromium_browser, screenshot, tmp_path
):
    made = seed()
    page = chromium_page
    _login(page, live_server)

    charts = page.locator("svg[data-chart]")
    assert charts.count() >= 9
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box, index
        assert box["width"] > 100, index
        assert box["height"] > 20, index
    assert page.locator("table[data-table='attainment-queue']").is_visible()
    assert page.locator("table[data-table='response-bands']").is_visible()
    assert page.get_by_test_id("freshness").inner_text().startswith("Computed at ")
    screenshot(page, "dashboard-1280")
    for section in ("sla", "bands", "arrivals", "trends"):
        page.locator(f"#{section}").screenshot(path=str(SHOTS / f"dashboard-1280-{section}.png"))

    ben = made["reps"][1]
    page.get_by_label("Rep", exact=True).select_option(str(ben.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/dashboard/?*rep={ben.pk}*")
    reps = page.locator("table[data-table='attainment-rep'] tbody th").all_inner_texts()
    assert reps == ["Ben Rep"]

    with page.expect_download() as download_info:
        page.locator("a[href*='export=attainment-rep']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("leadhub-attainment-rep-")
    target = tmp_path / "rep.csv"
    download.save_as(target)
    with target.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Rep", "Leads with a clock", "Met"]
    assert [row[0] for row in rows[1:]] == ["Ben Rep"]

    page.goto(f"{live_server.url}/dashboard/")
    breach_row = page.locator("table[data-table='open-alerts'] tbody tr", has_text="Breached").first
    name = breach_row.locator("th a").inner_text()
    breach_row.locator("th a").click()
    page.wait_for_url("**/leads/*/")
    assert name in page.locator("h1").inner_text()

    phone = chromium_browser.new_context(viewport=PHONE, locale="en-US")
    try:
        small = phone.new_page()
        _login(small, live_server)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways at 390 px ({width})"
        svg = small.locator("svg[data-chart]").first.bounding_box()
        assert svg
        assert svg["width"] <= PHONE["width"]
        screenshot(small, "dashboard-390")
        for section in ("sla", "open", "bands", "arrivals", "funnel", "trends"):
            small.locator(f"#{section}").screenshot(
                path=str(SHOTS / f"dashboard-390-{section}.png")
            )
    finally:
        phone.close()
