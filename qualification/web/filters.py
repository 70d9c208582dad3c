"""The queue filters (django-filter). The state lives in the URL, so a view can be shared.

Choices that depend on data (owners, industries, countries) are passed in by the view, read
once per page; an unknown value makes the form invalid, shows its error and leaves that one
filter out, so a stale bookmark still renders a page. The SLA filter reads each lead's stored
clock, so "Overdue" lists exactly the rows whose cell says overdue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.models import Lead, user_display_name
from qualification.models.choices import LifecycleStage, PQLKind, Tier
from qualification.selectors.queues import sla_state_q

SLA_STATES = [
    ("breached", "Overdue"),
    ("warning", "Due soon"),
    ("ok", "On track"),
    ("met", "Touched"),
    ("none", "No SLA"),
]
# (value, label, lowest employee count, highest or None)
SIZE_BANDS: list[tuple[str, str, int, int | None]] = [
    ("1-49", "1\u201349", 1, 49),
    ("50-199", "50\u2013199", 50, 199),
    ("200-999", "200\u2013999", 200, 999),
    ("1000-4999", "1,000\u20134,999", 1000, 4999),
    ("5000+", "5,000+", 5000, None),
]
# Only the stages a queue lead can have: anything else could never match.
_QUEUE_STAGES = [(v, label) for v, label in LifecycleStage.choices if v in SDR_WORKABLE_STAGES]


class QueueFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(
        choices=[(str(v), label) for v, label in reversed(Tier.choices)],
        empty_label="Any tier",
        method="filter_tier",
    )
    pql_kind = django_filters.ChoiceFilter(
        label="PQL kind", choices=PQLKind.choices, empty_label="Any kind"
    )
    sla = django_filters.ChoiceFilter(
        label="SLA", choices=SLA_STATES, empty_label="Any state", method="filter_sla"
    )
    owner = django_filters.ChoiceFilter(choices=[], empty_label="Anyone", method="filter_owner")
    unassigned = django_filters.BooleanFilter(
        label="Unassigned only",
        field_name="owner",
        lookup_expr="isnull",
        widget=forms.CheckboxInput,
        method="filter_unassigned",
    )
    stage = django_filters.ChoiceFilter(choices=_QUEUE_STAGES, empty_label="Any stage")
    country = django_filters.ChoiceFilter(
        field_name="account__country", choices=[], empty_label="Any country"
    )
    industry = django_filters.ChoiceFilter(
        field_name="account__industry", choices=[], empty_label="Any industry"
    )
    size = django_filters.ChoiceFilter(
        label="Company size",
        choices=[(v, label) for v, label, _lo, _hi in SIZE_BANDS],
        empty_label="Any size",
        method="filter_size",
    )
    source = django_filters.CharFilter(
        field_name="source", lookup_expr="iexact", max_length=100, label="Source"
    )

    class Meta:
        model = Lead
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Lead] | None = None,
        *,
        workers: list,
        industries: list[str],
        countries: list[str],
        now: datetime,
        scope: str = "all",
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.now = now
        if scope == "mine":
            # Every lead there is the viewer's: an owner filter could only empty the page.
            for name in ("owner", "unassigned"):
                del self.filters[name]  # before ``self.form`` is built from them
        fields = self.form.fields
        # django-filter puts each field's ``empty_label`` ("Anyone"...) first by itself.
        if "owner" in fields:
            fields["owner"].choices = [(str(u.pk), user_display_name(u)) for u in workers]
        fields["country"].choices = [(c, c) for c in countries]
        fields["industry"].choices = [(i, i.capitalize()) for i in industries]
        fields["source"].widget.attrs.update({"placeholder": "e.g. webinar", "size": 12})

    def filter_sla(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        """By the stored clock at the page's ``now``, as the SLA cell judges it."""
        return queryset.filter(sla_state_q(value, self.now)) if value else queryset

    def filter_tier(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        return queryset.filter(tier=int(value)) if value else queryset

    def filter_owner(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        return queryset.filter(owner_id=int(value)) if value else queryset

    def filter_unassigned(self, queryset: QuerySet[Lead], name: str, value: bool | None):
        return queryset.filter(owner__isnull=True) if value else queryset

    def filter_size(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        for band, _label, low, high in SIZE_BANDS:
            if band == value:
                condition = Q(account__employee_count__gte=low)
                if high is not None:
                    condition &= Q(account__employee_count__lte=high)
                return queryset.filter(condition)
        return queryset

    @property
    def active_count(self) -> int:
        """How many filters are in use (valid ones), for the "Clear" link and the empty state."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return 0
        return sum(1 for v in self.form.cleaned_data.values() if v not in (None, "", False))
