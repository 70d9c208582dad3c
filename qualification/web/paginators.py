"""A paginator that stops counting at a cap.

A queue can hold 100,000 leads; counting all of them on every page view is a full scan of
the queue and costs more than the rest of the page together. No SDR pages past the first
few hundred rows (they filter instead), so the count stops at ``cap`` and the page says
"10,000+ leads" — exact below the cap, bounded work above it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts ``count_source`` up to ``cap`` rows; pages past the cap do not exist."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        count_source: QuerySet,
        cap: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.count_source = count_source
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        # COUNT(*) over a LIMITed subquery: the database stops after cap + 1 rows.
        return self.count_source.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        """Rows up to the cap (the pages offered); ``capped`` says whether there are more."""
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @property
    def count_label(self) -> str:
        """ "1,234" below the cap, "10,000+" above it."""
        return f"{self.count:,}{'+' if self.capped else ''}"
