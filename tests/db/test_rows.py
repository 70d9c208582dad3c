"""Fast row reads return exactly what the ORM's ``values()`` returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count, Max

from qualification.db.rows import dict_rows, tuple_rows
from qualification.models import Event, Lead
from tests.factories import LeadFactory, days_ago, events

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def leads():
    first = LeadFactory(traits={"role": "admin", "seats": 3})
    events(first, "Pricing Page Viewed", days_ago(NOW, 1, 2.5))
    second = LeadFactory(account=None, traits={})
    events(second, "Report Built", days_ago(NOW, 4), source="product")
    return first, second


def test_dict_rows_equal_the_orm_values(leads):
    query = Lead.objects.values(
        "id", "email", "traits", "account__name", "account__traits"
    ).order_by("id")
    assert dict_rows(query) == list(query)


def test_tuple_rows_name_each_position_as_values_does(leads):
    query = (
        Event.objects.values("lead_id")
        .annotate(n=Count("id"), last=Max("occurred_at"))
        .order_by("lead_id")
    )
    names, rows = tuple_rows(query)
    assert names == ["lead_id", "n", "last"]
    assert [dict(zip(names, row, strict=True)) for row in rows] == list(query)
    assert rows[0][2] == NOW - timedelta(days=1)  # aware, in UTC
