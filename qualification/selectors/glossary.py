"""Reads for the shared glossary: search, and one term with its criteria and last change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qualification.models import Criterion, GlossaryTerm, user_display_name


def glossary_term_list(*, query: str = "", team: str = "") -> QuerySet[GlossaryTerm]:
    """Terms matching a free-text search over term and definition, optionally one team's.

    Each term carries ``criteria_count`` so the list never queries per row.
    """
    terms = GlossaryTerm.objects.annotate(criteria_count=Count("criteria"))
    for word in query.split():
        terms = terms.filter(Q(term__icontains=word) | Q(definition__icontains=word))
    if team:
        terms = terms.filter(owner_team=team)
    return terms.order_by("term")


@dataclass(frozen=True)
class TermChange:
    """Who last changed a term, and when (from its history)."""

    user_name: str
    changed_at: datetime
    change_type: str


@dataclass(frozen=True)
class TermDetail:
    term: GlossaryTerm
    criteria: QuerySet[Criterion]
    last_change: TermChange | None


_CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def glossary_term_detail(*, slug: str) -> TermDetail:
    """One term, the criteria that implement it, and its last editor; 404 for an unknown slug."""
    term = GlossaryTerm.objects.filter(slug=slug).first()
    if term is None:
        raise Http404("No glossary term with that name.")
    record = term.history.select_related("history_user").order_by("-history_date").first()
    last_change = None
    if record is not None:
        user = record.history_user
        last_change = TermChange(
            user_name=user_display_name(user) if user else "the system",
            changed_at=record.history_date,
            change_type=_CHANGE_TYPES.get(record.history_type, "changed"),
        )
    criteria = (
        term.criteria.published()
        .select_related("glossary_term")
        .order_by("-is_active", "kind", "name")
    )
    return TermDetail(term=term, criteria=criteria, last_change=last_change)
