"""Ops re-weights a criterion in the admin; the lead's score and reason follow the rescore."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import timezone

from qualification.models import Criterion, GlossaryTerm, Lead
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process, as the embedded default does.

    Under CI's PostgreSQL + Redis run no worker listens during a browser test, so the rescore
    the admin enqueues on commit would otherwise wait in Redis. The live server runs the task
    in its own thread right after the save commits; the setting is restored afterwards.
    """
    from leadhub.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


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


def test_ops_reweights_a_criterion_and_the_lead_is_rescored(
    live_server, chromium_page, screenshot, make_user, eager_tasks
):
    from playwright.sync_api import expect

    lead, pricing, mql = _seed()
    # 20 (fit: company size) + 15 (intent: pricing page) before the change.
    assert lead.total_score == 35
    assert any(r["points"] == 15 and "pricing page" in r["text"] for r in lead.reasons)
    make_user(Role.OPS, username="olivia", first_name="Olivia", last_name="Park")
    page = chromium_page

    change_url = f"/admin/qualification/criterion/{pricing.pk}/change/"
    page.goto(f"{live_server.url}/accounts/login/?next={change_url}")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{change_url}")
    expect(page).to_have_title(re.compile(r"Pricing page interest"))

    points = page.locator("#id_points")
    expect(points).to_have_value("15")
    points.fill("40")
    screenshot(page, "40-admin-criterion")
    page.locator("input[name=_save]").click()

    expect(page).to_have_url(f"{live_server.url}/admin/qualification/criterion/")
    expect(page.locator(".messagelist")).to_contain_text("Pricing page interest")
    pricing.refresh_from_db()
    assert pricing.points == 40

    # The save enqueued rescore_all on commit; eager, it ran before the redirect answered.
    lead.refresh_from_db()
    assert lead.total_score == 60, lead.reasons
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    expect(page).to_have_title("Lukas Brandt · Lead · LeadHub")
    expect(page.get_by_test_id("total-score")).to_have_text("60")
    row = page.locator(".breakdown tbody tr", has_text="Viewed the pricing page 3 times")
    expect(row).to_have_count(1)
    expect(row.locator(".points")).to_have_text("+40")
    expect(page.locator(".breakdown tfoot")).to_contain_text("intent 40")
    screenshot(page, "41-lead-after-rescore")

    # The glossary page shows the rule that implements the term, with its new weight.
    page.goto(f"{live_server.url}/glossary/{mql.slug}/")
    expect(page).to_have_title("MQL · Glossary · LeadHub")
    criteria = page.locator("section[aria-labelledby=criteria-title]")
    expect(criteria).to_contain_text("Pricing page interest")
    expect(criteria).to_contain_text("Demo requested")
    expect(criteria.locator("tr", has_text="Pricing page interest")).to_contain_text("40")
    screenshot(page, "42-glossary-term")
