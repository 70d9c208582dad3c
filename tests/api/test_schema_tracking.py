"""The /v1/ tracking API in the OpenAPI schema (api.segment_schema), beside the REST API."""

from __future__ import annotations

import json

import pytest

from qualification.api.segment import ENDPOINTS
from qualification.core.tracking.parsing import MESSAGE_TYPES
from qualification.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client_as) -> dict:
    response = client_as(Role.SDR).get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_tracking_endpoint_is_a_documented_post(schema):
    for endpoint in ENDPOINTS:
        operations = schema["paths"][f"/v1/{endpoint}"]
        assert set(operations) == {"post"}, endpoint
        post = operations["post"]
        assert post["tags"] == ["tracking"]
        assert post["security"] == [{"writeKey": []}]
        assert {"200", "400", "401", "405"} <= set(post["responses"])
    assert "/api/leads/" in schema["paths"]  # the REST API is still there


def test_message_schemas_follow_the_parser(schema):
    schemas = schema["components"]["schemas"]
    track = schemas["TrackingTrackMessage"]
    assert track["required"] == ["event"]
    assert {"userId", "anonymousId", "messageId", "timestamp", "properties"} <= set(
        track["properties"]
    )
    assert schemas["TrackingGroupMessage"]["required"] == ["groupId"]
    assert len(schemas["TrackingBatchItem"]["oneOf"]) == len(MESSAGE_TYPES)
    body = schema["paths"]["/v1/batch"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"] == "#/components/schemas/TrackingBatch"
    assert schema["components"]["securitySchemes"]["writeKey"]["scheme"] == "basic"
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
