"""The tracking API over HTTP: success, dedupe, gzip, sources, and every error answer."""

from __future__ import annotations

import gzip
import json

import pytest

from qualification.models import Account, Event, EventType, IngestKey, Lead
from qualification.services.ingest_keys import ingest_key_revoke
from tests.api.conftest import basic
from tests.factories import account_typed_in_admin

pytestmark = pytest.mark.django_db


def track(message_id: str = "m-1", **extra) -> dict:
    return {
        "type": "track",
        "userId": "u-1",
        "event": "Report Exported",
        "messageId": message_id,
        **extra,
    }


def test_batch_stores_events_with_the_keys_source_and_adds_unknown_names(send):
    response = send("batch", {"batch": [track("m-1"), track("m-2", event="Teammate Invited")]})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert Event.objects.filter(source="product").count() == 2
    assert EventType.objects.get(name="Teammate Invited").source == "product"
    lead = Lead.objects.get(user_id="u-1")
    assert lead.needs_rescore is True
    assert set(lead.events.values_list("name", flat=True)) == {
        "Report Exported",
        "Teammate Invited",
    }


def test_marketing_key_stores_marketing_events(send, marketing_key):
    response = send("page", {"anonymousId": "a-1", "name": "Pricing"}, key=marketing_key)
    assert response.status_code == 200
    event = Event.objects.get()
    assert (event.name, event.source, event.properties, event.lead) == (
        "Page Viewed",
        "marketing",
        {"name": "Pricing"},
        None,
    )


def test_resent_messages_succeed_and_are_stored_once(send):
    body = {"batch": [track("m-1"), track("m-1")]}
    assert send("batch", body).status_code == 200
    assert send("batch", body).status_code == 200
    assert send("track", track("m-1")).status_code == 200
    assert Event.objects.count() == 1


def test_same_message_id_from_the_other_source_is_a_different_event(send, marketing_key):
    send("track", track("m-1"))
    send("track", track("m-1"), key=marketing_key)
    assert sorted(Event.objects.values_list("source", flat=True)) == ["marketing", "product"]


def test_gzip_body(send):
    response = send("batch", {"batch": [track("m-1")]}, compress=True)
    assert response.status_code == 200
    assert Event.objects.count() == 1


def test_write_key_in_the_body(send, product_key):
    response = send("track", {**track(), "writeKey": product_key}, auth=False)
    assert response.status_code == 200
    assert Event.objects.count() == 1


@pytest.mark.parametrize("endpoint", ["track", "identify", "group", "page", "screen", "alias"])
def test_each_endpoint_accepts_its_call(send, endpoint):
    body = {
        "track": {"userId": "u", "event": "Signed Up"},
        "identify": {"userId": "u", "traits": {"email": "u@acme.com"}},
        "group": {"userId": "u", "groupId": "g", "traits": {"website": "acme.com"}},
        "page": {"userId": "u", "name": "Home"},
        "screen": {"userId": "u", "name": "Home"},
        "alias": {"userId": "u", "previousId": "anon"},
    }[endpoint]
    response = send(endpoint, body)
    assert (response.status_code, response.json()) == (200, {"success": True})


def test_partial_batch_stores_valid_items_and_lists_the_refused(send):
    batch = [
        track("m-1"),
        "not an object",
        {"type": "track", "event": "X"},
        track("m-2", timestamp="last tuesday"),
        {"type": "identify", "anonymousId": "a-9", "traits": {"plan": "pro"}},
        track("m-3"),
    ]
    response = send("batch", {"batch": batch})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert [(r["index"], r["code"]) for r in body["refused"]] == [
        (1, "invalid_message"),
        (2, "invalid_message"),
        (3, "invalid_message"),
        (4, "invalid_message"),
    ]
    messages = [r["message"] for r in body["refused"]]
    assert messages[0] == "must be a JSON object"
    assert messages[1] == "userId or anonymousId is required"
    assert messages[2].startswith("timestamp:")
    assert "identify needs a userId or traits.email" in messages[3]
    assert set(Event.objects.values_list("message_id", flat=True)) == {"m-1", "m-3"}


