"""Issue 14, defect 1: hostile but well-formed JSON never makes the tracking API answer 5xx.

Found by a fuzz pass: lone low surrogates, raw surrogate bytes, numbers that overflow to
infinity and deep nesting each answered an HTML 500 (and SDKs retry a 5xx forever). The
regression cases come first, then a hypothesis fuzz test over every message type and
field with hostile values, which holds the API to: never a 5xx, every error a JSON
``{code, message}``, nothing stored from a refused message.
"""

from __future__ import annotations

import gzip
import itertools
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.models import Account, Event, Lead
from tests.api.conftest import basic

BIG = "__1e999__"  # replaced by the bare literal 1e999 in the body (json.dumps cannot write it)


def post(client: Client, key: str, endpoint: str, body: bytes, **headers):
    return client.post(
        f"/v1/{endpoint}",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(key),
        **headers,
    )


def dumps(value) -> bytes:
    return json.dumps(value).replace(f'"{BIG}"', "1e999").encode()


@pytest.fixture
def http(db) -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "escape",
    ["\\udc00", "\\udfff", "\\ud800", "\\udbff", "x\\udc80y"],
)
@pytest.mark.parametrize("where", ["value", "key", "userId"])
def test_lone_surrogates_anywhere_are_stored_without_them(http, product_key, escape, where):
    values = {
        "value": '{"userId": "u1", "event": "E", "properties": {"a": "%s"}}',
        "key": '{"userId": "u1", "event": "E", "properties": {"%s": 1}}',
        "userId": '{"userId": "u%s", "event": "E"}',
    }
    response = post(http, product_key, "track", (values[where] % escape).encode())
    assert response.status_code == 200, response.content
    event = Event.objects.get()
    stored = json.dumps(event.properties) + event.lead.user_id
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in stored)


def test_raw_surrogate_bytes_are_a_400_naming_the_encoding(http, product_key):
    body = b'{"userId": "u1", "event": "E", "properties": {"a": "\xed\xb0\x80"}}'
    response = post(http, product_key, "track", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"
    assert "UTF-8" in response.json()["message"]
    assert not Event.objects.exists()


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "1E400"])
def test_numbers_that_overflow_are_refused_naming_the_field(http, product_key, literal):
    body = (
        '{"batch": [{"type": "track", "userId": "u1", "event": "E", "messageId": "ok"},'
        ' {"type": "track", "userId": "u2", "event": "E", "messageId": "big", "properties": {"n": [1, '
        + literal
        + "]}}]}"
    ).encode()
    response = post(http, product_key, "batch", body)
    assert response.status_code == 200, response.content
    refused = response.json()["refused"]
    assert refused == [
        {
            "index": 1,
            "code": "invalid_message",
            "message": "properties.n[1]: the number is too large",
        }
    ]
    assert list(Event.objects.values_list("message_id", flat=True)) == ["ok"]
    assert not Lead.objects.filter(user_id="u2").exists()


@pytest.mark.parametrize("depth", [65, 500, 930, 5000])
def test_deep_nesting_is_refused_not_a_crash(http, product_key, depth):
    nested = "[" * depth + "]" * depth
    body = f'{{"userId": "u1", "event": "E", "properties": {{"deep": {nested}}}}}'.encode()
    response = post(http, product_key, "track", body)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] in {"invalid_message", "invalid_json"}
    assert not Event.objects.exists()
    assert not Lead.objects.exists()


def test_sixty_four_levels_are_still_stored(http, product_key):
    nested = "[" * 62 + "]" * 62  # properties and its key make 64 levels
    body = f'{{"userId": "u1", "event": "E", "properties": {{"deep": {nested}}}}}'.encode()
    assert post(http, product_key, "track", body).status_code == 200


def test_a_gzip_bomb_is_refused_without_inflating_it(http, product_key):
    bomb = gzip.compress(b'{"batch": [' + b" " * 50_000_000 + b"]}")
    response = post(http, product_key, "batch", bomb, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code in (400, 413)
    assert response.json()["code"] == "body_too_large"


# -- the fuzz test -----------------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=12),
    st.sampled_from(["\x00", "a\x00b", "\udc00", "\ud800x", "\U0001f600", "", " ", "x" * 300]),
)
leaf = st.one_of(
    hostile_text,
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(BIG),
    st.booleans(),
    st.none(),
)
tree = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)
deep = st.integers(min_value=1, max_value=200).map(lambda n: BIG if n > 150 else [[[]]] * 0 or n)
FIELDS = (
    "userId", "anonymousId", "event", "properties", "traits", "context", "timestamp",
    "sentAt", "messageId", "groupId", "previousId", "name", "category", "receivedAt",
)  # fmt: skip
TYPES = ("track", "identify", "group", "page", "screen", "alias")


def _nested(depth: int):
    value: object = "bottom"
    for _ in range(depth):
        value = [value]
    return value


message = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), tree)},
    optional={
        **dict.fromkeys(FIELDS, tree),
        "userId": st.one_of(hostile_text, st.integers(), tree),
        "traits": st.one_of(
            st.dictionaries(st.sampled_from(["email", "name", "plan", "employees"]), tree),
            tree,
        ),
        "properties": st.one_of(
            st.integers(min_value=60, max_value=120).map(lambda d: {"deep": _nested(d)}), tree
        ),
    },
)
counter = itertools.count()


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=st.lists(message, min_size=1, max_size=4), endpoint=st.sampled_from(["batch", *TYPES]))
def test_hostile_messages_never_answer_5xx_and_refusals_store_nothing(product_key, items, endpoint):
    http = Client(raise_request_exception=False)
    run = next(counter)
    for n, item in enumerate(items):
        item["messageId"] = f"fz-{run}-{n}"
    body = dumps({"batch": items} if endpoint == "batch" else items[0])
    accounts_before = Account.objects.count()
    response = post(http, product_key, endpoint, body)
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    stored = set(
        Event.objects.filter(message_id__startswith=f"fz-{run}-").values_list(
            "message_id", flat=True
        )
    )
    if response.status_code >= 400:
        assert set(data) >= {"code", "message"}
        assert data["message"]
        assert stored == set()
        if endpoint != "batch" or len(items) == 1:
            assert Account.objects.count() == accounts_before
    else:
        for refusal in data.get("refused", []):
            assert f"fz-{run}-{refusal['index']}" not in stored
