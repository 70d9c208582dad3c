"""Fixtures for the tracking API: write keys, a poster that speaks the wire format, an outage."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from kombu import pools as kombu_pools

from leadhub.celery import app
from qualification.services.ingest_keys import ingest_key_create


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
def broker_down():
    """Point Celery at a port where no broker listens (a real outage, not a mock)."""
    keys = ("broker_url", "task_always_eager", "task_publish_retry", "broker_connection_timeout")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url="redis://127.0.0.1:9/0",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    _drop_broker_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _drop_broker_connections()


def _drop_broker_connections() -> None:
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
