"""Tasks in the embedded mode (no REDIS_URL): run after the response, on one thread.

Without a broker Celery runs a task where it is sent (``task_always_eager``), which put a
request's rescore inside the request: ingestion fell to 390 events/s on 100,000 leads. Here
the web process hands each task to one daemon thread instead and answers at once. Rescore
requests coalesce (every lead asked for while the thread was busy is scored in one pass),
and when the thread is idle it sweeps leads still marked for rescoring, as beat's
``rescore_sweep`` does with a broker. A task that fails is logged; what it was for stays
marked in the database (the rescore mark, a pending delivery row) and is picked up again,
so nothing is lost. Only for the demo and a single machine: production runs Celery workers.

Only a process that serves requests hands tasks to the thread: ``leadhub.wsgi`` and
``leadhub.asgi`` (which gunicorn and ``runserver`` load) call ``runner.serve()``. Every other
process (a management command, a shell, the tests) keeps Celery's eager default and runs a
task where it is sent: a daemon thread dies with a command that exits, so ``recalibrate``
would end before the rescore its new model needs, and the benchmark would time its next
figure beside a rescore still running. ``tests/api/test_inprocess.py`` runs the thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence

logger = logging.getLogger(__name__)

RESCORE_TASK = "qualification.rescore_leads"
SWEEP_TASK = "qualification.rescore_sweep"
IDLE_SWEEP_S = 60.0  # how long the thread waits for work before sweeping marked leads


class Runner:
    """One daemon thread running submitted tasks in order; rescore requests coalesce."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, tuple]] = queue.Queue()
        self._rescore_ids: set[int] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._busy = threading.Event()
        self._running = threading.Event()  # cleared by ``paused()``
        self._running.set()
        self.serving = False  # set by ``serve()`` in a web process

    def serve(self) -> None:
        """Take tasks from now on (the embedded mode's web process)."""
        self.serving = True

    def submit(self, task_name: str, args: Sequence[object]) -> None:
        """Queue a task for the thread (started on first use, so after any fork)."""
        with self._lock:
            if task_name == RESCORE_TASK:
                self._rescore_ids.update(int(i) for i in args[0])  # type: ignore[union-attr]
                args = ()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="leadhub-tasks", daemon=True
                )
                self._thread.start()
        self._queue.put((task_name, tuple(args)))

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted task has run (for tests and the shutdown of a demo)."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def pause(self) -> None:
        """Hold the thread before its next task (tests prove requests do not wait for it)."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def _loop(self) -> None:
        while True:
            try:
                task_name, args = self._queue.get(timeout=IDLE_SWEEP_S)
            except queue.Empty:
                if self.serving:  # a process that stopped serving (a test) sweeps nothing
                    self._run(SWEEP_TASK, ())
                continue
            try:
                self._running.wait()
                if task_name == RESCORE_TASK:
                    with self._lock:
                        ids, self._rescore_ids = sorted(self._rescore_ids), set()
                    if ids:
                        self._run(RESCORE_TASK, (ids,))
                else:
                    self._run(task_name, args)
            finally:
                self._queue.task_done()

    def _run(self, task_name: str, args: tuple) -> None:
        from celery import current_app
        from django.db import connections

        try:
            current_app.tasks[task_name].apply(args, throw=True)
        except Exception:  # logged; the database keeps what the task was for
            logger.exception("In-process task %s failed; it will be picked up again", task_name)
        finally:
            connections.close_all()


runner = Runner()
