"""The REST API: leads, feedback, glossary and criteria, with role permissions on tokens."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from qualification.models import Feedback, GlossaryTerm, Lead
from qualification.roles import Role
from qualification.services.api_tokens import api_token_create
from tests.factories import LeadFactory, criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user):
    """An API client authenticated with a token for a fresh user of the given role."""

    def _api(role: Role | None = Role.SDR, **extra):
        user = make_user(role, **extra)
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='tests')[1]}"
        )
        client.user = user
        return client

    return _api


def hot_mql(**fields) -> Lead:
    values = {
        "tier": 4,
        "total_score": 90,
        "fit_score": 40,
        "intent_score": 50,
        "qualification": "mql",
        "queue": "mql",
        "stage": "mql",
        "reasons": [{"text": "Requested a demo", "points": 30, "kind": "intent", "term": None}],
        "breakdown": {"contributions": [{"criterion": "demo", "points": 30}]},
    }
    values.update(fields)
    return LeadFactory(**values)


# --- authentication and roles -------------------------------------------------------------


def test_anonymous_gets_401_with_token_challenge():
    response = APIClient().get("/api/leads/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/leads/").status_code == 401


def test_user_without_a_role_gets_403(api):
    client = api(None)
    assert client.get("/api/leads/").status_code == 403
    assert client.get("/api/glossary/").status_code == 403
    assert client.post("/api/feedback/", {"lead": 1, "outcome": "accepted"}).status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_leads_with_a_token(api, role):
    hot_mql()
    response = api(role).get("/api/leads/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_session_login_works_too(client_as):
    hot_mql()
    response = client_as(Role.MANAGER).get("/api/leads/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


# --- leads ---------------------------------------------------------------------------------


def test_lead_list_shows_scores_reasons_and_account_but_not_breakdown(api):
    client = api()
    lead = hot_mql(owner=client.user, claimed_at=timezone.now())
    [row] = client.get("/api/leads/").json()["results"]
    assert row["id"] == lead.pk
    assert row["score"] == {
        "fit": 40,
        "intent": 50,
        "usage": 0,
        "total": 90,
        "criteria_version": None,  # never scored with a version (tests/api/test_versions.py)
    }
    assert row["tier"] == {"value": 4, "label": "Hot"}
    assert (row["stage"], row["qualification"], row["queue"], row["pql_kind"]) == (
        "mql",
        "mql",
        "mql",
        "",
    )
    assert row["reasons"][0]["text"] == "Requested a demo"
    assert row["owner"]["id"] == client.user.pk
    assert row["account"]["domain"] == lead.account.domain
    assert {"created_at", "updated_at", "qualified_at", "last_signal_at"} <= row.keys()
    assert "breakdown" not in row


def test_lead_detail_adds_breakdown(api):
    lead = hot_mql()
    client = api()
    body = client.get(f"/api/leads/{lead.pk}/").json()
    assert body["breakdown"] == {"contributions": [{"criterion": "demo", "points": 30}]}
    assert body["tier"]["label"] == "Hot"
    assert client.get("/api/leads/999999/").status_code == 404


def test_leads_come_in_queue_priority_order(api):
    cold = LeadFactory(tier=1, total_score=5)
    warm = hot_mql(tier=3, total_score=60)
    hot = hot_mql()
    ids = [row["id"] for row in api().get("/api/leads/").json()["results"]]
    assert ids == [hot.pk, warm.pk, cold.pk]


def test_lead_filters(api, make_user):
    client = api()
    other = make_user(Role.SDR, username="other-sdr")
    mine = hot_mql(owner=client.user, claimed_at=timezone.now())
    theirs = hot_mql(
        owner=other,
        claimed_at=timezone.now(),
        queue="pql",
        qualification="pql",
        pql_kind="usage",
        stage="pql",
        tier=3,
    )
    nobody = LeadFactory(tier=1)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/leads/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("queue=mql") == {mine.pk}
    assert ids("queue=pql") == {theirs.pk}
    assert ids("tier=hot") == {mine.pk}
    assert ids("tier=3") == {theirs.pk}
    assert ids("stage=new") == {nobody.pk}
    assert ids("owner=me") == {mine.pk}
    assert ids("owner=none") == {nobody.pk}
    assert ids(f"owner={other.pk}") == {theirs.pk}
    assert ids("queue=mql&owner=none") == set()


def test_updated_since_filter(api):
    old = hot_mql()
    new = hot_mql()
    Lead.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = api().get("/api/leads/", {"updated_since": since})
    assert [row["id"] for row in response.json()["results"]] == [new.pk]
    # A naive time is read in the site's timezone, not refused.
    response = api(Role.MANAGER).get("/api/leads/", {"updated_since": "2000-01-01T00:00:00"})
    assert response.json()["count"] == 2


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("updated_since", "yesterday"),
        ("updated_since", "2026-13-45T99:00:00"),
        ("queue", "vip"),
        ("tier", "scorching"),
        ("tier", "9"),
        ("stage", "lunch"),
        ("owner", "someone"),
    ],
)
def test_bad_filter_is_400_naming_the_parameter(api, param, value):
    response = api().get("/api/leads/", {param: value})
    assert response.status_code == 400
    # Every error carries code and message; the message and the field list name it.
    assert list(response.json()) == ["code", "message", param]
    assert response.json()["message"].startswith(f"{param}: ")


def test_pagination_pages_of_50_at_most_200(api):
    Lead.objects.bulk_create([Lead(email=f"bulk{n}@example.test", tier=1) for n in range(205)])
    client = api()
    first = client.get("/api/leads/").json()
    assert first["count"] == 205
    assert len(first["results"]) == 50
    assert "page=2" in first["next"]
    assert len(client.get("/api/leads/?page=5").json()["results"]) == 5
    assert len(client.get("/api/leads/?page_size=200").json()["results"]) == 200
    assert len(client.get("/api/leads/?page=last&page_size=200").json()["results"]) == 5
    # Past the maximum is refused rather than quietly capped (issue 14, defect 11).
    too_many = client.get("/api/leads/?page_size=500")
    assert too_many.status_code == 400
    assert too_many.json()["message"] == "page_size: Give a whole number from 1 to 200."
    past_the_end = client.get("/api/leads/?page=99")
    assert past_the_end.status_code == 404
    assert past_the_end.json()["message"] == "page: There is no page 99; the last is 5."


def test_lead_list_query_count_does_not_grow_with_the_page(
    api, make_user, django_assert_max_num_queries
):
    client = api()
    owners = [make_user(Role.SDR, username=f"rep{n}") for n in range(4)]

    def make(count: int) -> None:
        for n in range(count):
            hot_mql(owner=owners[n % 4], claimed_at=timezone.now())

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/leads/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make(5)
    queries()  # the token's first use records it (once a minute); measure the steady state
    small = queries()
    make(35)
    with django_assert_max_num_queries(small):
        response = client.get("/api/leads/")
    assert response.json()["count"] == 40
    # Token, permissions (user and group), count, page: nothing per lead.
    assert small <= 5


# --- feedback ------------------------------------------------------------------------------


def test_sdr_posts_feedback_by_id(api):
    lead = hot_mql()
    client = api(Role.SDR)
    response = client.post(
        "/api/feedback/",
        {"lead": lead.pk, "outcome": "accepted", "note": " Good call "},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lead"] == lead.pk
    assert body["outcome"] == "accepted"
    assert body["note"] == "Good call"
    assert body["lead_stage"] == "sql"
    assert body["author"]["id"] == client.user.pk
    feedback = Feedback.objects.get(pk=body["id"])
    assert feedback.author == client.user
    lead.refresh_from_db()
    assert lead.stage == "sql"
    assert lead.transitions.get().cause == "feedback"


def test_manager_posts_feedback_by_email_any_case(api):
    lead = hot_mql(email="Dana@Example.test")
    response = api(Role.MANAGER).post(
        "/api/feedback/",
        {"lead_email": "dana@example.TEST", "outcome": "rejected", "reason": "student"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    lead.refresh_from_db()
    assert lead.stage == "disqualified"


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PRODUCT, Role.OPS])
def test_roles_that_do_not_work_queues_cannot_post_feedback(api, role):
    lead = hot_mql()
    response = api(role).post(
        "/api/feedback/", {"lead": lead.pk, "outcome": "accepted"}, format="json"
    )
    assert response.status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "rejected"}, "reason"),  # a rejection needs a reason
        ({"outcome": "lost", "reason": "student"}, "reason"),  # not a loss reason
        ({"outcome": "accepted", "reason": "because"}, "reason"),
        ({"outcome": "maybe"}, "outcome"),
        ({}, "outcome"),
    ],
)
def test_invalid_feedback_is_400_naming_the_field(api, body, field):
    lead = hot_mql()
    response = api().post("/api/feedback/", {"lead": lead.pk, **body}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert isinstance(errors[field], list)
    assert errors[field][0]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead": 999999}, "lead"),
        ({"lead": "abc"}, "lead"),
        ({"lead_email": "nobody@example.test"}, "lead_email"),
        ({"lead_email": "not-an-email"}, "lead_email"),
        ({}, "lead"),
    ],
)
def test_unknown_or_missing_lead_is_400_naming_it(api, body, field):
    response = api().post("/api/feedback/", {"outcome": "accepted", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_feedback_with_both_id_and_email_is_refused(api):
    lead = hot_mql()
    response = api().post(
        "/api/feedback/",
        {"lead": lead.pk, "lead_email": lead.email, "outcome": "accepted"},
        format="json",
    )
    assert response.status_code == 400
    assert "lead" in response.json()


def test_feedback_accepts_form_encoding_and_is_post_only(api):
    lead = hot_mql()
    client = api()
    assert (
        client.post("/api/feedback/", {"lead": lead.pk, "outcome": "no_response"}).status_code
        == 201
    )
    assert client.get("/api/feedback/").status_code in (403, 405)


# --- glossary and criteria -----------------------------------------------------------------


def test_glossary_and_criteria_are_readable_and_read_only(api):
    term = GlossaryTerm.objects.create(
        term="Product-qualified lead",
        slug="pql",
        definition="A user whose product usage shows buying intent.",
        owner_team="product",
        examples="Invited three teammates\nHit the free-plan limit",
    )
    rule = criterion(key="pricing-views", name="Pricing views", glossary_term=term)
    client = api(Role.MARKETING)

    terms = client.get("/api/glossary/").json()["results"]
    assert terms[0]["slug"] == "pql"
    assert terms[0]["examples"] == ["Invited three teammates", "Hit the free-plan limit"]
    assert terms[0]["criteria"] == ["pricing-views"]
    assert client.get("/api/glossary/pql/").json()["term"] == "Product-qualified lead"
    assert client.get("/api/glossary/nope/").status_code == 404

    rules = client.get("/api/criteria/").json()["results"]
    assert [r["key"] for r in rules] == [rule.key]
    detail = client.get("/api/criteria/pricing-views/").json()
    assert detail["glossary_term"] == "pql"
    assert detail["points"] == 10
    assert client.get("/api/criteria/nope/").status_code == 404

    # Marketing may edit criteria in the admin, but the API is read-only.
    assert client.post("/api/criteria/", {"key": "x"}).status_code == 405
    assert client.delete("/api/glossary/pql/").status_code in (403, 405)


# --- schema and docs -----------------------------------------------------------------------


def test_schema_lists_the_endpoints(api):
    client = api()
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/leads/",
        "/api/leads/{id}/",
        "/api/feedback/",
        "/api/glossary/",
        "/api/glossary/{slug}/",
        "/api/criteria/",
        "/api/criteria/{key}/",
    } <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/leads/"]["get"]["parameters"]}
    assert {"queue", "tier", "stage", "owner", "updated_since", "page", "page_size"} <= params
    assert "201" in schema["paths"]["/api/feedback/"]["post"]["responses"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]

    yaml = client.get("/api/schema/")
    assert yaml.status_code == 200
    assert b"openapi: 3." in yaml.content


def test_schema_needs_a_login():
    assert APIClient().get("/api/schema/").status_code == 401


def test_docs_page_uses_only_local_assets(client_as):
    client = client_as(Role.SDR)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assets = re.findall(r'(?:src|<link[^>]*href)="([^"]+)"', html)
    assert assets, html
    # Swagger UI's initializer is the page's own script file (no inline script: the CSP).
    assert all(url.startswith("/static/") or url == "/api/docs/?script=" for url in assets)
    assert "/api/docs/?script=" in assets
    # The one other link is the way back to the app.
    assert re.findall(r'<a [^>]*href="([^"]+)"', html) == ["#swagger-ui", "/"]
    assert '<html lang="en">' in html
    assert "cdn" not in html.lower()
    assert "jsdelivr" not in html.lower()
    script = client.get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script


def test_docs_page_sends_anonymous_visitors_to_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("due_in", "warn_in", "stage", "touched", "state", "stopped"),
    [
        (timedelta(hours=2), timedelta(hours=1), "mql", False, "ok", False),
        (timedelta(minutes=10), -timedelta(minutes=5), "mql", False, "warning", False),
        (-timedelta(minutes=1), -timedelta(minutes=20), "mql", False, "breached", False),
        (-timedelta(minutes=1), -timedelta(minutes=20), "disqualified", False, "none", False),
        # Out of the queue untouched (its score fell, stage unchanged): the clock stopped.
        (-timedelta(minutes=1), -timedelta(minutes=20), "mql", False, "none", True),
        (-timedelta(minutes=1), -timedelta(minutes=20), "sql", True, "met", False),
    ],
)
def test_leads_carry_their_stored_sla_clock(api, due_in, warn_in, stage, touched, state, stopped):
    now = timezone.now()
    lead = hot_mql(
        stage=stage,
        sla_started_at=now - timedelta(hours=1),
        sla_warn_at=now + warn_in,
        sla_due_at=now + due_in,
        first_touched_at=now - timedelta(hours=2) if touched else None,
        sla_met=True if touched else None,
        sla_response_minutes=12 if touched else None,
        sla_stopped_at=now if stopped else None,
    )
    client = api()
    listed = client.get("/api/leads/").json()["results"][0]["sla"]
    detail = client.get(f"/api/leads/{lead.pk}/").json()["sla"]
    assert listed == detail
    assert detail["state"] == state
    assert detail["due_at"] == (now + due_in).isoformat().replace("+00:00", "Z")
    assert detail["response_business_minutes"] == (12 if touched else None)
    assert detail["stopped_at"] == (now.isoformat().replace("+00:00", "Z") if stopped else None)
