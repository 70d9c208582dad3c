"""Ops change a criterion through a draft: edit, preview, publish; the SDR is told."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from qualification.models import Criterion, GlossaryTerm, Lead
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed() -> tuple[Lead, Criterion, GlossaryTerm]:
    policy(mql_threshold=30, mql_min_fit=10, tier_hot=70, tier_warm=45, tier_cool=20)
    mql = GlossaryTerm.objects.create(
        term="MQL",
        slug="mql",
        definition=(
            "Marketing qualified lead: a lead whose marketing engagement (intent) and fit "
            "together reach the MQL threshold. Sales works MQLs from the MQL queue."
        ),
        examples="Viewed the pricing page 3 times in a week at a 240-person SaaS company\n"
        "Requested a demo from a company in a served country",
        owner_team="marketing",
    )
    icp = GlossaryTerm.objects.create(
        term="Ideal customer profile",
        slug="ideal-customer-profile",
        definition="B2B software and services firms with 50 to 2,000 employees.",
        owner_team="ops",
    )
    criterion(
        key="company-size",
        name="Company size in ICP",
        kind="fit",
        signal_type="attribute",
        event_name="",
        attribute="account.employee_count",
        operator="between",
        value=[50, 2000],
        points=20,
        reason_template="{account} has {employees} employees",
        glossary_term=icp,
        owner_team="ops",
    )
    pricing = criterion(
        key="pricing-page-views",
        name="Pricing page interest",
        kind="intent",
        event_name="Pricing Page Viewed",
        threshold=3,
        window_days=7,
        points=15,
        reason_template="Viewed the pricing page {times} {window}",
        glossary_term=mql,
        owner_team="marketing",
    )
    criterion(
        key="demo-request",
        name="Demo requested",
        kind="intent",
        event_name="Demo Requested",
        threshold=1,
        window_days=30,
        points=30,
        reason_template="Requested a demo {last_seen}",
        glossary_term=mql,
        owner_team="marketing",
    )
    account = AccountFactory(name="Brightline Analytics", employee_count=240, country="DE")
    lead = LeadFactory(
        account=account, first_name="Lukas", last_name="Brandt", title="Head of Data"
    )
    events(lead, "Pricing Page Viewed", days_ago(timezone.now(), 0.5, 2, 4), path="/pricing")
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    return lead, pricing, mql


def test_ops_drafts_previews_and_publishes_and_the_sdr_is_told(
    live_server, chromium_page, screenshot, make_user, eager_tasks
):
    """The governance path end to end: draft, edit in the admin, preview, publish, notice."""
    from playwright.sync_api import expect

    lead, pricing, mql = _seed()
    policy(mql_threshold=50)  # 20 (fit: company size) + 15 (pricing) = 35: not an MQL yet
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert (lead.total_score, lead.queue) == (35, "none")
    make_user(Role.OPS, username="olivia", first_name="Olivia", last_name="Park")
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Reed")
    page = chromium_page

    page.goto(f"{live_server.url}/accounts/login/?next=/criteria/versions/")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/criteria/versions/")
    page.get_by_label(re.compile("New draft from")).fill("Pricing interest counts more")
    page.get_by_role("button", name="Make a draft").click()
    expect(page.locator("h1")).to_have_text("Pricing interest counts more")
    draft_url = page.url

    # Edit the draft's copy of the criterion in the admin.
    draft_row = Criterion.objects.get(key=pricing.key, version__status="draft")
    page.goto(f"{live_server.url}/admin/qualification/criterion/{draft_row.pk}/change/")
    points = page.locator("#id_points")
    expect(points).to_have_value("15")
    points.fill("40")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Pricing page interest")
    pricing.refresh_from_db()
    assert pricing.points == 15  # the published rule is untouched

    page.goto(draft_url)
    changes = page.locator("section[aria-labelledby=changes-title]")
    expect(changes).to_contain_text("Pricing page interest: 15 → 40 points")
    page.get_by_role("button", name="Run preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_test_id("preview-entering")).to_have_text("1", timeout=15_000)
    expect(preview).to_contain_text("Lukas Brandt")
    expect(preview.get_by_test_id("preview-leaving")).to_have_text("0")
    screenshot(page, "40-draft-preview")
    lead.refresh_from_db()
    assert lead.total_score == 35  # a preview writes nothing to leads

    page.locator("textarea[name=note]").fill(
        "Pricing page visitors convert: sales accepted most of them last month."
    )
    page.get_by_role("button", name="Publish as the next version").click()
    expect(page.locator(".messages")).to_contain_text("published")
    lead.refresh_from_db()
    assert lead.total_score == 60  # the publication's rescore ran (eagerly, in-process)
    assert lead.queue == "mql"
    published = lead.criteria_version
    assert published.status == "published"
    assert published.note.startswith("Pricing page visitors convert")

    # The SDR sees the notice on the queue and the entry in the changelog.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next=/queues/mql/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    notice = page.locator("#criteria-notice")
    expect(notice).to_contain_text("Criteria changed on")
    expect(notice).to_contain_text("Pricing page interest: 15 → 40 points")
    screenshot(page, "41-sdr-notice")
    notice.get_by_role("link", name="See what changed").click()
    entry = page.locator(f"#version-{published.number}")
    expect(entry).to_contain_text("Pricing page visitors convert")
    expect(entry).to_contain_text("Olivia Park")
    screenshot(page, "42-changelog")
    page.goto(f"{live_server.url}/queues/mql/")
    page.locator("#criteria-notice").get_by_role("button", name=re.compile("Dismiss")).click()
    expect(page.locator("#criteria-notice")).to_have_count(0)
    page.reload()
    expect(page.locator("#criteria-notice")).to_have_count(0)

    # The glossary page links the change that touched its criterion.
    page.goto(f"{live_server.url}/glossary/{mql.slug}/")
    expect(page.locator("main")).to_contain_text(published.label)
