"""Shared by the criteria-governance API tests: the routes and a draft that moves points."""

from __future__ import annotations

from rest_framework.test import APIClient

from qualification.models import Criterion

DRAFTS = "/api/criteria/drafts/"
VERSIONS = "/api/criteria/versions/"


def draft_with_points(client: APIClient, points: int, title: str = "More for pricing") -> int:
    """A draft made through the API, its "pricing" criterion then edited like the admin
    would (a saved row, so the draft's content stamp moves): a diff with one change."""
    response = client.post(DRAFTS, {"title": title}, format="json")
    assert response.status_code == 201, response.content
    draft_id = response.json()["id"]
    row = Criterion.objects.get(version_id=draft_id, key="pricing")
    row.points = points
    row.save()
    return draft_id
