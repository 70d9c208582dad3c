"""A phone-sized SDR works the queue as a list of cards and claims from it."""

from __future__ import annotations

import pytest

from qualification.models import Lead
from qualification.roles import Role
from tests.browser.helpers import sign_in
from tests.browser.test_queues import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_phone_sdr_claims_from_the_card_list(live_server, chromium_page, screenshot, make_user):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    seed(kim)
    page = chromium_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "sam", "/queues/pql/")

    # Nothing scrolls sideways, and the filters start folded so the leads come first.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator(".filters-details")).not_to_have_attribute("open", "")
    expect(page.get_by_label("Tier")).to_be_hidden()

    card = page.locator("tr", has_text="Maya Okafor")
    box = card.bounding_box()
    assert box["width"] <= PHONE["width"]
    # The card says who, where, how hot, why and how urgent, with Claim in reach.
    expect(card).to_contain_text("Northwind Logistics")
    expect(card.locator(".tier-badge")).to_have_text("Hot")
    expect(card.locator(".sla-mobile")).to_contain_text("Overdue")
    expect(card.locator(".why li").first).to_be_visible()
    expect(card.locator(".why li").nth(1)).to_be_hidden()  # the top reason only
    claim = card.get_by_role("button", name="Claim Maya Okafor")
    claim_box = claim.bounding_box()
    assert claim_box["x"] + claim_box["width"] <= PHONE["width"]
    screenshot(page, "27-queue-cards-390")

    claim.click()
    expect(card.locator(".owner-me")).to_have_text("You")
    assert Lead.objects.get(first_name="Maya").owner.username == "sam"

    # The filters open on demand.
    page.get_by_text("Filters", exact=True).click()
    expect(page.get_by_label("Tier")).to_be_visible()
    screenshot(page, "28-queue-cards-filters-390")


def test_phone_lead_page_puts_the_actions_and_reasons_first(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    seed(kim)
    maya = Lead.objects.get(first_name="Maya")
    page = chromium_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "sam", f"/leads/{maya.pk}/")
    actions = page.locator("#lead-actions")
    expect(actions).to_be_visible()

    def top(selector: str) -> float:
        return page.locator(selector).first.bounding_box()["y"]

    reasons = "section[aria-labelledby='breakdown-title']"
    assert top("#lead-actions") < top(reasons) < top("#timeline")
    assert top("#lead-actions") < PHONE["height"]  # on the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "29-lead-page-phone")
