"""An SDR whose lead ran out of time: the queue says so, the bell has it, one click opens it."""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

import qualification.tasks  # noqa: F401  (registers the delivery task the scan sends by name)
from qualification.models import Account, Lead, Notification, UserProfile
from qualification.roles import Role
from qualification.services.sla_alerts import sla_alerts_scan
from qualification.services.sla_clocks import sla_clocks_mark_refreshed, sla_clocks_refresh
from tests import factories
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def seed(sam, mia) -> Lead:
    """Maya's hot PQL (Sam's) ran out an hour ago; Grace's warm one is still in time."""
    factories.sla(
        queue="pql",
        tier=4,
        response_minutes=60,
        timezone="Europe/Berlin",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        return_on_breach=False,
    )
    factories.team(name="EMEA SDRs", members=[sam], manager=mia)
    now = timezone.now()
    northwind = Account.objects.create(name="Northwind Logistics", domain="northwind.example")
    maya = Lead.objects.create(
        account=northwind,
        email="maya@northwind.example",
        first_name="Maya",
        last_name="Okafor",
        title="VP Operations",
        stage="pql",
        qualification="pql",
        pql_kind="hand_raiser",
        queue="pql",
        tier=4,
        total_score=96,
        qualified_at=now - timedelta(hours=2),
        last_signal_at=now - timedelta(hours=2),
        owner=sam,
        claimed_at=now - timedelta(hours=2),
    )
    sla_clocks_refresh()
    sla_clocks_mark_refreshed(started=timezone.now())
    maya.refresh_from_db()
    return maya


def sign_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")


def test_overdue_lead_rings_the_bell_and_opens_from_it(
    live_server, chromium_page, chromium_browser, screenshot, make_user, eager_tasks
):
    from playwright.sync_api import expect

    sam = make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    UserProfile.objects.filter(user=sam).update(timezone="America/New_York")
    mia = make_user(Role.MANAGER, username="mia", first_name="Mia", last_name="Chen")
    maya = seed(sam, mia)
    report = sla_alerts_scan()
    assert (report.breaches, report.notifications) == (1, 2)
    page = chromium_page

    sign_in(page, live_server.url, "sam", "/queues/mine/")
    expect(page).to_have_url(f"{live_server.url}/queues/mine/")
    row = page.locator("table.queue-table tbody tr", has_text="Maya Okafor")
    expect(row.locator(".sla-cell .sla")).to_contain_text(re.compile(r"Overdue by \d"))

    bell = page.get_by_role("link", name="Notifications: 1 unread notification")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("header.topbar").screenshot(path=str(SCREENSHOTS / "sla-bell-1280.png"))

    bell.click()
    expect(page).to_have_url(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item.locator(".notif-kind")).to_have_text("Overdue")
    expect(item).to_contain_text("Maya Okafor (Northwind Logistics), hot, had no first touch")
    due_local = maya.sla_due_at.astimezone(ZoneInfo("America/New_York"))
    expect(item.locator("time").first).to_have_text(due_local.strftime("%a %-d %b, %H:%M"))
    screenshot(page, "sla-notifications-1280")

    phone = chromium_browser.new_context(viewport=PHONE, locale="en-US")
    try:
        small = phone.new_page()
        sign_in(small, live_server.url, "sam", "/notifications/")
        expect(small.get_by_test_id("notification")).to_have_count(1)
        small.locator("header.topbar").screenshot(path=str(SCREENSHOTS / "sla-bell-390.png"))
        expect(
            small.get_by_role("link", name="Notifications: 1 unread notification")
        ).to_be_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the inbox scrolls sideways on a phone ({width} px)"
        screenshot(small, "sla-notifications-390")
    finally:
        phone.close()

    item.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/leads/{maya.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Okafor")
    expect(page.get_by_role("link", name="Notifications: No unread notifications")).to_be_visible()
    assert Notification.objects.get(recipient=sam).read_at is not None
    assert Notification.objects.get(recipient=mia).read_at is None
