"""An SDR works the PQL queue in Chromium: filter by tier, claim with htmx, see the owner."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from qualification.models import Account, GlossaryTerm, Lead
from qualification.roles import Role
from qualification.services.sla_clocks import sla_clocks_refresh
from tests.factories import calendar, sla

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    # first, last, title, company, employees, country, tier, score, kind, minutes ago, reasons
    ("Maya", "Okafor", "VP Operations", "Northwind Logistics", 850, "DE", 4, 96, "hand_raiser", 90,
     [("Asked to talk to sales from the billing page", 40, "hand-raiser"),
      ("Invited 6 teammates in the last 14 days", 30, "pql"),
      ("Northwind Logistics has 850 employees", 20, "icp")]),
    ("Lukas", "Brandt", "Head of Data", "Brightline Analytics", 240, "DE", 4, 88, "limit_reached", 20,
     [("Hit the 5-project limit on the free plan", 35, "pql"),
      ("Active on 9 days in the last 14 days", 25, "pql"),
      ("Viewed the pricing page 4 times in the last 7 days", 15, None)]),
    ("Chloé", "Martin", "Engineering Manager", "Atelier Numérique", 120, "FR", 3, 71, "usage", 400,
     [("Connected the Salesforce integration", 25, "pql"),
      ("Active on 6 days in the last 14 days", 20, "pql")]),
    ("Sven", "de Vries", "CTO", "Polder Cloud", 60, "NL", 3, 64, "usage", 5,
     [("Invited 3 teammates in the last 14 days", 30, "pql"),
      ("Polder Cloud has 60 employees", 20, "icp")]),
    ("Grace", "Hall", "Finance Lead", "Thames Ledger", 1600, "GB", 2, 48, "self_serve", 30,
     [("Bought the Team plan without talking to sales", 30, "pql"),
      ("Thames Ledger has 1,600 employees", 20, "icp")]),
]  # fmt: skip

TERMS = [
    ("PQL (product qualified lead)", "pql", "A user or account whose product use shows buying intent."),
    ("Hand-raiser", "hand-raiser", "A user who asks to talk to sales from inside the product."),
    ("Ideal customer profile", "icp", "B2B software and services firms, 50-2,000 employees."),
]  # fmt: skip


def seed(kim) -> None:
    for term, slug, definition in TERMS:
        GlossaryTerm.objects.create(
            term=term, slug=slug, definition=definition, owner_team="product"
        )
    always = calendar(
        name="Always open",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )
    for tier in (1, 2, 3, 4):
        sla(
            queue="pql",
            tier=tier,
            calendar=always,
            response_minutes={4: 60, 3: 240, 2: 480, 1: 960}[tier],
            warning_percent=75,
        )
    now = timezone.now()
    for i, (
        first,
        last,
        title,
        company,
        size,
        country,
        tier,
        score,
        kind,
        ago,
        reasons,
    ) in enumerate(PEOPLE):
        account = Account.objects.create(
            name=company, domain=f"{company.split()[0].lower()}.example", employee_count=size,
            country=country, industry="software",
        )  # fmt: skip
        Lead.objects.create(
            account=account,
            email=f"{first.lower()}@{account.domain}",
            first_name=first,
            last_name=last,
            title=title,
            source="webinar" if i % 2 else "product signup",
            stage="pql",
            qualification="pql",
            pql_kind=kind,
            queue="pql",
            tier=tier,
            total_score=score,
            qualified_at=now - timedelta(minutes=ago),
            last_signal_at=now - timedelta(minutes=ago + 3),
            owner=kim if i == 3 else None,
            claimed_at=now if i == 3 else None,
            reasons=[
                {"text": text, "points": points, "kind": "usage", "term": term}
                for text, points, term in reasons
            ],
        )
    sla_clocks_refresh()  # what the rescore does when it qualifies a lead


def test_sdr_filters_the_pql_queue_and_claims_a_lead(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    seed(kim)
    page = chromium_page

    page.goto(f"{live_server.url}/accounts/login/?next=/queues/pql/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/queues/pql/")
    page.wait_for_load_state()  # its stylesheets applied: the checks below measure layout
    expect(page).to_have_title("PQL queue · LeadHub")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Maya Okafor")
    expect(rows.first.locator(".sla-cell .sla")).to_contain_text("Overdue")

    # The clock's business-time meaning: in the hover, and opened by keyboard focus.
    first_sla = rows.first.locator(".sla-cell .sla")
    expect(first_sla).to_have_attribute("title", re.compile("of business time"))
    tip = first_sla.locator(".sla-tip")
    assert tip.bounding_box()["width"] <= 1  # clipped: read by screen readers, not shown
    first_sla.focus()
    expect(tip).to_contain_text("overdue by")
    assert tip.bounding_box()["width"] > 200  # opened by keyboard focus
    screenshot(page, "21-queue-sla-focus")

    # Sorting by SLA follows the real deadline across policies: Chloé's 4-hour clock ran
    # out before Maya's 1-hour one, though Maya is hotter.
    page.get_by_role("link", name="SLA", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=sla"))
    expect(rows.nth(0)).to_contain_text("Chloé Martin")
    expect(rows.nth(1)).to_contain_text("Maya Okafor")
    expect(rows.nth(2)).to_contain_text("Lukas Brandt")
    page.goto(f"{live_server.url}/queues/pql/")

    # A filter applies as soon as it changes (no Apply button with JavaScript on), in
    # place: the page does not reload, focus stays on the filter, the URL follows.
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()
    page.evaluate("window.__noReload = true")
    page.get_by_label("Tier").focus()  # as a click or Tab would (select_option does not)
    page.get_by_label("Tier").select_option(label="Hot")
    expect(page).to_have_url(re.compile(r"/queues/pql/\?.*tier=4"))
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Tier")).to_have_value("4")
    expect(page.get_by_label("Tier")).to_be_focused()
    assert page.evaluate("window.__noReload") is True

    # Claim with htmx: the row changes in place, the page does not reload, the table does
    # not move under the pointer, focus stays in the row and the tab counts follow.
    mine_tab = page.locator("#queue-tabs a", has_text="My queue")
    expect(mine_tab.locator(".tab-count")).to_contain_text("0")
    row = page.locator("tr", has_text="Lukas Brandt")
    table_top = page.locator("table.queue-table").bounding_box()["y"]
    row.get_by_role("button", name="Claim Lukas Brandt").click()
    expect(row.locator(".owner-me")).to_have_text("You")
    expect(page.locator("#queue-flash")).to_contain_text("You claimed this lead.")
    assert page.evaluate("window.__noReload") is True
    assert page.locator("table.queue-table").bounding_box()["y"] == table_top
    expect(mine_tab.locator(".tab-count")).to_contain_text("1")
    # Focus returns to the row once htmx has settled the swap.
    page.wait_for_function(
        "id => document.activeElement.closest('tr')?.id === id", arg=row.get_attribute("id")
    )
    screenshot(page, "24-queue-after-claim")
    assert Lead.objects.get(first_name="Lukas").owner.username == "sam"

    page.goto(f"{live_server.url}/queues/pql/")
    expect(rows).to_have_count(5)
    page.locator(".gloss").first.focus()
    screenshot(page, "20-queue-pql")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "22-queue-pql-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("link", name="My queue").click()
    expect(page.locator("table.queue-table tbody tr")).to_have_count(1)
    expect(page.locator("table.queue-table")).to_contain_text("Lukas Brandt")
    expect(page.locator(".lede")).to_contain_text("Overdue and due-soon leads first")
    screenshot(page, "23-queue-mine")

    # Log feedback on the claimed lead; accepted by sales, it leaves the SDR queue.
    page.get_by_role("link", name="Lukas Brandt").click()
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    page.get_by_label("Outcome").select_option("accepted")
    page.get_by_label("Note").fill("Budget owner, wants a call next week.")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.locator("[data-testid=feedback-history]")).to_contain_text("Accepted")
    lukas = Lead.objects.get(first_name="Lukas")
    assert (lukas.stage, lukas.queue) == ("sql", "none")
    assert lukas.activities.filter(kind="claimed", actor__username="sam").exists()

    page.goto(f"{live_server.url}/queues/pql/")
    expect(page.locator("table.queue-table tbody tr")).to_have_count(4)
    expect(page.locator("table.queue-table")).not_to_contain_text("Lukas Brandt")
