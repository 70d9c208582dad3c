"""The REST API's likelihood: ``likelihood`` (0-1 or null) and ``likelihood_model`` (the
recalibration id, or null) on every lead, factors on one lead, all in the schema."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.catalog import scoring_catalog
from tests.services.rescoring.live_model import WEBINAR, expected, live_recalibration

pytestmark = pytest.mark.django_db


def test_without_a_model_both_fields_are_null(api):
    lead = LeadFactory()
    client = api()
    [row] = client.get("/api/leads/").json()["results"]
    assert (row["likelihood"], row["likelihood_model"]) == (None, None)
    body = client.get(f"/api/leads/{lead.pk}/").json()
    assert (body["likelihood"], body["likelihood_model"], body["likelihood_factors"]) == (
        None,
        None,
        [],
    )


def test_a_rescored_lead_carries_its_likelihood_and_model_version(api):
    scoring_catalog()
    live = live_recalibration()
    lead = LeadFactory(account=AccountFactory(country="US"), traits={"occupation": "Student"})
    now = timezone.now()
    events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    events(lead, WEBINAR, days_ago(now, 5, 20))
    lead_rescore(lead_ids=[lead.pk], now=now)
    client = api()
    [row] = client.get("/api/leads/").json()["results"]
    want = expected(pricing=True, webinars_30d=2, student=True)
    assert row["likelihood"] == pytest.approx(want, abs=1e-4)
    assert 0 <= row["likelihood"] <= 1
    assert row["likelihood_model"] == live.pk
    assert "likelihood_factors" not in row  # the list stays lean
    body = client.get(f"/api/leads/{lead.pk}/").json()
    assert body["likelihood_model"] == live.pk
    labels = [(f["label"], f["weight"] > 0) for f in body["likelihood_factors"]]
    assert labels == [
        ("Pricing interest", True),
        (f"{WEBINAR} events in the last 30 days", True),
        ("Occupation is Student", False),
    ]


def test_schema_documents_the_likelihood_fields(api):
    schema = json.loads(api().get("/api/schema/?format=json").content)
    components = schema["components"]["schemas"]
    lead = components["Lead"]["properties"]
    assert lead["likelihood"]["nullable"] is True
    assert lead["likelihood"]["maximum"] == 1
    assert lead["likelihood_model"]["nullable"] is True
    assert "recalibration" in lead["likelihood_model"]["description"]
    detail = components["LeadDetail"]["properties"]["likelihood_factors"]
    assert detail["type"] == "array"
    assert components["LikelihoodFactor"]["required"] == ["label", "weight"]
