"""Ingestion speed: events per second through ``POST /v1/batch`` served by gunicorn, beside
``executemany`` of the same rows into the same table, in the same run.

The server is a real gunicorn process on 127.0.0.1 with this process's environment (so the
same database and broker); the load comes from a few client threads on keep-alive
connections, 100 events per request, as an analytics SDK sends them.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from qualification.models import Event, IngestKey
from qualification.services.ingest_keys import ingest_key_create

BATCH = 100
USERS = 500  # distinct known users the traffic is spread over
EVENT_NAMES = ("Feature Used", "Page Viewed", "Report Created", "Teammate Invited")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _batch_body(run: str, number: int) -> bytes:
    base = datetime.now(UTC) - timedelta(hours=1)
    items = [
        {
            "type": "track",
            "userId": f"ingest-bench-{(number * BATCH + i) % USERS}",
            "event": EVENT_NAMES[i % len(EVENT_NAMES)],
            "properties": {"feature": "reports", "i": i},
            "timestamp": (base + timedelta(milliseconds=i)).isoformat(),
            "messageId": f"ingest-bench-{run}-{number}-{i}",
        }
        for i in range(BATCH)
    ]
    return json.dumps({"batch": items, "sentAt": datetime.now(UTC).isoformat()}).encode()


class Server:
    """gunicorn serving this project on a free loopback port, stopped on exit.

    Its log goes to a temporary file, not a pipe: a pipe nobody reads fills after 64 KB of
    warnings and then blocks every request that logs (a broker outage logs on each).
    """

    def __init__(self, workers: int, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.workers = workers
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, **self.env}
        env.setdefault("DJANGO_SETTINGS_MODULE", "leadhub.settings")
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "leadhub.wsgi",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--worker-class", "gthread", "--threads", "2",
                "--log-level", "warning",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    return self
            except OSError as exc:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(self.log.read().decode()[-2000:]) from exc
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def ingest_events_per_s(*, requests: int = 300, clients: int = 4, workers: int = 3) -> float:
    """Events/s accepted (HTTP 200) through /v1/batch; raises if any request fails."""
    key, raw = ingest_key_create(name=f"benchmark {uuid.uuid4().hex[:6]}", source="product")
    auth = "Basic " + base64.b64encode(f"{raw}:".encode()).decode()
    run = uuid.uuid4().hex[:8]
    bodies = [_batch_body(run, n) for n in range(requests)]
    failures: list[str] = []
    lock = threading.Lock()
    next_index = [0]

    def client(port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= len(bodies):
                break
            conn.request(
                "POST",
                "/v1/batch",
                body=bodies[index],
                headers={"Authorization": auth, "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200:
                failures.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    try:
        with Server(workers) as server:
            # Warm up: first-seen users and event types are created once, as in steady traffic.
            warm = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            warm.request("POST", "/v1/batch", body=_batch_body(run + "w", 0),
                         headers={"Authorization": auth, "Content-Type": "application/json"})  # fmt: skip
            warm.getresponse().read()
            threads = [threading.Thread(target=client, args=(server.port,)) for _ in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
    finally:
        IngestKey.objects.filter(pk=key.pk).delete()
        _remove_ingested()
    if failures:
        raise RuntimeError(f"{len(failures)} ingestion request(s) failed, e.g. {failures[0]}")
    return requests * BATCH / elapsed


def new_users_batch(kind: str, run: str, *, limit: int = 490_000) -> tuple[bytes, int]:
    """One batch just under the 500 KB limit, every message for a user never seen before.

    ``kind`` is "track" (short calls, as an SDK's first session sends them) or "identify"
    (a name, an email and a plan each). Returns the body and its number of users.
    """
    items: list[dict] = []
    size = len('{"batch": []}')
    while True:
        user = f"ingest-bench-new-{run}-{len(items)}"
        item: dict = {"type": kind, "userId": user, "messageId": user}
        if kind == "track":
            item["event"] = "Signed Up"
        else:
            item["traits"] = {"email": f"{user}@example.com", "name": "Ann Lee", "plan": "trial"}
        size += len(json.dumps(item)) + 2
        if size > limit:
            return json.dumps({"batch": items}).encode(), len(items)
        items.append(item)


def ingest_new_users(*, workers: int = 2) -> dict[str, float]:
    """Seconds for one full batch of new users through gunicorn, and users per second.

    Before leads were created set-based, such a batch ran past gunicorn's 30 s timeout.
    """
    key, raw = ingest_key_create(name=f"benchmark {uuid.uuid4().hex[:6]}", source="product")
    auth = "Basic " + base64.b64encode(f"{raw}:".encode()).decode()
    figures: dict[str, float] = {}
    try:
        with Server(workers) as server:
            for _ in range(workers * 2):  # warm up: each worker's first request loads Django
                warm = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                warm.request("POST", "/v1/batch", body=b'{"batch": []}',
                             headers={"Authorization": auth, "Content-Type": "application/json"})  # fmt: skip
                warm.getresponse().read()
                warm.close()
            for kind in ("track", "identify"):
                body, users = new_users_batch(kind, uuid.uuid4().hex[:8])
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                started = time.perf_counter()
                conn.request("POST", "/v1/batch", body=body,
                             headers={"Authorization": auth, "Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                conn.close()
                if response.status != 200:
                    raise RuntimeError(f"new-user batch: {response.status} {payload[:200]!r}")
                figures[f"ingest_new_users_{kind}_batch_s"] = round(elapsed, 2)
                figures[f"ingest_new_users_{kind}_per_s"] = round(users / elapsed)
    finally:
        IngestKey.objects.filter(pk=key.pk).delete()
        _remove_ingested()
    figures["ingest_new_users_per_s"] = figures["ingest_new_users_track_per_s"]
    return figures


def _remove_ingested() -> None:
    """Drop what the ingestion run created, so reruns measure the same steady traffic."""
    from qualification.models import AnonymousId, Lead, StageTransition

    leads = Lead.objects.filter(user_id__startswith="ingest-bench-").values("pk")
    with transaction.atomic():
        Event.objects.filter(message_id__startswith="ingest-bench-")._raw_delete(Event.objects.db)
        for model in (StageTransition, AnonymousId):
            model.objects.filter(lead_id__in=leads)._raw_delete(model.objects.db)
        Lead.objects.filter(user_id__startswith="ingest-bench-")._raw_delete(Lead.objects.db)


def raw_insert_events_per_s(*, events: int = 30_000) -> float:
    """executemany of the same kind of rows into the event table (rolled back afterwards)."""
    now = datetime.now(UTC)
    table = Event._meta.db_table
    sql = (
        f"INSERT INTO {table} (lead_id, account_id, anonymous_id, name, source, properties, "
        "occurred_at, received_at, message_id) VALUES (NULL, NULL, '', %s, 'product', %s, %s, %s, %s)"
    )
    run = uuid.uuid4().hex[:8]
    rows = [
        (
            EVENT_NAMES[i % len(EVENT_NAMES)],
            json.dumps({"feature": "reports", "i": i}),
            now,
            now,
            f"bench-raw-{run}-{i}",
        )
        for i in range(events)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return events / elapsed
