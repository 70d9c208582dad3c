"""Compact rows: a dozen or more leads on a 900 px laptop screen, one line each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.roles import Role
from tests.browser.helpers import sign_in
from tests.web.queue_helpers import qualified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compact_rows_fit_a_dozen_leads_on_a_900px_screen(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    reasons = [
        {"text": "Asked for a demo from the pricing page", "points": 40, "kind": "intent"},
        {"text": "Invited 4 teammates in the last 14 days", "points": 30, "kind": "usage"},
    ]
    for n in range(16):
        qualified(
            "pql",
            tier=4,
            total_score=90 - n,
            first_name=f"Person{n:02d}",
            last_name="Example",
            title="Head of Operations",
            reasons=reasons,
            qualified_at=timezone.now() - timedelta(minutes=n),
        )
    page = chromium_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "sam", "/queues/pql/")

    def visible_rows() -> int:
        return page.evaluate(
            """() => [...document.querySelectorAll('table.queue-table tbody tr')]
                 .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length"""
        )

    roomy = visible_rows()
    page.get_by_role("link", name="Compact rows").click()
    page.wait_for_url("**density=compact**")
    expect(page.locator("table.queue-compact")).to_be_visible()
    compact = visible_rows()
    screenshot(page, "34-queue-compact")
    assert compact >= 12, (roomy, compact)
    assert compact > roomy
    # The density survives a filter change (the form carries it).
    page.get_by_label("Tier").focus()
    page.get_by_label("Tier").select_option(label="Hot")
    page.wait_for_url("**tier=4**")
    assert "density=compact" in page.url
    screenshot(page, "34-queue-compact")


def test_a_new_lead_shows_as_a_floating_bar_not_a_jumping_table(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    for n in range(3):
        qualified("pql", tier=4, total_score=80 - n, first_name=f"Early{n}")
    page = chromium_page
    sign_in(page, live_server, "sam", "/queues/pql/")
    page.evaluate("window.__noReload = true")
    top = page.locator("table.queue-table").bounding_box()["y"]
    qualified("pql", tier=4, total_score=99, first_name="Newcomer",
              qualified_at=timezone.now() + timedelta(seconds=2))  # fmt: skip
    # What the 30-second poll does, now: the bar's own request, swapped in place.
    page.evaluate(
        """() => { const bar = document.getElementById('queue-news');
                   htmx.ajax('GET', bar.getAttribute('hx-get'), {target: bar, swap: 'outerHTML'}); }"""
    )
    bar = page.locator("#queue-news")
    expect(bar).to_contain_text("1 new lead qualified since this page was shown")
    assert page.locator("table.queue-table").bounding_box()["y"] == top
    expect(page.locator("table.queue-table")).not_to_contain_text("Newcomer")
    assert page.evaluate("window.__noReload") is True
    screenshot(page, "35-queue-new-leads-bar")
    bar.get_by_role("link").click()
    expect(page.locator("table.queue-table tbody tr").first).to_contain_text("Newcomer")
