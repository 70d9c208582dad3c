"""Reads for the criteria pages."""

from __future__ import annotations

from django.db.models import QuerySet

from qualification.models import Criterion


def criterion_list(
    *, kind: str = "", team: str = "", active: bool | None = None
) -> QuerySet[Criterion]:
    """Criteria with their glossary term joined in (the table links to it on every row)."""
    criteria = Criterion.objects.published().select_related("glossary_term")
    if kind:
        criteria = criteria.filter(kind=kind)
    if team:
        criteria = criteria.filter(owner_team=team)
    if active is not None:
        criteria = criteria.filter(is_active=active)
    return criteria
