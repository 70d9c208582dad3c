"""The lead page in Chromium: an SDR reads why a lead is here and logs feedback by htmx."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone

from qualification.models import Feedback, GlossaryTerm, Lead, MessageTemplate
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy, sla

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_lead():
    policy(
        mql_threshold=30,
        mql_min_fit=10,
        pql_usage_threshold=30,
        tier_hot=70,
        tier_warm=45,
        tier_cool=20,
        limit_events=["Usage Limit Reached"],
    )
    GlossaryTerm.objects.create(
        term="Ideal customer profile",
        slug="ideal-customer-profile",
        definition="The companies we sell to.",
        owner_team="ops",
    )
    criterion(
        key="icp-size",
        name="ICP company size",
        kind="fit",
        signal_type="attribute",
        event_name="",
        attribute="account.employee_count",
        operator="between",
        value=[50, 2000],
        points=20,
        reason_template="Works at a company with {value} employees",
        glossary_term=GlossaryTerm.objects.get(slug="ideal-customer-profile"),
        owner_team="ops",
    )
    criterion(
        key="reports",
        name="Heavy reports use",
        kind="usage",
        event_name="Report Created",
        threshold=5,
        window_days=14,
        points=30,
        half_life_days=14,
        reason_template="Created {count} reports {window}",
        owner_team="product",
    )
    criterion(
        key="pricing",
        name="Pricing interest",
        kind="intent",
        event_name="Pricing Page Viewed",
        threshold=2,
        window_days=7,
        points=15,
        reason_template="Viewed the pricing page {times} {window}",
    )
    criterion(
        key="integrations",
        name="Integration connected",
        kind="usage",
        event_name="Integration Connected",
        threshold=2,
        window_days=30,
        points=20,
        reason_template="Connected {count} integrations",
        owner_team="product",
    )
    MessageTemplate.objects.create(
        name="Free-plan limit reached",
        trigger="usage_limit",
        subject="You've outgrown the free plan's {limit}",
        body="Hi {first_name},\n\nI noticed {account} reached the {limit} limit in {product} {when}."
        "\n\nBest,\n{sender}",
    )
    account = AccountFactory(name="Northwind Analytics", employee_count=240, plan="free")
    lead = LeadFactory(
        account=account, first_name="Ada", last_name="Lovelace", title="Head of Data"
    )
    for n, (first, last) in enumerate([("Grace", "Hopper"), ("Alan", "Turing")]):
        LeadFactory(account=account, first_name=first, last_name=last, title=f"Analyst {n}")
    now = timezone.now()
    events(
        lead,
        "Report Created",
        days_ago(now, 0.2, 1, 2, 3, 4, 6, 8),
        source="product",
        feature="Reports",
    )
    events(lead, "Pricing Page Viewed", days_ago(now, 0.5, 2, 3), path="/pricing")
    events(lead, "Integration Connected", days_ago(now, 9), source="product", integration="Slack")
    events(lead, "Usage Limit Reached", days_ago(now, 0.1), source="product", limit="5 dashboards")
    # A 2-hour warm-PQL clock counted in Berlin; the rescore that qualifies the lead (warm,
    # 65 points) starts it, stored on the lead as the queues read it.
    sla(
        queue="pql",
        tier=3,
        response_minutes=120,
        timezone="Europe/Berlin",
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        day_start=time(0, 0),
        day_end=time(0, 0),
    )
    lead_rescore(lead_ids=[lead.pk])
    return lead


def _shoot_panels(page, prefix: str) -> None:
    """The breakdown and the suggested opening on their own, readable at full size."""
    from tests.browser.conftest import SCREENSHOTS

    page.locator("section[aria-labelledby=breakdown-title]").screenshot(
        path=str(SCREENSHOTS / f"{prefix}-breakdown.png")
    )
    page.locator("section[aria-labelledby=message-title]").screenshot(
        path=str(SCREENSHOTS / f"{prefix}-message.png")
    )


def _open_as_sam(page, live_server, lead) -> None:
    """Sign in as the SDR "sam" and open the lead's page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")


