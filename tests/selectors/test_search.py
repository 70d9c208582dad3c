"""Lead search (selectors.search): what matches, in which order, and odd input.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL is set, so the same cases
cover both databases; the plan test checks PostgreSQL uses the trigram indexes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualification.core.search import MAX_QUERY_LENGTH, parse_query
from qualification.selectors.search import (
    candidate_ids,
    exact_ids,
    lead_search,
    matching_ids,
    ranked_leads,
)
from tests.factories import AccountFactory, LeadFactory

pytestmark = pytest.mark.django_db


def _names(results) -> list[str]:
    return [lead.email for lead in results.leads]


@pytest.fixture
def people():
    acme = AccountFactory(name="Acme Rockets", domain="acme.io")
    globex = AccountFactory(name="Globex", domain="globex.example")
    return {
        "ada": LeadFactory(
            first_name="Ada", last_name="Lovelace", email="ada@acme.io", account=acme
        ),
        "grace": LeadFactory(
            first_name="Grace", last_name="Hopper", email="grace@navy.example", account=globex
        ),
        "alan": LeadFactory(
            first_name="Alan", last_name="Turing", email="alan@bletchley.example", account=None
        ),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lovelace", ["ada@acme.io"]),  # last name
        ("GRACE", ["grace@navy.example"]),  # first name, any case
        ("Ada Lovelace", ["ada@acme.io"]),  # full name across both columns
        ("navy.exam", ["grace@navy.example"]),  # part of an email
        ("rockets", ["ada@acme.io"]),  # company name
        ("globex.example", ["grace@navy.example"]),  # company domain
        ("uring", ["alan@bletchley.example"]),  # substring inside a name
        ("Hopper Grace", []),  # a phrase, not a bag of words
        ("nobody", []),
    ],
)
def test_matches_each_field(people, text, expected):
    assert sorted(_names(lead_search(text=text))) == sorted(expected)


def test_short_queries_match_the_start_of_a_field(people):
    assert _names(lead_search(text="tu")) == ["alan@bletchley.example"]  # Turing
    assert _names(lead_search(text="ur")) == []  # inside "Turing" only: not a prefix


def test_exact_first_then_a_field_that_starts_with_it_then_any_substring():
    inside = LeadFactory(first_name="Bob", last_name="Jones", email="x.sam@a.example", tier=4)
    prefix = LeadFactory(first_name="Samantha", last_name="Ray", email="ray@b.example", tier=1)
    prefix.total_score = 10
    prefix.save()
    email_prefix = LeadFactory(first_name="Zed", last_name="Q", email="sam@c.example", tier=1)
    company = LeadFactory(first_name="Pat", last_name="Lee", email="pat@d.example")
    company.account.name = "Sam"
    company.account.save()
    # Exact company name, then the two prefix matches in queue order, the hot substring last.
    assert lead_search(text="Sam").leads == [company, prefix, email_prefix, inside]


def test_an_exact_email_comes_before_hotter_partial_matches():
    LeadFactory(email="other.sam@c.example", tier=4)
    LeadFactory(email="sam@c.example.org", tier=4)
    exact = LeadFactory(email="sam@c.example", tier=1)
    assert lead_search(text="SAM@c.example").leads[0] == exact


def test_within_a_rank_queue_priority_decides():
    cold = LeadFactory(first_name="Kim", last_name="One", tier=1, total_score=5)
    hot = LeadFactory(first_name="Kim", last_name="Two", tier=4, total_score=90)
    warm = LeadFactory(first_name="Kim", last_name="Three", tier=3, total_score=60)
    assert lead_search(text="kim").leads == [hot, warm, cold]


def test_results_are_capped_and_say_so():
    for _ in range(4):
        LeadFactory(first_name="Capped")
    results = lead_search(text="capped", limit=3)
    assert len(results.leads) == 3
    assert results.capped
    assert not results.broad
    assert not lead_search(text="capped", limit=4).capped


def test_a_broad_query_ranks_only_the_first_candidates_but_keeps_exact_matches():
    for _ in range(6):
        LeadFactory(first_name="Common", email=f"common{_}@x.example")
    exact = LeadFactory(first_name="Other", email="common")  # not an email, but exact
    ids, broad = candidate_ids(parse_query("common"), cap=3)
    assert broad
    assert exact.pk in ids
    assert len(ids) <= 3 + 1 + 1
    results = lead_search(text="common", cap=3)
    assert results.broad
    assert results.capped
    assert results.leads[0] == exact
    # A precise query is never cut short.
    ids, broad = candidate_ids(parse_query("common"), cap=100)
    assert not broad
    assert len(ids) == 7


@pytest.mark.parametrize(
    "text",
    ["%", "_", "\\", "%_\\", "'; DROP TABLE qualification_lead; --", "a\x00b", "\x00", "Zoë"],
)
def test_hostile_input_never_raises_and_is_taken_literally(people, text):
    LeadFactory(first_name="100%", last_name="Sure_Thing\\", email="odd@odd.example")
    found = lead_search(text=text).leads
    for lead in found:
        haystack = f"{lead.first_name} {lead.last_name} {lead.email}".lower()
        assert parse_query(text).text.lower() in haystack


def test_wildcards_match_only_themselves(people):
    odd = LeadFactory(first_name="100%", last_name="Sure_Thing", email="odd@odd.example")
    assert lead_search(text="0% s").leads == [odd]
    assert lead_search(text="e_T").leads == [odd]
    assert lead_search(text="e%T").leads == []


def test_nothing_to_search_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lead_search(text="   ").leads == []
        assert lead_search(text="x" * (MAX_QUERY_LENGTH + 1)).query.problem == "too_long"


def test_a_search_runs_a_fixed_number_of_queries(people, django_assert_num_queries):
    with django_assert_num_queries(2):  # candidates, then the ranked page
        lead_search(text="a")


def _haystacks(lead) -> list[str]:
    account = lead.account
    return [
        f"{lead.first_name} {lead.last_name}",
        lead.last_name,
        lead.email,
        account.name if account else "",
        account.domain if account else "",
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=40))
@example(text="ada@acme.io")
@example(text="a\x00")
@example(text="ß")
def test_any_text_never_raises_and_every_result_contains_it(people, text):
    results = lead_search(text=text)
    needle = results.query.text.casefold()
    for lead in results.leads:
        assert any(needle in h.casefold() for h in _haystacks(lead)), (text, lead.email)


def test_the_page_reads_account_and_owner_in_the_same_query(people, django_assert_num_queries):
    ids, _ = candidate_ids(parse_query("a"))
    leads = list(ranked_leads(ids, parse_query("a")))
    with django_assert_num_queries(0):
        [(lead.account and lead.account.name, lead.owner) for lead in leads]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A 3-row table would be scanned whatever its indexes: leave only bitmap scans open.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("text", "lookup"), [("lovelace", "icontains"), ("lo", "istartswith")])
def test_postgresql_reads_the_trigram_indexes(postgres, people, text, lookup):
    """Each side of the UNION is a bitmap scan of migration 0029's indexes, so the SQL the
    selector compiles still matches the indexed expressions character for character (and
    a short query's arms are all indexed too: one arm without would scan every lead)."""
    plan = _plan(matching_ids(text, lookup))
    assert "Seq Scan" not in plan, plan
    for index in (
        "lead_search_name_trgm",
        "lead_search_email_trgm",
        "account_search_name_trgm",
        "account_search_domain_trgm",
    ):
        assert index in plan, plan


def test_postgresql_finds_exact_emails_and_domains_through_btrees(postgres, people):
    plan = _plan(exact_ids("ada@acme.io"))
    assert "lead_email_unique" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_non_ascii_names_are_found():
    zoe = LeadFactory(first_name="Zoë", last_name="Sørensen", email="zoe@example.dk")
    assert lead_search(text="zoë sø").leads == [zoe]  # ASCII letters in any case
    assert lead_search(text="Zoe\u0308").leads == [zoe]  # typed decomposed, stored composed


def test_postgresql_ignores_the_case_of_any_letter(postgres):
    """PostgreSQL's UPPER folds every letter; SQLite's LIKE only ASCII ones, so "ZOË" finds
    "Zoë" on PostgreSQL only (the embedded default is for development)."""
    zoe = LeadFactory(first_name="Zoë", last_name="Sørensen", email="zoe@example.dk")
    assert lead_search(text="ZOË SØRENSEN").leads == [zoe]
