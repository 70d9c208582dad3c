"""The REST API reads that name criteria versions: previews, criteria, glossary, leads."""

from __future__ import annotations

import json
import sys
import types

import pytest

from qualification.models import CriteriaPreview, CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from qualification.services.versions import draft_check
from tests import factories
from tests.api.version_helpers import DRAFTS, draft_with_points

pytestmark = pytest.mark.django_db


# --- preview -------------------------------------------------------------------------------


@pytest.fixture
def fake_previews(monkeypatch):
    """``services.previews`` stand-in: checks the draft and records a queued run."""

    def preview_request(*, user, draft):
        draft_check(draft)
        return CriteriaPreview.objects.create(
            version=draft,
            base=draft.base,
            requested_by=user,
            content_stamp=draft.content_changed_at,
        )

    module = types.ModuleType("qualification.services.previews")
    module.preview_request = preview_request
    monkeypatch.setitem(sys.modules, "qualification.services.previews", module)


def test_preview_starts_with_202_and_reads_back(api, pricing, fake_previews):
    marketing = api(Role.MARKETING, "mia")
    draft_id = draft_with_points(marketing, 25)
    assert marketing.get(f"{DRAFTS}{draft_id}/preview/").status_code == 404

    started = marketing.post(f"{DRAFTS}{draft_id}/preview/")
    assert started.status_code == 202
    preview = CriteriaPreview.objects.get(version_id=draft_id)
    assert started.json()["id"] == preview.pk

    preview.status, preview.done, preview.total = "running", 1, 4
    preview.save()
    read = api(Role.SDR).get(f"{DRAFTS}{draft_id}/preview/").json()
    assert (read["status"], read["percent"], read["current"]) == ("running", 25, True)

    row = Criterion.objects.get(version_id=draft_id, key="pricing")
    row.points = 26
    row.save()  # an edit after the run started: the preview is out of date
    assert marketing.get(f"{DRAFTS}{draft_id}/preview/").json()["current"] is False


def test_preview_of_an_invalid_draft_is_400(api, pricing, fake_previews):
    ops = api(Role.OPS)
    draft_id = draft_with_points(ops, 25)
    Criterion.objects.filter(version_id=draft_id).update(reason_template="Viewed {pages}")
    response = ops.post(f"{DRAFTS}{draft_id}/preview/")
    assert response.status_code == 400
    assert response.json()["criteria"][0]["field"] == "reason_template"
    assert not CriteriaPreview.objects.exists()


# --- criteria and leads carry their version ------------------------------------------------


def test_criteria_endpoint_reads_the_published_version_or_the_one_asked(api, pricing):
    ops = api(Role.OPS)
    draft_id = draft_with_points(ops, 25)
    assert [c["points"] for c in ops.get("/api/criteria/").json()["results"]] == [20]
    asked = ops.get(f"/api/criteria/?version={draft_id}").json()["results"]
    assert [(c["points"], c["version"]) for c in asked] == [(25, draft_id)]
    assert ops.get(f"/api/criteria/pricing/?version={draft_id}").json()["points"] == 25
    for bad in ("999", "abc"):
        response = ops.get(f"/api/criteria/?version={bad}")
        assert response.status_code == 400
        assert list(response.json()) == ["code", "message", "version"]
        assert response.json()["message"].startswith("version: ")


def test_glossary_lists_each_published_criterion_once(api):
    term = factories.term(slug="intent")
    factories.criterion(key="pricing", glossary_term=term)
    factories.draft()  # copies the criterion into a draft, same key and term
    assert api().get("/api/glossary/intent/").json()["criteria"] == ["pricing"]


def test_lead_score_names_its_criteria_version(api, pricing):
    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    scored = factories.LeadFactory(criteria_version=published)
    unscored = factories.LeadFactory()
    client = api()
    by_id = {lead["id"]: lead for lead in client.get("/api/leads/").json()["results"]}
    assert by_id[scored.pk]["score"]["criteria_version"] == 1
    assert by_id[unscored.pk]["score"]["criteria_version"] is None
    detail = client.get(f"/api/leads/{scored.pk}/").json()
    assert detail["score"]["criteria_version"] == 1


def test_schema_lists_the_governance_endpoints(api):
    schema = json.loads(api().get("/api/schema/?format=json").content)
    paths = schema["paths"]
    assert {
        "/api/criteria/versions/",
        "/api/criteria/versions/{id}/",
        "/api/criteria/drafts/",
        "/api/criteria/drafts/{id}/",
        "/api/criteria/drafts/{id}/diff/",
        "/api/criteria/drafts/{id}/preview/",
        "/api/criteria/drafts/{id}/approve/",
        "/api/criteria/drafts/{id}/publish/",
        "/api/criteria/drafts/{id}/rebase/",
    } <= set(paths)
    assert "202" in paths["/api/criteria/drafts/{id}/preview/"]["post"]["responses"]
    assert "409" in paths["/api/criteria/drafts/{id}/publish/"]["post"]["responses"]
    assert "criteria_version" in schema["components"]["schemas"]["Score"]["properties"]
