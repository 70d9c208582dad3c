"""A real ``celery worker`` process in its own process group, on this process's broker.

The benchmark times the chunked full rescore through one and two of them; the fault tests
kill one with ``SIGKILL`` to the whole group (the main process and its pool children
together), as a crashed machine or an OOM-killed container would, which an in-process
worker thread (``celery.contrib.testing``) cannot show. Tooling, not product.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from leadhub.celery import app


def database_url() -> str:
    """The URL of the database this process uses (under pytest: the test database)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    """``celery -A leadhub worker`` with ``concurrency`` pool processes; stop or kill it."""

    def __init__(self, *, concurrency: int = 1, env: dict[str, str] | None = None) -> None:
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        # Kept open for the process's life (closed by ``stop``): its output, for failures.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="worker-", suffix=".log", delete=False
        )
        environment = {**os.environ, "DATABASE_URL": database_url(), **(env or {})}
        environment.pop("LEADHUB_REQUIRE_SERVICES", None)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "leadhub", "worker",
                "--pool", "prefork", "--concurrency", str(concurrency),
                "--hostname", self.name, "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle",
            ],
            cwd=Path(settings.BASE_DIR),
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches the pool too
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> WorkerProcess:
        hostname = self.name.replace("%h", os.uname().nodename)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.output()}")
            if app.control.ping(destination=[hostname], timeout=1):
                return self
        raise RuntimeError(f"worker not ready within {timeout} s: {self.output()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no task is acknowledged or rejected."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._signal(signal.SIGKILL)  # any pool child left behind
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def _signal(self, number: int) -> None:
        # The group outlives its leader while pool children are left.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]
