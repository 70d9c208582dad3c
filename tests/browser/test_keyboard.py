"""An SDR works a lead with the keyboard only: j/k, Enter, c, t, f, ? and Tab counts."""

from __future__ import annotations

import re

import pytest

from qualification.models import Feedback, Lead
from qualification.roles import Role
from tests.browser.helpers import sign_in
from tests.browser.test_queues import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tabs_to(page, name: str, limit: int = 6) -> int:
    """Tab presses from the focused element until one whose accessible name is ``name``."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
        )
        if label.strip() == name:
            return presses
    return limit + 1


def test_sdr_claims_touches_and_logs_feedback_with_the_keyboard_only(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    seed(kim)
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/?next=/queues/pql/")
    page.keyboard.type("sam")
    page.keyboard.press("Tab")
    page.keyboard.type("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/queues/pql/")
    page.wait_for_load_state()  # the deferred scripts have run

    # "?" lists the shortcuts; Escape closes the list.
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts-help")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Claim the lead")
    screenshot(page, "25-shortcuts")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # j moves down the rows (focus on the lead's name), k back up.
    rows = page.locator("table.queue-table tbody tr")
    page.keyboard.press("j")
    expect(rows.nth(0).get_by_role("link", name="Maya Okafor")).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1).get_by_role("link", name="Lukas Brandt")).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(1).get_by_role("link", name="Lukas Brandt")).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("row-current"))

    # From a row's name its Claim is at most three Tab presses away.
    rows.nth(0).get_by_role("link", name="Maya Okafor").focus()
    assert _tabs_to(page, "Claim Maya Okafor") <= 3

    # c claims the current row in place; focus stays in that row.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("c")
    expect(rows.nth(0).locator(".owner-me")).to_have_text("You")
    assert Lead.objects.get(first_name="Maya").owner.username == "sam"
    # Focus returns to the row once htmx has settled the swap.
    page.wait_for_function(
        "id => document.activeElement.closest('tr')?.id === id", arg=rows.nth(0).get_attribute("id")
    )

    # Enter on the name opens the lead; t logs the first touch there.
    rows.nth(0).get_by_role("link", name="Maya Okafor").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    page.wait_for_load_state()
    page.keyboard.press("t")
    expect(page.locator("#lead-actions")).to_contain_text("First touch logged")
    # Focus stays in the actions panel, on the message that says what happened.
    page.wait_for_function("document.activeElement.closest('#lead-actions') !== null")
    assert Lead.objects.get(first_name="Maya").first_touched_at is not None

    # f goes to the feedback form; the rest is typing and Tab.
    page.keyboard.press("f")
    outcome = page.get_by_label("Outcome")
    expect(outcome).to_be_focused()
    outcome.press("ArrowDown")  # keyboard choice of the first outcome (accepted)
    page.keyboard.press("Tab")  # reason
    page.keyboard.press("Tab")  # note
    page.keyboard.type("Wants a call on Monday.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save feedback")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=feedback-history]")).to_contain_text("Accepted")
    assert Feedback.objects.get(lead__first_name="Maya").note == "Wants a call on Monday."
    screenshot(page, "26-lead-after-keyboard")


def test_shortcuts_are_ignored_while_typing(live_server, chromium_page, make_user):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    seed(kim)
    page = chromium_page
    sign_in(page, live_server, "sam", "/queues/pql/")
    source = page.get_by_label("Source")
    source.focus()
    page.keyboard.type("jc?")
    expect(source).to_have_value("jc?")
    expect(page.locator("#shortcuts-help")).to_be_hidden()
    assert not Lead.objects.filter(owner__username="sam").exists()
