"""Queue speed: the PQL queue's first page as a signed-in SDR, and the bare SQL for its rows.

``queue_page_ms`` is the whole server path in-process (middleware, session, filters, table,
template) through django.test.Client; ``queue_sql_ms`` runs only the statement that fetches the
same 25 rows, so the difference is what Django adds.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from qualification.models import UserProfile
from qualification.roles import Role, sync_role_groups
from qualification.selectors.queues import queue_leads

BENCH_USER = "bench-sdr"
PAGE_SIZE = 25


def _bench_sdr() -> User:
    """An SDR for the benchmark (created once, reused by later runs)."""
    user, created = User.objects.get_or_create(username=BENCH_USER)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        UserProfile.objects.get_or_create(user=user)
    if not Group.objects.filter(name=Role.SDR.value).exists():
        sync_role_groups(Group, Permission)
    user.groups.add(Group.objects.get(name=Role.SDR.value))
    return user


def _median_ms(action, repeats: int) -> float:
    action()  # warm caches and connections
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(runs), 1)


def queue_page_ms(*, repeats: int = 7, path: str = "/queues/pql/") -> float:
    """Median milliseconds for GET /queues/pql/ (first page) as a logged-in SDR."""
    client = Client()
    client.force_login(_bench_sdr())

    def get() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return _median_ms(get, repeats)


def queue_sql_ms(*, repeats: int = 7) -> float:
    """Median milliseconds for the bare SQL that fetches the same first-page rows."""
    user = _bench_sdr()
    # With ``now``, as the page orders it (due-soon leads first within a tier).
    query = queue_leads(scope="pql", user=user, now=timezone.now())[:PAGE_SIZE]
    sql, params = query.query.sql_with_params()

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(run, repeats)


def _vacuum_leads() -> None:
    from qualification.models import Lead

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {Lead._meta.db_table}")


def queue_figures_with_all_qualified(*, repeats: int = 7) -> dict[str, float | int]:
    """The queue figures with every benchmark lead in the PQL queue, then restored.

    The synthetic data set qualifies about a fifth of its leads; the queue target is stated
    for 100,000 qualified leads, so this puts them all in the PQL queue (committed and
    vacuumed, as after a nightly rescore), measures the page and its bare SQL, and puts
    every lead's queue, qualification and stage back.
    """
    from collections import defaultdict

    from qualification.devdata.benchmark.dataset import DOMAIN_SUFFIX
    from qualification.models import Lead

    bench = Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX)
    saved: dict[tuple, list[int]] = defaultdict(list)
    for pk, *state in bench.values_list("pk", "queue", "qualification", "pql_kind", "stage"):
        saved[tuple(state)].append(pk)
    try:
        queued = bench.update(queue="pql", qualification="pql", pql_kind="usage", stage="pql")
        _vacuum_leads()
        figures = {
            "queue_leads_all_qualified": queued,
            "queue_page_ms_all_qualified": queue_page_ms(repeats=repeats),
            "queue_sql_ms_all_qualified": queue_sql_ms(repeats=repeats),
        }
    finally:
        for (queue, qualification, pql_kind, stage), ids in saved.items():
            for start in range(0, len(ids), 10_000):
                Lead.objects.filter(pk__in=ids[start : start + 10_000]).update(
                    queue=queue, qualification=qualification, pql_kind=pql_kind, stage=stage
                )
        _vacuum_leads()
    return figures