def test_a_batch_with_nothing_valid_is_a_400_listing_every_item(send):
    response = send("batch", {"batch": [1, {"type": "track"}]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_batch"
    assert [r["index"] for r in body["refused"]] == [0, 1]


def test_an_empty_batch_is_fine(send):
    assert send("batch", {"batch": []}).json() == {"success": True}


def test_a_group_call_files_events_under_the_account_ops_typed_in_the_admin(send):
    """Issue 9: the admin stored "ftp://acme.com" as "ftp:", so the call made a second account."""
    account = account_typed_in_admin("ftp://acme.com")
    group = {"userId": "u-1", "groupId": "g-1", "traits": {"website": "https://www.acme.com/"}}
    assert send("group", group).status_code == 200
    assert send("track", track("m-1")).status_code == 200
    assert list(Account.objects.all()) == [account]
    assert Event.objects.get().account == account


@pytest.mark.parametrize(
    ("endpoint", "body", "code", "message"),
    [
        ("batch", {"batch": "x"}, "invalid_batch", "batch: must be a list"),
        ("batch", {}, "invalid_batch", "batch: must be a list"),
        ("batch", {"batch": [], "context": []}, "invalid_batch", "context: must be an object"),
        ("track", {"userId": "u"}, "invalid_message", "event: a non-empty string"),
        ("track", {"event": "X"}, "invalid_message", "userId or anonymousId"),
        ("identify", {"userId": "u", "traits": {"email": 7}}, "invalid_message", "traits.email"),
        ("group", {"userId": "u", "groupId": "g"}, "invalid_message", "traits.domain or"),
        (
            "group",
            {"userId": "u", "groupId": "g", "traits": {"domain": "not a domain"}},
            "invalid_message",
            "traits.domain: “not a domain” is not a domain or website",
        ),
        ("alias", {"userId": "u"}, "invalid_message", "previousId"),
        ("track", [1, 2], "invalid_json", "JSON object"),
    ],
)
def test_invalid_requests_are_400_naming_the_problem(send, endpoint, body, code, message):
    response = send(endpoint, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert message in response.json()["message"]
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "headers", "code"),
    [
        (b"{not json", {}, "invalid_json"),
        (b"", {}, "invalid_json"),
        (b"\x1f\x8b garbage", {"HTTP_CONTENT_ENCODING": "gzip"}, "invalid_gzip"),
        (b"{}", {"HTTP_CONTENT_ENCODING": "br"}, "unsupported_encoding"),
        (b'{"batch": [], "x": "' + b"a" * 600_000 + b'"}', {}, "body_too_large"),
        (
            gzip.compress(b'{"batch": [], "x": "' + b"a" * 600_000 + b'"}'),
            {"HTTP_CONTENT_ENCODING": "gzip"},
            "body_too_large",
        ),
        (b'{"a": Infinity}', {}, "invalid_json"),
    ],
)
def test_malformed_bodies_are_400(send, raw, headers, code):
    response = send("batch", None, raw=raw, **headers)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_oversized_event_is_400_on_its_own_and_refused_in_a_batch(send):
    big = track("m-big", properties={"blob": "x" * 33_000})
    response = send("track", big)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_message")
    assert "32 KB" in response.json()["message"]
    response = send("batch", {"batch": [big, track("m-ok")]})
    assert response.status_code == 200
    assert response.json()["refused"][0]["index"] == 0
    assert list(Event.objects.values_list("message_id", flat=True)) == ["m-ok"]


def test_missing_key_is_401(send):
    response = send("track", track(), auth=False)
    assert response.status_code == 401
    assert response.json()["code"] == "missing_write_key"
    assert "write key" in response.json()["message"]


@pytest.mark.parametrize(
    "header",
    [basic("lh_not-a-real-key"), basic("plainly-wrong"), "Basic !!!", "Bearer lh_x"],
)
def test_bad_key_is_401(send, header):
    response = send("track", {**track(), "writeKey": "lh_wrong"}, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_write_key"


def test_non_string_write_key_in_body_is_401(send):
    response = send("track", {**track(), "writeKey": ["lh_x"]}, auth=False)
    assert (response.status_code, response.json()["code"]) == (401, "invalid_write_key")


def test_revoked_key_is_401(send, product_key):
    ingest_key_revoke(key=IngestKey.objects.get())
    response = send("track", track(), key=product_key)
    assert response.status_code == 401
    assert response.json()["message"] == "The write key is unknown or has been revoked."


def test_key_use_is_recorded(send):
    send("track", track())
    assert IngestKey.objects.get().last_used_at is not None


def test_only_post(client):
    response = client.get("/v1/batch")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_no_login_or_csrf_needed(product_key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/v1/track",
        data=json.dumps(track()),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(product_key),
    )
    assert response.status_code == 200
