"""The pure payload parser: limits, encodings, timestamps, per-message validation (no database)."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest

from qualification.core.tracking.parsing import (
    MAX_BATCH_BYTES,
    PayloadError,
    basic_auth_username,
    decode_body,
    messages_parse,
    parse_json,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def one(item: dict, endpoint: str = "batch", **top):
    payload = {"batch": [item], **top} if endpoint == "batch" else item
    return messages_parse(payload, endpoint=endpoint, now=NOW)


def test_clock_skew_is_corrected_with_sent_at():
    # The device's clock is 1 hour fast: it says the event happened 10 s before it sent it.
    messages, _ = one(
        {
            "type": "track",
            "userId": "u",
            "event": "X",
            "timestamp": "2026-11-20T13:00:00Z",
            "sentAt": "2026-11-20T13:00:10Z",
        }
    )
    assert messages[0].timestamp == NOW - timedelta(seconds=10)


def test_batch_sent_at_applies_to_items_and_received_at_may_be_relayed():
    messages, _ = one(
        {
            "type": "track",
            "userId": "u",
            "event": "X",
            "timestamp": "2026-11-20T08:00:00+01:00",
            "receivedAt": "2026-11-20T07:00:05Z",
        },
        sentAt="2026-11-20T07:00:05Z",
    )
    assert messages[0].timestamp == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def test_without_timestamp_the_event_happened_when_received():
    messages, _ = one({"type": "track", "anonymousId": "a", "event": "X"})
    assert messages[0].timestamp == NOW


def test_timestamp_without_sent_at_is_taken_as_is_and_naive_means_utc():
    messages, _ = one(
        {"type": "track", "userId": "u", "event": "X", "timestamp": "2026-01-02T03:04:05"}
    )
    assert messages[0].timestamp == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"type": "track", "event": "X"}, "userId or anonymousId is required"),
        ({"type": "track", "userId": None, "anonymousId": "", "event": "X"}, "userId or"),
        ({"type": "track", "userId": "u"}, "event: a non-empty string is required"),
        ({"type": "track", "userId": "u", "event": 5}, "event: a non-empty string"),
        ({"type": "track", "userId": "u", "event": "x" * 201}, "event: longer than 200"),
        ({"type": "track", "userId": ["u"], "event": "X"}, "userId: must be a string"),
        ({"type": "track", "userId": True, "event": "X"}, "userId: must be a string"),
        ({"type": "track", "userId": "u" * 201, "event": "X"}, "userId: longer than 200"),
        ({"type": "track", "userId": "u", "event": "X", "properties": []}, "properties: must be"),
        ({"type": "track", "userId": "u", "event": "X", "context": "c"}, "context: must be"),
        ({"type": "track", "userId": "u", "event": "X", "timestamp": "yesterday"}, "timestamp:"),
        ({"type": "track", "userId": "u", "event": "X", "timestamp": 1700000000}, "timestamp:"),
        ({"type": "track", "userId": "u", "event": "X", "sentAt": "2026-13-01"}, "sentAt:"),
        ({"type": "launch", "userId": "u"}, "type: must be one of"),
        ({"userId": "u"}, "type: must be one of"),
        ({"type": "group", "userId": "u", "traits": {}}, "groupId is required"),
        ({"type": "alias", "userId": "u"}, "alias needs previousId and userId"),
        ({"type": "alias", "anonymousId": "a", "previousId": "p"}, "alias needs"),
        ({"type": "identify", "userId": "u", "traits": {"email": "nope"}}, "traits.email:"),
        ({"type": "identify", "userId": "u", "traits": "x"}, "traits: must be an object"),
        ({"type": "identify", "userId": "u", "context": {"traits": 3}}, "context.traits:"),
        ({"type": "track", "userId": "u", "event": "X", "properties": {"b": "x" * 33000}}, "KB"),
    ],
)
def test_invalid_messages_are_refused_with_the_field_named(item, reason):
    messages, refusals = one(item)
    assert messages == []
    assert len(refusals) == 1
    assert refusals[0].index == 0
    assert reason in refusals[0].message


def test_numbers_as_ids_are_stringified_and_traits_come_from_context():
    messages, refusals = one(
        {"type": "identify", "userId": 42, "context": {"traits": {"email": "a@acme.com"}}}
    )
    assert refusals == []
    assert messages[0].user_id == "42"
    assert messages[0].traits == {"email": "a@acme.com"}


def test_top_level_context_merges_into_items():
    messages, _ = one(
        {"type": "identify", "userId": "u", "context": {"ip": "1.2.3.4"}},
        context={"traits": {"title": "CTO"}, "ip": "0.0.0.0"},
    )
    assert messages[0].traits == {"title": "CTO"}


def test_page_is_stored_as_page_viewed_with_its_name():
    messages, _ = one(
        {"type": "page", "anonymousId": "a", "name": "Pricing", "properties": {"path": "/p"}}
    )
    assert (messages[0].event, messages[0].properties) == (
        "Page Viewed",
        {"path": "/p", "name": "Pricing"},
    )


def test_single_endpoint_body_is_the_message():
    messages, _ = messages_parse(
        {"userId": "u", "event": "Signed Up", "messageId": "m-1"}, endpoint="track", now=NOW
    )
    assert (messages[0].type, messages[0].message_id) == ("track", "m-1")


def test_batch_must_be_a_list():
    with pytest.raises(PayloadError, match="batch: must be a list"):
        messages_parse({"batch": {"type": "track"}}, endpoint="batch", now=NOW)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{nope", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b'{"a": NaN}', "invalid_json"),
        (b'{"a": ' + b"9" * 5000 + b"}", "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),
    ],
)
def test_unparseable_bodies(body, code):
    with pytest.raises(PayloadError) as exc:
        parse_json(body)
    assert (exc.value.code, exc.value.status) == (code, 400)


def test_nul_characters_and_lone_surrogates_are_dropped():
    payload = parse_json(b'{"a\\u0000": "x\\u0000y", "b": ["\\ud800z"], "c": "\\ud83d\\ude00"}')
    assert payload == {"a": "xy", "b": ["?z"], "c": "\U0001f600"}


def test_gzip_bodies_are_inflated_within_the_limit():
    assert decode_body(gzip.compress(b'{"a": 1}'), "gzip") == b'{"a": 1}'
    bomb = gzip.compress(b" " * (MAX_BATCH_BYTES * 4))
    with pytest.raises(PayloadError, match="500 KB"):
        decode_body(bomb, "gzip")
    with pytest.raises(PayloadError, match="not valid gzip"):
        decode_body(b"not gzip at all", "gzip")
    with pytest.raises(PayloadError, match="truncated"):
        decode_body(gzip.compress(b'{"a": 1}' * 100)[:-12], "gzip")
    with pytest.raises(PayloadError, match="not supported"):
        decode_body(b"{}", "br")


def test_basic_auth_username():
    token = base64.b64encode(b"lh_key:").decode()
    assert basic_auth_username(f"Basic {token}") == "lh_key"
    assert basic_auth_username("Bearer abc") is None
    assert basic_auth_username("Basic %%%") is None
    assert basic_auth_username(None) is None


def test_message_size_is_measured_as_sent():
    item = {"type": "track", "userId": "u", "event": "X", "properties": {"p": "é" * 100}}
    _messages, refusals = one(item)
    assert refusals == []
    assert len(json.dumps(item)) < 32 * 1024
