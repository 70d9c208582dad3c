"""Fixtures for the APIs: token clients by role, write keys, a poster that speaks the wire format."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from qualification.roles import Role
from qualification.services.api_tokens import api_token_create
from qualification.services.ingest_keys import ingest_key_create
from tests import factories


@pytest.fixture
def product_key(db) -> str:
    return ingest_key_create(name="Product app", source="product")[1]


@pytest.fixture
def marketing_key(db) -> str:
    return ingest_key_create(name="Website", source="marketing")[1]


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


@pytest.fixture
def send(client, product_key) -> Callable[..., Any]:
    """POST a body to /v1/<endpoint> as an SDK would (Basic auth with the product key)."""

    def _send(
        endpoint: str,
        body: Any,
        *,
        key: str | None = None,
        auth: bool = True,
        compress: bool = False,
        raw: bytes | None = None,
        **headers: str,
    ):
        data = raw if raw is not None else json.dumps(body).encode()
        if compress:
            data = gzip.compress(data)
            headers.setdefault("HTTP_CONTENT_ENCODING", "gzip")
        if auth:
            headers.setdefault("HTTP_AUTHORIZATION", basic(key or product_key))
        return client.post(f"/v1/{endpoint}", data=data, content_type="application/json", **headers)

    return _send


@pytest.fixture
def api(make_user):
    """An API client with a token for a fresh user of the given role."""

    def _api(role: Role = Role.SDR, username: str | None = None) -> APIClient:
        user = make_user(role, username=username)
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='tests')[1]}"
        )
        client.user = user
        return client

    return _api


@pytest.fixture
def pricing(db):
    """A published criterion the governance tests change in drafts (20 points)."""
    return factories.criterion(key="pricing", name="Pricing page views", points=20)
