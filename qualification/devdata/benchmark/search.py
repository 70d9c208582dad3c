"""Search speed: a name and a company search as a signed-in SDR, and the bare SQL behind them.

``search_ms`` is the whole server path in-process (middleware, session, the selector's two
statements, template) through django.test.Client, as ``queue_page_ms`` is measured;
``search_sql_ms`` runs only those two statements (candidate ids, then the ranked page), so
their ratio is what Django adds. The searches are the full name of a lead and the name of
an account from the middle of the data set: the "Lead 4217" / "Bench Co 917" a rep types.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.urls import reverse

from qualification.core.search import CANDIDATE_CAP, RESULT_LIMIT, parse_query
from qualification.devdata.benchmark.dataset import DOMAIN_SUFFIX
from qualification.devdata.benchmark.queues import _bench_sdr
from qualification.models import Lead
from qualification.selectors.search import candidate_ids, matching_ids, ranked_leads


def search_terms() -> list[str]:
    """A lead's full name and an account's name from the middle of the benchmark data."""
    bench = Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX).order_by("pk")
    count = bench.count()
    if not count:
        raise RuntimeError("no benchmark leads: generate the data set first")
    lead = bench.select_related("account")[count // 2]
    account = bench.select_related("account")[count // 3].account
    return [f"{lead.first_name} {lead.last_name}", account.name]


def _median_ms(action, terms: list[str], repeats: int) -> float:
    for term in terms:
        action(term)  # warm caches and connections
    runs = []
    for _ in range(repeats):
        for term in terms:
            started = time.perf_counter()
            action(term)
            runs.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(runs), 1)


def search_ms(*, repeats: int = 7, terms: list[str] | None = None) -> float:
    """Median milliseconds for GET /search/?q=<a name or a company> as a logged-in SDR."""
    terms = terms or search_terms()
    client = Client()
    client.force_login(_bench_sdr())
    url = reverse("lead-search")

    def get(term: str) -> None:
        response = client.get(url, {"q": term})
        if response.status_code != 200 or b'class="search-lead"' not in response.content:
            raise RuntimeError(f"{url}?q={term} answered {response.status_code} without results")

    return _median_ms(get, terms, repeats)


def search_sql_ms(*, repeats: int = 7, terms: list[str] | None = None) -> float:
    """Median milliseconds for the same searches' two statements run as bare SQL."""
    terms = terms or search_terms()
    statements = {}
    for term in terms:
        query = parse_query(term)
        lookup = "istartswith" if query.prefix_only else "icontains"
        ids, _broad = candidate_ids(query)
        candidates = matching_ids(query.text, lookup, distinct=False)[: CANDIDATE_CAP + 1]
        page = ranked_leads(ids, query)[: RESULT_LIMIT + 1]
        statements[term] = [q.query.sql_with_params() for q in (candidates, page)]

    def run(term: str) -> None:
        with connection.cursor() as cursor:
            for sql, params in statements[term]:
                cursor.execute(sql, params)
                cursor.fetchall()

    return _median_ms(run, terms, repeats)


def search_figures(*, repeats: int = 7) -> dict[str, float | str | None]:
    """``search_ms``, ``search_sql_ms`` and their ratio, with the searches timed."""
    terms = search_terms()
    page = search_ms(repeats=repeats, terms=terms)
    sql = search_sql_ms(repeats=repeats, terms=terms)
    return {
        "search_ms": page,
        "search_sql_ms": sql,
        "search_ratio": round(page / sql, 2) if sql else None,
        "search_terms": " | ".join(terms),
    }