def test_sdr_logs_feedback_and_sees_the_stage_change(
    live_server, chromium_page, screenshot, make_user
):
    from playwright.sync_api import expect

    lead = _seed_lead()
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    page = chromium_page
    _open_as_sam(page, live_server, lead)

    expect(page).to_have_title("Ada Lovelace · Lead · LeadHub")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.locator(".breakdown")).to_contain_text("Created 7 reports")
    expect(page.get_by_test_id("suggested-message")).to_contain_text("5 dashboards")
    expect(page.get_by_test_id("suggested-message")).to_contain_text("Sam")
    expect(page.get_by_test_id("stage")).to_have_text("Stage: PQL")
    clock = page.get_by_test_id("sla-clock")
    expect(clock.locator(".sla")).to_contain_text("Due")
    expect(clock).to_contain_text("of business time from qualification")
    expect(page.locator("#touch-note")).to_contain_text("makes you the owner")
    # Evidence and the opening in words a rep can say aloud (no keys, no bare factors).
    breakdown = page.locator("section[aria-labelledby=breakdown-title]")
    expect(breakdown).to_contain_text("Employees: 240")
    expect(breakdown).not_to_contain_text("account.employee_count")
    expect(breakdown).not_to_contain_text("decay")
    expect(page.get_by_test_id("suggested-message")).not_to_contain_text("just reached")
    screenshot(page, "30-lead-page")
    _shoot_panels(page, "30-lead")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "30-lead-page-390")
    _shoot_panels(page, "30-lead-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    # The first touch stops the clock and, the lead being unowned, makes Sam its owner.
    page.get_by_role("button", name="Log first touch").click()
    expect(page.get_by_role("status").filter(has_text="you are now its owner")).to_be_visible()
    expect(clock.locator(".sla")).to_have_text("Touched in time")
    expect(page.get_by_test_id("owner")).to_contain_text("Sam Rivera")
    touched = Lead.objects.get(pk=lead.pk)
    assert (touched.owner.username, touched.sla_met) == ("sam", True)

    page.get_by_label("Outcome").select_option("rejected")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_test_id("reason-error")).to_have_text("Say why the lead was rejected.")
    expect(page.get_by_label("Outcome")).to_have_value("rejected")
    assert not Feedback.objects.exists()
    screenshot(page, "31-lead-feedback-error")

    page.get_by_label("Reason (if rejected or lost)").select_option("bad_timing")
    page.get_by_label("Note").fill("Budget review in Q3; call back in July.")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_role("status").filter(has_text="Feedback saved")).to_be_visible()
    expect(page.get_by_test_id("stage")).to_have_text("Stage: Recycled")
    expect(page.get_by_test_id("stage-history")).to_contain_text("Rejected: Bad timing")
    expect(page.get_by_test_id("feedback-history")).to_contain_text("call back in July")
    assert Feedback.objects.get().reason == "bad_timing"
    screenshot(page, "32-lead-feedback-saved")


def test_the_lead_page_shows_the_likelihood_and_its_factors(
    live_server, chromium_page, screenshot, make_user
):
    """With a live model the lead page says the likelihood beside the score and why."""
    from playwright.sync_api import expect

    from qualification.selectors.learning_live import likelihood_shown
    from tests.services.rescoring.live_model import expected, live_recalibration

    run = live_recalibration()
    lead = _seed_lead()  # rescored with the live model: pricing interest fires, no webinars
    likelihood = expected(pricing=True, webinars_30d=0, student=False)
    assert Lead.objects.get(pk=lead.pk).likelihood == likelihood
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    page = chromium_page
    _open_as_sam(page, live_server, lead)

    expect(page.get_by_test_id("likelihood")).to_have_text(likelihood_shown(likelihood))
    expect(page.get_by_test_id("likelihood-up")).to_contain_text("Pricing interest")
    expect(page.get_by_test_id("likelihood-model")).to_contain_text(f"Model #{run.pk}")
    screenshot(page, "33-lead-likelihood")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "33-lead-likelihood-390")
