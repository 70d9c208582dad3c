"""The OpenAPI schema says what the API answers (issue 14, defect 11).

Each point the issue found: blank choices missing from their enums, FeedbackCreate not
saying that ``lead`` or ``lead_email`` is required, errors undocumented, junk ``page_size``
accepted, the /v1/ endpoints missing. Then real responses, errors included, are checked
against the schema, so a serializer that drifts from it fails here.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from rest_framework.test import APIClient

from qualification.models import CriteriaVersion, Lead
from qualification.roles import Role
from tests import factories
from tests.api.openapi import _components, api_schema, assert_matches_schema

pytestmark = pytest.mark.django_db


def _component(name: str) -> dict[str, Any]:
    return api_schema()["components"]["schemas"][name]


def _validator(name: str) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(
        {"$ref": f"#/components/schemas/{name}", "components": _components()}
    )


@pytest.mark.parametrize(
    ("component", "field", "values"),
    [
        ("Criterion", "operator", ["", "eq"]),  # event criteria have no operator
        ("Lead", "pql_kind", ["", "usage"]),  # most leads are no PQL
        ("LeadDetail", "pql_kind", ["", "usage"]),
        ("Feedback", "reason", ["", "no_budget"]),  # an acceptance gives no reason
    ],
)
def test_blank_choices_are_values_of_their_enums(component, field, values):
    schema = {"components": _components(), **_components()["schemas"][component]}
    required = [name for name in schema.get("required", []) if name != field]
    for value in values:
        body = dict.fromkeys(required) | {field: value}
        errors = [
            error
            for error in jsonschema.Draft4Validator(schema).iter_errors(body)
            if list(error.absolute_path)[:1] == [field]
        ]
        assert not errors, (component, field, value, [e.message for e in errors])
    bad = {field: "no-such-choice"}
    assert any(
        list(error.absolute_path)[:1] == [field]
        for error in jsonschema.Draft4Validator(schema).iter_errors(bad)
    )


def test_feedback_create_says_lead_or_lead_email_is_required():
    schema = _component("FeedbackCreate")
    assert schema["oneOf"] == [{"required": ["lead"]}, {"required": ["lead_email"]}]
    assert "lead_email" in schema["description"]
    validator = _validator("FeedbackCreate")
    assert validator.is_valid({"lead": 1, "outcome": "accepted"})
    assert validator.is_valid({"lead_email": "a@example.test", "outcome": "accepted"})
    assert not validator.is_valid({"outcome": "accepted"})
    assert not validator.is_valid({"lead": 1, "lead_email": "a@example.test", "outcome": "lost"})
    responses = api_schema()["paths"]["/api/feedback/"]["post"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_every_rest_operation_documents_its_errors():
    error = {"$ref": "#/components/schemas/Error"}
    assert _component("Error")["required"] == ["code", "message"]
    for path, operations in api_schema()["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"400", "401", "403"} | ({"404"} if "{" in path else set())
            assert expected <= set(responses), (method, path)
            for status in expected - {"409"}:
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == error, (method, path, status)


def test_page_size_is_documented_with_its_bounds():
    parameters = api_schema()["paths"]["/api/leads/"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in parameters}
    assert by_name["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert by_name["page"]["minimum"] == 1
    assert "404" in api_schema()["paths"]["/api/leads/"]["get"]["responses"]  # past the last


def test_the_tracking_endpoints_are_in_the_served_schema(api):
    served = json.loads(api().get("/api/schema/?format=json").content)
    for endpoint in ("batch", "track", "identify", "group", "page", "screen", "alias"):
        assert "post" in served["paths"][f"/v1/{endpoint}"]
    assert served["paths"].keys() == api_schema()["paths"].keys()


@pytest.fixture
def data(make_user) -> dict[str, Any]:
    """A lead that is no PQL (pql_kind ""), a PQL, an event criterion (operator ""), an
    attribute one, a glossary term, a draft and an accepted feedback (reason "")."""
    owner = make_user(Role.SDR, username="owner")
    plain = factories.LeadFactory(pql_kind="", owner=owner, tier=3)
    factories.LeadFactory(pql_kind="usage", qualification="pql", stage="pql", queue="pql", tier=4)
    term = factories.term(slug="pql")
    factories.criterion(key="demo", glossary_term=term)
    factories.criterion(
        key="country",
        signal_type="attribute",
        attribute="account.country",
        operator="eq",
        value="DE",
    )
    factories.feedback(lead=plain, outcome="accepted", reason="", note="")
    draft = factories.draft()
    return {"lead": plain, "draft": draft}


def _urls(data: dict[str, Any]) -> list[str]:
    lead: Lead = data["lead"]
    draft: CriteriaVersion = data["draft"]
    return [
        "/api/leads/",
        "/api/leads/?page_size=1&page=2",
        f"/api/leads/{lead.pk}/",
        "/api/glossary/",
        "/api/glossary/pql/",
        "/api/criteria/",
        "/api/criteria/demo/",
        f"/api/criteria/?version={draft.pk}",
        "/api/criteria/versions/",
        f"/api/criteria/versions/{draft.pk}/",
        "/api/criteria/drafts/",
        f"/api/criteria/drafts/{draft.pk}/",
        f"/api/criteria/drafts/{draft.pk}/diff/",
        # errors: each must be documented and shaped as documented
        "/api/leads/?tier=scorching",
        "/api/leads/?page_size=abc",
        "/api/leads/?page=99",
        "/api/leads/0/",
        "/api/glossary/nothing/",
        "/api/criteria/?version=999999",
        "/api/leads/?q=%00",
    ]


def test_real_responses_match_the_schema(api, data):
    ops = api(Role.OPS)
    statuses = set()
    for url in _urls(data):
        response = ops.get(url)
        statuses.add(response.status_code)
        assert_matches_schema(response, url.split("?")[0])
    assert statuses == {200, 400, 404}


def test_refusals_match_the_schema(api, data):
    lead = data["lead"]
    anonymous = APIClient().get("/api/leads/")
    assert anonymous.status_code == 401
    assert_matches_schema(anonymous, "/api/leads/")
    refused = api(Role.MARKETING).post(
        "/api/feedback/", {"lead": lead.pk, "outcome": "accepted"}, format="json"
    )
    assert refused.status_code == 403
    assert_matches_schema(refused, "/api/feedback/", "post")
    sdr = api(Role.SDR)
    neither = sdr.post("/api/feedback/", {"outcome": "accepted"}, format="json")
    assert neither.status_code == 400
    assert neither.json()["message"] == "lead: Give the lead's id or its email."
    assert_matches_schema(neither, "/api/feedback/", "post")
    type(lead).objects.filter(pk=lead.pk).update(
        owner=None, claimed_at=None
    )  # SDRs: own or unowned
    created = sdr.post(
        "/api/feedback/", {"lead_email": lead.email, "outcome": "accepted"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert_matches_schema(created, "/api/feedback/", "post")
