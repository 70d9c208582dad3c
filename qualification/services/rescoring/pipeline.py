"""Threads that overlap a full rescore's reads and writes with its scoring.

A full rescore alternates database work (the aggregation query, the bulk write) with
Python work (building signals, scoring). Reader threads fetch the next batches and a
writer thread stores the previous one while the calling thread scores, so PostgreSQL
works on one core while Python works on the other. Each thread opens its own database
connection and closes it when it ends; such a connection sees only committed rows, so
callers use this only outside a transaction (and only on PostgreSQL). Nothing here knows
about leads: the orchestration passes what to fetch and how to write.

Measured on 2 cores: with one reader the scoring thread waited for batches half the time
while a core idled; two readers keep it busy, and one writer keeps up.

``sparse_collections`` spaces out Python's cyclic garbage collector while a run lasts.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from queue import Queue
from typing import Generic, TypeVar

from django.db import connection

READERS = 2
WRITERS = 1
# gc thresholds while a long run lasts (Python's default: 700, 10, 10).
SPARSE_GC_THRESHOLDS = (100_000, 20, 100)

Key = TypeVar("Key")
Item = TypeVar("Item")


@contextmanager
def sparse_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely for the duration (usable as a decorator).

    A full rescore or preview allocates tens of millions of short-lived containers (rows,
    signals, results, breakdowns) that reference counting frees, but the collector still
    walks the young generation every 700 allocations and, as the batches in flight
    survive a few of those walks, the whole heap often. Measured over the benchmark's
    100,000 leads: a third of a full rescore (20 s, 13 s with this) and a fifth of a
    preview. Objects alive before the run are frozen out of its collections; cycles are
    still collected, later. Everything is restored afterwards. The settings are the
    process's: a run beside another may restore them early, which only costs speed.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SPARSE_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def prefetched(
    keys: Iterator[Key], fetch: Callable[[Key], Item], *, readers: int = READERS
) -> Iterator[tuple[Key, Item]]:
    """``(key, fetch(key))`` for every key, fetched on reader threads ahead of the caller.

    Results arrive in whatever order the readers finish. The readers share ``keys``
    (taken under a lock, so advancing it may query too); a failure in any reader stops
    them all and is raised here, in the caller's thread.
    """
    ahead: Queue = Queue(maxsize=2 * readers + 1)
    stop = threading.Event()
    failure: list[BaseException] = []
    next_key = threading.Lock()

    def read_ahead() -> None:
        try:
            while not stop.is_set():
                with next_key:
                    key = next(keys, None)
                if key is None:
                    break
                ahead.put((key, fetch(key)))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
            stop.set()
        finally:
            connection.close()  # this thread's own connection
            ahead.put(None)

    threads = [
        threading.Thread(target=read_ahead, name=f"rescore-reader-{n}", daemon=True)
        for n in range(readers)
    ]
    for thread in threads:
        thread.start()
    running = readers
    try:
        while running:
            item = ahead.get()
            if item is None:
                running -= 1
            elif not stop.is_set():
                yield item
    finally:
        stop.set()  # the caller stopped early: let the readers wind down
        while running:
            if ahead.get() is None:
                running -= 1
        for thread in threads:
            thread.join()
    if failure:
        raise failure[0]


class BackgroundWriter(Generic[Item]):
    """Runs ``write(item)`` on writer threads while the caller prepares the next item.

    The first failure is raised in the caller's thread, by the next ``submit`` or by
    ``close``; items submitted after it are dropped. ``close`` waits for every write.
    """

    def __init__(self, write: Callable[[Item], None], *, writers: int = WRITERS) -> None:
        self.write = write
        self.error: BaseException | None = None
        # Small: a backed-up writer holds the scoring thread back instead of piling up rows.
        self.queue: Queue = Queue(maxsize=2 * writers)
        self.threads = [
            threading.Thread(target=self._run, name=f"rescore-writer-{n}", daemon=True)
            for n in range(writers)
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, item: Item) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self) -> None:
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self.write(item)
                    except BaseException as exc:  # handed to the caller's thread
                        self.error = exc
        finally:
            connection.close()  # this thread's own connection
