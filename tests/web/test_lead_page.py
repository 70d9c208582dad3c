"""The lead page and its actions over HTTP: roles, 404s, breakdown sentences, fixed queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualification.models import Feedback, Lead, MessageTemplate, StageTransition
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_lead():
    """A lead scored by the real engine: a criterion that fired and one that nearly did."""
    policy(mql_threshold=20, mql_min_fit=0, tier_warm=20, tier_cool=10)
    criterion(
        key="pricing",
        name="Pricing interest",
        kind="intent",
        event_name="Pricing Page Viewed",
        threshold=2,
        window_days=7,
        points=25,
        reason_template="Viewed the pricing page {times} {window}",
    )
    criterion(
        key="webinars",
        name="Webinar regular",
        kind="intent",
        event_name="Webinar Attended",
        threshold=4,
        window_days=30,
        points=15,
        reason_template="Attended {count} webinars",
    )
    account = AccountFactory(name="Acme Analytics")
    lead = LeadFactory(account=account, first_name="Ada", last_name="Lovelace")
    LeadFactory(account=account, first_name="Bob", last_name="Other")
    now = timezone.now()
    events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    events(lead, "Webinar Attended", days_ago(now, 5, 6), title="Scoring 101")
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    return lead


def test_page_shows_the_breakdown_near_misses_and_message(client_as, scored_lead):
    MessageTemplate.objects.create(
        name="Content",
        trigger="content_interest",
        subject="About {content}",
        body="Hi {first_name}",
    )
    client = client_as(Role.SDR, first_name="Sam")
    response = client.get(f"/leads/{scored_lead.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert "Viewed the pricing page 3 times in the last 7 days" in html
    assert "Webinar regular" in html
    assert "2 of 4" in html
    assert "About Scoring 101" in html  # the suggested message with the lead's own facts
    assert "Bob Other" in html  # account panel
    assert "Log feedback" in html


def test_page_names_the_criteria_version_the_score_was_computed_with(client_as, scored_lead):
    version = scored_lead.criteria_version
    assert version is not None
    html = client_as(Role.SDR).get(f"/leads/{scored_lead.pk}/").content.decode()
    assert f'href="/criteria/changes/#version-{version.number}"' in html
    assert f">{version.label}</a>" in html


def test_timeline_filters_by_source(client_as, scored_lead):
    events(scored_lead, "Signed Up", days_ago(timezone.now(), 1), source="product")
    client = client_as(Role.SDR)
    html = client.get(f"/leads/{scored_lead.pk}/?source=product").content.decode()
    assert "Showing 1 of 1 event" in html
    html = client.get(f"/leads/{scored_lead.pk}/?source=bogus").content.decode()
    assert "Showing 6 of 6 events" in html


def test_unknown_lead_is_404(client_as):
    client = client_as(Role.SDR)
    assert client.get("/leads/999999/").status_code == 404
    assert (
        client.post("/leads/999999/feedback/", {"feedback-outcome": "accepted"}).status_code == 404
    )


def test_readers_see_the_page_without_actions(client_as, scored_lead):
    client = client_as(Role.MARKETING)
    response = client.get(f"/leads/{scored_lead.pk}/")
    assert response.status_code == 200
    assert "needs the SDR or Manager role" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MARKETING, Role.OPS, None])
@pytest.mark.parametrize("action", ["touch", "feedback", "recycle", "disqualify"])
def test_posting_without_work_queue_is_403(client_as, role, action):
    lead = LeadFactory(stage="mql")
    client = client_as(role)
    data = {"feedback-outcome": "accepted", "recycle-reason": "x", "disqualify-reason": "x"}
    assert client.post(f"/leads/{lead.pk}/{action}/", data).status_code == 403
    lead.refresh_from_db()
    assert lead.stage == "mql"
    assert lead.first_touched_at is None
    assert not Feedback.objects.exists()


def test_get_on_an_action_is_refused(client_as):
    lead = LeadFactory()
    assert client_as(Role.SDR).get(f"/leads/{lead.pk}/touch/").status_code == 405


def test_feedback_without_reason_shows_inline_error_with_htmx(client_as):
    lead = LeadFactory(stage="pql", qualification="pql", pql_kind="usage")
    client = client_as(Role.SDR)
    response = client.post(
        f"/leads/{lead.pk}/feedback/",
        {"feedback-outcome": "rejected", "feedback-updated_at": lead.updated_at.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lead-actions"' in html
    assert "Say why the lead was rejected." in html
    assert "<html" not in html
    assert not Feedback.objects.exists()


def test_feedback_with_htmx_returns_the_panel_and_new_stage(client_as):
    lead = LeadFactory(stage="pql", qualification="pql", pql_kind="usage")
    client = client_as(Role.SDR)
    response = client.post(
        f"/leads/{lead.pk}/feedback/",
        {
            "feedback-outcome": "rejected",
            "feedback-reason": "bad_timing",
            "feedback-updated_at": lead.updated_at.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Feedback saved and kept with the lead; its stage follows from it." in html
    # Learning reads it later and only suggests: the copy never promises points move by itself.
    assert "The next recalibration (weekly, or when ops run it) learns from it" in html
    assert "go to ops as a draft" in html
    assert "re-weights" not in html
    assert 'id="lead-stage"' in html
    assert "Stage: Recycled" in html
    assert StageTransition.objects.get(lead=lead).to_stage == "recycled"


def test_the_page_says_what_feedback_does_and_promises_no_automatic_points(client_as):
    lead = LeadFactory(stage="mql")
    html = client_as(Role.SDR).get(f"/leads/{lead.pk}/").content.decode()
    assert "No feedback yet. What you log here is kept with the lead and moves its stage" in html
    assert "the criteria never change by themselves" in html
    assert 'data-testid="feedback-effect"' in html
    assert "re-weights" not in html


def test_without_htmx_actions_redirect_with_a_message(client_as):
    lead = LeadFactory(stage="mql")
    client = client_as(Role.SDR)
    response = client.post(
        f"/leads/{lead.pk}/touch/", {"touch-updated_at": lead.updated_at.isoformat()}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/leads/{lead.pk}/"
    assert "First touch logged" in response.content.decode()
    response = client.post(f"/leads/{lead.pk}/touch/", {}, follow=True)
    assert "already logged" in response.content.decode()


def test_invalid_form_without_htmx_renders_the_page_with_errors(client_as):
    lead = LeadFactory(stage="mql")
    response = client_as(Role.SDR).post(f"/leads/{lead.pk}/recycle/", {"recycle-reason": ""})
    assert response.status_code == 400
    assert "Say why, so the next person knows." in response.content.decode()


def test_a_stale_form_is_refused_with_a_message(client_as, make_user):
    lead = LeadFactory(stage="pql", qualification="pql", pql_kind="usage")
    seen = lead.updated_at.isoformat()
    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    from qualification.services.lead_actions import lead_recycle

    lead_recycle(lead_id=lead.pk, user=kim, reason="Bad timing")
    client = client_as(Role.MANAGER)
    response = client.post(
        f"/leads/{lead.pk}/disqualify/",
        {"disqualify-reason": "Spam", "disqualify-updated_at": seen},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "changed by Kim Lee" in html
    assert Lead.objects.get(pk=lead.pk).stage == "recycled"


def _page_queries(client, lead) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/leads/{lead.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_page_runs_a_fixed_number_of_queries(client_as, make_user):
    client = client_as(Role.SDR)
    now = timezone.now()
    small, big = LeadFactory(), LeadFactory()
    events(small, "Pricing Page Viewed", days_ago(now, *range(5)))
    events(big, "Pricing Page Viewed", days_ago(now, *[d / 10 for d in range(200)]))
    for n in range(25):
        LeadFactory(account=big.account, first_name=f"Colleague{n}")
    kim = make_user(Role.SDR, username="kim")
    for target in (small, big):
        Feedback.objects.create(lead=target, outcome="accepted", author=kim)
        StageTransition.objects.create(
            lead=target,
            from_stage="new",
            to_stage="mql",
            cause="manual",
            actor=kim,
            occurred_at=now,
        )
    assert _page_queries(client, small) == _page_queries(client, big)


@pytest.mark.parametrize(
    ("action", "data", "message", "stage"),
    [
        ("touch", {}, "First touch logged; the SLA clock has stopped.", "mql"),
        (
            "feedback",
            {"outcome": "accepted"},
            "Feedback saved and kept with the lead; its stage follows",
            "sql",
        ),
        ("recycle", {"reason": "Budget frozen"}, "Lead recycled to nurture.", "recycled"),
        ("disqualify", {"reason": "Student"}, "Lead disqualified.", "disqualified"),
    ],
)
def test_each_action_keeps_its_url_and_runs_its_own_service(
    client_as, action, data, message, stage
):
    lead = LeadFactory(stage="mql", qualification="mql", queue="mql")
    url = reverse(f"lead-{action}", args=[lead.pk])
    assert url == f"/leads/{lead.pk}/{action}/"
    posted = {f"{action}-{key}": value for key, value in data.items()}
    posted[f"{action}-updated_at"] = lead.updated_at.isoformat()
    response = client_as(Role.SDR).post(url, posted, follow=True)
    assert response.redirect_chain[-1][0] == f"/leads/{lead.pk}/"
    assert message in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == stage
    assert (lead.first_touched_at is not None) == (action == "touch")
