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
from qualification.models import CriteriaPreview, CriteriaVersion, Event, Lead, VersionStatus
from qualification.selectors.aggregation import (
    event_aggregates,
    relevant_event_names,
    relevant_events,
)
from qualification.selectors.scoring_specs import criteria_specs_read, policy_spec_read
from qualification.selectors.versions import version_content_read
from qualification.services.previews import preview_create, preview_run_chunks
from qualification.services.rescoring import RescoreReport, lead_rescore, lead_rescore_all
from qualification.services.versions import draft_content_write, published_version_ensure

PREVIEW_DRAFT_TITLE = "Benchmark preview draft"
# The benchmark's draft: new points for five criteria, and one criterion added.
PREVIEW_POINTS = {
    "bench-intent-pricing": 25,
    "bench-intent-demo": 40,
    "bench-usage-reports": 20,
    "bench-usage-limit": 25,
    "bench-fit-title": 15,
}
PREVIEW_ADDED = {
    "key": "bench-intent-upgrade-week",
    "name": "Upgrade page this week",
    "kind": "intent",
    "signal_type": "event",
    "event_name": "Upgrade Page Viewed",
    "threshold": 1,
    "window_days": 7,
    "points": 10,
    "reason_template": "Viewed the upgrade page {times} {window}",
    "owner_team": "ops",
}


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


def preview_draft() -> CriteriaVersion:
    """The benchmark's draft (made afresh each run, replacing the last one's)."""
    published = published_version_ensure()
    CriteriaVersion.objects.filter(status=VersionStatus.DRAFT, title=PREVIEW_DRAFT_TITLE).delete()
    content = version_content_read(published)
    for key, points in PREVIEW_POINTS.items():
        content["criteria"][key]["points"] = points
    added = dict(PREVIEW_ADDED)
    content["criteria"][added.pop("key")] = added
    draft = CriteriaVersion.objects.create(
        status=VersionStatus.DRAFT, title=PREVIEW_DRAFT_TITLE, base=published
    )
    draft_content_write(draft=draft, content=content)
    return draft


def preview_seconds() -> tuple[float, float, CriteriaPreview]:
    """Time to start a preview of the benchmark draft (the row a request inserts, in ms)
    and to run it over every lead (in s), as the worker would, on this thread."""
    draft = preview_draft()
    start_s, preview = timed(lambda: preview_create(draft=draft))
    run_s, preview = timed(lambda: preview_run_chunks(preview.pk))
    return start_s * 1000, run_s, preview
