"""The REST API for criteria governance: versions, drafts, diff, preview, publish, rebase."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from qualification.models import CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from tests.api.version_helpers import DRAFTS, VERSIONS, draft_with_points

pytestmark = pytest.mark.django_db

# --- reading versions ---------------------------------------------------------------------


def test_every_role_reads_versions_with_content_and_stored_changes(api, pricing):
    ops = api(Role.OPS, "olivia")
    draft_id = draft_with_points(ops, 25)
    assert (
        ops.post(f"{DRAFTS}{draft_id}/publish/", {"note": "Pricing predicts demos"}).status_code
        == 200
    )

    sdr = api(Role.SDR)
    listed = sdr.get(VERSIONS).json()
    assert listed["count"] == 2
    newest = listed["results"][0]
    assert (newest["number"], newest["status"], newest["note"]) == (
        2,
        "published",
        "Pricing predicts demos",
    )
    assert newest["author"]["username"] == newest["published_by"]["username"] == "olivia"
    assert newest["base"]["number"] == 1
    assert [c["text"] for c in newest["changes"]] == ["Pricing page views: 20 → 25 points"]
    assert newest["measured_effect"] == {
        "mql": {"entered": 0, "left": 0},
        "pql": {"entered": 0, "left": 0},
    }
    assert newest["content"] is None  # lists stay light

    detail = sdr.get(f"{VERSIONS}{draft_id}/").json()
    assert detail["content"]["criteria"]["pricing"]["points"] == 25
    assert "mql_threshold" in detail["content"]["policy"]
    assert sdr.get(f"{VERSIONS}999/").status_code == 404


def test_version_list_reads_a_fixed_number_of_queries(api, pricing):
    ops = api(Role.OPS, "olivia")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ops.get(VERSIONS).status_code == 200
        return len(queries)

    draft_with_points(ops, 21, "one")
    few = count()
    for n in range(3):
        draft_with_points(ops, 22 + n, f"more {n}")
    assert count() == few


# --- drafts: who may make, delete, approve and publish them --------------------------------


def test_sdr_reads_but_cannot_draft_preview_or_publish(api, pricing):
    sdr = api(Role.SDR)
    assert sdr.get(VERSIONS).status_code == 200
    response = sdr.post(DRAFTS, {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).count() == 0

    draft_id = draft_with_points(api(Role.OPS, "olivia"), 25)
    assert sdr.post(f"{DRAFTS}{draft_id}/publish/", {"note": "x"}).status_code == 403
    assert sdr.post(f"{DRAFTS}{draft_id}/preview/").status_code == 403
    assert sdr.delete(f"{DRAFTS}{draft_id}/").status_code == 403
    assert sdr.get(f"{DRAFTS}{draft_id}/diff/").status_code == 200


def test_marketing_drafts_but_only_ops_publish(api, pricing):
    marketing = api(Role.MARKETING, "mia")
    response = marketing.post(DRAFTS, {"title": "Pricing matters more"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["author"]["username"], body["base"]["number"]) == (
        "draft",
        "mia",
        1,
    )
    assert body["changes"] == []
    assert body["content"]["criteria"]["pricing"]["points"] == 20

    refused = marketing.post(f"{DRAFTS}{body['id']}/publish/", {"note": "Please"}, format="json")
    assert refused.status_code == 403
    published = api(Role.OPS, "olivia").post(
        f"{DRAFTS}{body['id']}/publish/", {"note": "Reviewed"}, format="json"
    )
    assert published.status_code == 200
    assert (published.json()["number"], published.json()["status"]) == (2, "published")
    assert published.json()["published_by"]["username"] == "olivia"


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "This field is required."), ({"title": ""}, "This field may not be blank.")],
)
def test_draft_needs_a_title(api, body, message):
    response = api(Role.OPS).post(DRAFTS, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": f"title: {message}",
        "title": [message],
    }


def test_draft_from_an_earlier_version_rolls_back(api, pricing):
    ops = api(Role.OPS, "olivia")
    first = CriteriaVersion.objects.get(number=1)
    ops.post(f"{DRAFTS}{draft_with_points(ops, 40)}/publish/", {"note": "More"})
    response = ops.post(DRAFTS, {"title": "Back to 1", "source": first.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["content"]["criteria"]["pricing"]["points"] == 20
    assert [c["text"] for c in body["changes"]] == ["Pricing page views: 40 → 20 points"]
    missing = ops.post(DRAFTS, {"title": "x", "source": 999}, format="json")
    assert missing.status_code == 400
    assert missing.json()["source"] == ["No criteria version with id 999."]
    assert missing.json()["message"] == "source: No criteria version with id 999."


def test_publish_needs_a_note_naming_the_field(api, pricing):
    ops = api(Role.OPS)
    draft_id = draft_with_points(ops, 25)
    for body in ({}, {"note": "   "}):
        response = ops.post(f"{DRAFTS}{draft_id}/publish/", body, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["code", "message", "note"]
        assert "sales read it in the changelog" in response.json()["note"][0]
    assert CriteriaVersion.objects.get(pk=draft_id).status == VersionStatus.DRAFT


def test_stale_publish_is_409_naming_the_published_version(api, pricing):
    ops = api(Role.OPS, "olivia")
    stale_id = draft_with_points(ops, 25, "mine")
    winner_id = draft_with_points(ops, 30, "theirs")
    assert ops.post(f"{DRAFTS}{winner_id}/publish/", {"note": "First"}).status_code == 200

    response = ops.post(f"{DRAFTS}{stale_id}/publish/", {"note": "Second"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_draft"
    assert body["published_version"] == {"id": winner_id, "number": 2}
    assert "Version 2 was published by olivia" in body["detail"]
    assert ops.get(f"{DRAFTS}{stale_id}/diff/").json()["stale"] is True

    # The same publish again, after the draft was published, is a 409 too (not a 404).
    again = ops.post(f"{DRAFTS}{winner_id}/publish/", {"note": "Again"}, format="json")
    assert again.status_code == 409
    assert "already published as Version 2" in again.json()["detail"]


def test_rebase_reports_conflicts_then_publish_works(api, pricing):
    ops = api(Role.OPS, "olivia")
    stale_id = draft_with_points(ops, 25, "mine")
    ops.post(f"{DRAFTS}{draft_with_points(ops, 30, 'theirs')}/publish/", {"note": "First"})

    response = ops.post(f"{DRAFTS}{stale_id}/rebase/")
    assert response.status_code == 200
    body = response.json()
    assert body["draft"]["base"]["number"] == 2
    [conflict] = body["conflicts"]
    assert (conflict["key"], conflict["field"]) == ("pricing", "points")
    diff = ops.get(f"{DRAFTS}{stale_id}/diff/").json()
    assert diff["stale"] is False
    assert [c["text"] for c in diff["changes"]] == ["Pricing page views: 30 → 25 points"]
    assert ops.post(f"{DRAFTS}{stale_id}/publish/", {"note": "Rebased"}).json()["number"] == 3


def test_invalid_draft_is_400_naming_criterion_and_field(api, pricing):
    ops = api(Role.OPS)
    draft_id = draft_with_points(ops, 25)
    Criterion.objects.filter(version_id=draft_id).update(reason_template="Viewed {pages}")
    response = ops.post(f"{DRAFTS}{draft_id}/publish/", {"note": "Why"}, format="json")
    assert response.status_code == 400
    [problem] = response.json()["criteria"]
    assert (problem["criterion"], problem["field"]) == ("Pricing page views", "reason_template")
    assert problem["message"]


def test_four_eyes_approval(api, pricing):
    author, reviewer = api(Role.OPS, "olivia"), api(Role.OPS, "omar")
    draft_id = draft_with_points(author, 25)
    with override_settings(LEADHUB_CRITERIA_FOUR_EYES=True):
        refused = author.post(f"{DRAFTS}{draft_id}/publish/", {"note": "Why"})
        assert refused.status_code == 403
        assert "second ops user must approve" in refused.json()["detail"]
        assert author.post(f"{DRAFTS}{draft_id}/approve/").status_code == 403  # own draft
        approved = reviewer.post(f"{DRAFTS}{draft_id}/approve/")
        assert approved.status_code == 200
        assert approved.json()["approved_by"]["username"] == "omar"
        assert author.post(f"{DRAFTS}{draft_id}/publish/", {"note": "Why"}).status_code == 200


def test_delete_a_draft_but_never_a_published_version(api, pricing):
    marketing = api(Role.MARKETING, "mia")
    draft_id = marketing.post(DRAFTS, {"title": "Oops"}, format="json").json()["id"]
    other = api(Role.PRODUCT, "pat")
    assert other.delete(f"{DRAFTS}{draft_id}/").status_code == 403  # not theirs
    assert marketing.delete(f"{DRAFTS}{draft_id}/").status_code == 204
    assert not CriteriaVersion.objects.filter(pk=draft_id).exists()

    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    response = api(Role.OPS).delete(f"{DRAFTS}{published.pk}/")
    assert response.status_code == 400
    assert "published versions never change" in response.json()["non_field_errors"][0]
    assert CriteriaVersion.objects.filter(pk=published.pk).exists()


def test_drafts_list_shows_drafts_only(api, pricing):
    ops = api(Role.OPS)
    draft_id = draft_with_points(ops, 25)
    assert [d["id"] for d in ops.get(DRAFTS).json()["results"]] == [draft_id]
    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    assert ops.get(f"{DRAFTS}{published.pk}/").status_code == 404
    detail = ops.get(f"{DRAFTS}{draft_id}/").json()
    assert [c["text"] for c in detail["changes"]] == ["Pricing page views: 20 → 25 points"]
