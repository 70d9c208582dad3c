"""Which leads a rescore visits: given ids, the marked ones, or every lead in id ranges."""

from __future__ import annotations

from collections.abc import Iterator

from qualification.models import Lead
from qualification.selectors.aggregation import LeadRange


def dirty_lead_ids_read(*, limit: int) -> list[int]:
    """Leads marked for rescoring, oldest mark first."""
    return list(
        Lead.objects.filter(needs_rescore=True)
        .order_by("rescore_requested_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def lead_ids_missing_read(lead_ids: list[int]) -> list[int]:
    """Those of ``lead_ids`` that name no lead, in order (one query)."""
    found = set(Lead.objects.filter(pk__in=lead_ids).values_list("pk", flat=True))
    return sorted(set(lead_ids) - found)


def lead_ranges_read(
    *, batch_size: int, after: int = 0, upto: int | None = None
) -> Iterator[LeadRange]:
    """Every lead (with an id above ``after``, and up to ``upto``), in id ranges of
    ``batch_size`` leads.

    Lazy: each range costs one query when it is taken, so a full rescore never holds
    every id in memory and its reader threads share one walk. ``after`` lets a preview
    resume past its last stored chunk; ``after`` and ``upto`` bound a full rescore's chunk.
    """
    last_id = after
    bound = Lead.objects.all() if upto is None else Lead.objects.filter(pk__lte=upto)
    while True:
        chunk = list(
            bound.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not chunk:
            return
        yield LeadRange(chunk[0], chunk[-1])
        last_id = chunk[-1]


def lead_range_account_ids_read(lead_range: LeadRange) -> list[int]:
    """The accounts of the leads in ``lead_range`` (a full rescore's chunk), one query."""
    return list(
        Lead.objects.filter(pk__gte=lead_range.first, pk__lte=lead_range.last)
        .exclude(account_id=None)
        .values_list("account_id", flat=True)
        .distinct()
        .order_by()
    )
