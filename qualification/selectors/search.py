"""Lead search: the leads whose name, email, company or domain contain what was typed.

The query is cleaned first (``core.search``), so NUL bytes and surrogates never reach the
database. Matching is one phrase against four haystacks: the full name ("first last", which
also covers each half), the email, the account's name and its domain. It is written as a
union of two id sets (the lead's own columns; the account's columns joined to its leads)
because on PostgreSQL each side then reads a pg_trgm GIN index (migration 0029): an OR
across the join would force a scan of every lead. SQLite runs the same statement as a
plain LIKE scan, which is fine at its sizes.

A query that matches most of the table is ranked over its first ``CANDIDATE_CAP`` matches
(plus exact ones) and the page says so (``candidate_ids``); a precise one over all of them.

Best matches first: an exact email, then an exact name, company or domain, then a field
that starts with the query, then any substring; within each, queue priority.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from qualification.core.search import CANDIDATE_CAP, RESULT_LIMIT, SearchQuery, parse_query
from qualification.core.vocabulary import QUEUE_PRIORITY
from qualification.models import Lead
from qualification.selectors.leads import LIST_DEFERRED_COLUMNS


class FullName(Func):
    """``first_name || ' ' || last_name`` with the space written into the SQL.

    Django's ``Concat`` adds COALESCEs and a bound parameter; this fixed text is what the
    expression index ``lead_search_name_trgm`` is built on, so PostgreSQL can match the two.
    Both columns are NOT NULL, so no COALESCE is needed.
    """

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = CharField()

    def __init__(self) -> None:
        super().__init__(F("first_name"), F("last_name"))


@dataclass(frozen=True)
class SearchResults:
    """One page of matches; ``capped`` when more leads matched than the page lists,
    ``broad`` when so many matched that only the first ``CANDIDATE_CAP`` found were ranked."""

    query: SearchQuery
    leads: list[Lead]
    capped: bool
    broad: bool
    limit: int
    candidate_cap: int = CANDIDATE_CAP


def _own_columns(text: str, lookup: str) -> Q:
    """The lead's own haystacks, prefixed for a ``full_name`` alias."""
    q = Q(**{f"full_name__{lookup}": text}) | Q(**{f"email__{lookup}": text})
    if lookup == "istartswith":
        # "Full name starts with" misses a last name's start; " tu" inside the full name
        # finds it through the same trigram index (a plain last_name test has none, and
        # one arm without an index turns the whole OR into a scan of every lead).
        q |= Q(full_name__icontains=f" {text}")
    return q


def matching_ids(text: str, lookup: str, *, distinct: bool = True) -> QuerySet:
    """The ids of leads where ``lookup`` (icontains, istartswith, iexact) finds ``text``,
    as one statement: a UNION (see the module docstring); ``distinct=False`` makes it a
    UNION ALL, which streams, so a slice of it stops early."""
    own = (
        Lead.objects.alias(full_name=FullName())
        .filter(_own_columns(text, lookup))
        .order_by()
        .values_list("pk", flat=True)
    )
    via_account = (
        Lead.objects.filter(
            Q(**{f"account__name__{lookup}": text}) | Q(**{f"account__domain__{lookup}": text})
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    return own.union(via_account, all=not distinct)


def candidate_ids(query: SearchQuery, *, cap: int = CANDIDATE_CAP) -> tuple[set[int], bool]:
    """The ids of matching leads, at most ``cap`` of them plus every exact match, and
    whether the cap cut the set short.

    Ranking needs every candidate's rank and priority, so a query that matches most of the
    table ("gmail", one letter of a name) would rank 100,000 rows to show 50. Capping the
    candidates keeps such a query as fast as a precise one; exact matches are fetched on
    their own so the cap never hides the lead someone typed in full.
    """
    lookup = "istartswith" if query.prefix_only else "icontains"
    found = list(matching_ids(query.text, lookup, distinct=False)[: cap + 1])
    ids = set(found)
    broad = len(found) > cap
    if broad:
        ids.update(exact_ids(query.text)[:RESULT_LIMIT])
    return ids, broad


def exact_ids(text: str) -> QuerySet:
    """Leads whose email, company or domain is exactly ``text``: what someone types in full.

    Each through a B-tree where there is one: the email by ``lead_email_unique`` (on
    ``LOWER(email)``, non-empty emails), the domain by its unique index (domains are stored
    in lower case). A trigram index would answer ``= 'BENCH'`` by rechecking every row that
    contains those trigrams. Not the name: a one-word query is exactly many first names.
    """
    typed = Lower(Value(text))
    by_email = (
        Lead.objects.exclude(email="")
        .alias(email_lower=Lower("email"))
        .filter(email_lower=typed)
        .order_by()
        .values_list("pk", flat=True)
    )
    by_account = (
        Lead.objects.filter(Q(account__domain=typed) | Q(account__name__iexact=text))
        .order_by()
        .values_list("pk", flat=True)
    )
    return by_email.union(by_account)


def _rank(text: str) -> Case:
    """0 exact email, 1 exact name/company/domain, 2 a field starts with it, 3 elsewhere."""
    exact = (
        Q(full_name__iexact=text)
        | Q(first_name__iexact=text)
        | Q(last_name__iexact=text)
        | Q(account__name__iexact=text)
        | Q(account__domain__iexact=text)
    )
    starts = (
        Q(full_name__istartswith=text)
        | Q(last_name__istartswith=text)
        | Q(email__istartswith=text)
        | Q(account__name__istartswith=text)
        | Q(account__domain__istartswith=text)
    )
    return Case(
        When(email__iexact=text, then=Value(0)),
        When(exact, then=Value(1)),
        When(starts, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def ranked_leads(ids: set[int], query: SearchQuery) -> QuerySet[Lead]:
    """These leads, best match for ``query`` first, with account and owner joined."""
    return (
        Lead.objects.filter(pk__in=ids)
        .select_related("account", "owner")
        .defer(*LIST_DEFERRED_COLUMNS, "reasons", "likelihood_factors")
        .alias(full_name=FullName())
        .annotate(search_rank=_rank(query.text))
        .order_by("search_rank", *QUEUE_PRIORITY)
    )


def lead_search(
    *, text: str | None, limit: int = RESULT_LIMIT, cap: int = CANDIDATE_CAP
) -> SearchResults:
    """Search leads for what the box sent: two queries (three for a broad one), none when
    there is nothing to search."""
    query = parse_query(text)
    if not query.searchable:
        return SearchResults(query=query, leads=[], capped=False, broad=False, limit=limit)
    ids, broad = candidate_ids(query, cap=cap)
    found = list(ranked_leads(ids, query)[: limit + 1]) if ids else []
    return SearchResults(
        query=query,
        leads=found[:limit],
        capped=len(found) > limit or broad,
        broad=broad,
        limit=limit,
        candidate_cap=cap,
    )
