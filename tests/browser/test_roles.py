"""Roles in Chromium: an SDR is refused the admin and the manager's assign action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.models import Account, Lead
from qualification.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed() -> list[Lead]:
    account = Account.objects.create(
        name="Polder Cloud", domain="polder.example", employee_count=60, country="NL"
    )
    now = timezone.now()
    leads = []
    for i, (first, last, tier) in enumerate([("Sven", "de Vries", 4), ("Femke", "Jansen", 3)]):
        leads.append(
            Lead.objects.create(
                account=account,
                email=f"{first.lower()}@polder.example",
                first_name=first,
                last_name=last,
                title="CTO" if i == 0 else "Engineer",
                stage="pql",
                qualification="pql",
                pql_kind="usage",
                queue="pql",
                tier=tier,
                total_score=80 - 10 * i,
                qualified_at=now - timedelta(minutes=30 + i),
                last_signal_at=now - timedelta(minutes=35 + i),
                reasons=[{"text": "Invited 3 teammates in the last 14 days", "points": 30}],
            )
        )
    return leads


def _login(page, live_server, username: str, next_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{next_url}")


def _post(page, url: str) -> int:
    """POST from the page with its CSRF token (as htmx would); the response status."""
    return page.evaluate(
        """async (url) => {
            const headers = JSON.parse(document.body.getAttribute("hx-headers"));
            const body = new URLSearchParams({assignee: "", expected_owner: ""});
            const response = await fetch(url, {method: "POST", headers, body});
            return response.status;
        }""",
        url,
    )


def test_sdr_is_refused_the_admin_and_the_managers_assign_action(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    sven, _ = _seed()
    sam = make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    page = chromium_page
    _login(page, live_server, "sam", "/queues/pql/")

    # No way in from the navigation...
    nav = page.get_by_role("navigation", name=re.compile("main", re.I))
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Queues")).to_be_visible()
    # ...and typing the address: Django's admin sends a signed-in non-staff user to its own
    # login page, saying this account is not authorized.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    expect(page.locator(".errornote")).to_contain_text(
        "You are authenticated as sam, but are not authorized to access this page."
    )
    page.goto(f"{live_server.url}/admin/qualification/criterion/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/qualification/criterion/$"))
    expect(page.locator(".errornote")).to_contain_text("not authorized")

    # The queue offers the SDR a claim but no assign control (a manager's action).
    page.goto(f"{live_server.url}/queues/pql/")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("button", name="Claim Sven de Vries")).to_be_visible()
    expect(page.locator("details.assign")).to_have_count(0)
    expect(page.get_by_text("Assign…")).to_have_count(0)

    # Posting to the assign endpoint anyway is refused on the server and changes nothing.
    assert _post(page, f"/queues/assign/{sven.pk}/") == 403
    sven.refresh_from_db()
    assert sven.owner_id is None

    # Nor can the SDR reach a lead's admin page directly.
    page.goto(f"{live_server.url}/admin/qualification/lead/{sven.pk}/change/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    assert sam.has_perm("qualification.work_queue")
    assert not sam.has_perm("qualification.assign_lead")


def test_ops_looks_at_the_queues_read_only_and_is_refused_my_queue(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    _seed()
    make_user(Role.OPS, username="olivia", first_name="Olivia", last_name="Park")
    page = chromium_page
    _login(page, live_server, "olivia", "/")
    page.get_by_role("link", name="Queues", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/queues/all/")
    expect(page.locator("table.queue-table tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("read-only")).to_contain_text("read-only")
    expect(page.get_by_role("button", name=re.compile("^Claim"))).to_have_count(0)
    expect(page.locator("#queue-tabs")).not_to_contain_text("My queue")
    screenshot(page, "42-queue-ops-read-only")

    response = page.goto(f"{live_server.url}/queues/mine/")
    assert response.status == 403
    expect(page).to_have_title("Not allowed · LeadHub")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your role can't open this page")
    expect(page.locator(".error-page")).to_contain_text("Olivia Park (Ops)")
    expect(page.locator(".error-page")).to_contain_text("The SDR and Manager roles can open")
    expect(page.locator(".error-page")).not_to_contain_text("ask revenue operations")
    screenshot(page, "43-refused-403")


def test_manager_sees_the_assign_control_and_assigns_a_lead(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    sven, _ = _seed()
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    make_user(Role.MANAGER, username="maria", first_name="Maria", last_name="Lopez")
    page = chromium_page
    _login(page, live_server, "maria", "/queues/pql/")

    row = page.locator(f"#lead-{sven.pk}")
    expect(row.locator("details.assign")).to_have_count(1)
    row.get_by_text("Assign…").click()
    row.get_by_label("Assign Sven de Vries to").select_option(label="Sam Rivera")
    screenshot(page, "44-queue-manager-assign")
    page.evaluate("window.__noReload = true")
    row.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#queue-flash")).to_contain_text("Lead assigned.")
    expect(page.locator(f"#lead-{sven.pk}")).to_contain_text("Sam Rivera")
    assert page.evaluate("window.__noReload") is True
    sven.refresh_from_db()
    assert sven.owner.username == "sam"
