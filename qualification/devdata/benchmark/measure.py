"""Timed figures: each compared with the bare SQL doing the same work in the same run."""

from __future__ import annotations

import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from qualification.db.rows import fast_cursor
from qualification.models import Event, Lead
from qualification.selectors.aggregation import (
    event_aggregates,
    relevant_event_names,
    relevant_events,
)
from qualification.selectors.scoring_specs import criteria_specs_read, policy_spec_read
from qualification.services.rescoring import RescoreReport, lead_rescore, lead_rescore_all


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def sql_aggregate_seconds() -> tuple[float, int]:
    """The aggregation pass as bare SQL over every lead's events, rows fetched, no Python.

    It is the exact statement the rescore compiles (same filtered aggregates, same
    row restriction), run once for all leads instead of batch by batch.
    """
    now = timezone.now()
    criteria = criteria_specs_read()
    policy = policy_spec_read()
    query = (
        Event.objects.filter(lead__isnull=False)
        .filter(relevant_events(relevant_event_names(criteria, policy)))
        .values("lead_id")
        .annotate(**event_aggregates(criteria, policy, now))
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    rows = 0

    def run() -> None:
        nonlocal rows
        with fast_cursor() as cursor:  # the same fast row loading the rescore uses
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(5000):
                rows += len(batch)

    seconds, _ = timed(run)
    return seconds, rows


def rescore_full() -> tuple[float, RescoreReport]:
    return timed(lambda: lead_rescore_all(pipeline=True))


def rescore_sample(size: int = 1000, repeats: int = 3) -> float:
    """Median time to rescore ``size`` dirty leads (as after a burst of events)."""
    ids = list(Lead.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    runs = []
    for _ in range(repeats):
        sample = rng.sample(ids, min(size, len(ids)))
        Lead.objects.filter(pk__in=sample).update(
            needs_rescore=True, rescore_requested_at=timezone.now()
        )
        seconds, _ = timed(lambda sample=sample: lead_rescore(lead_ids=sample))
        runs.append(seconds)
    return statistics.median(runs)
