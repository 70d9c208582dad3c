"""The likelihood model's event counts per learning window, read by a query of their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qualification.selectors.aggregation import LeadRange, model_event_windows_read
from tests.factories import LeadFactory, days_ago, events

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_each_lead_and_name_counts_its_7_30_and_90_day_windows():
    lead, other = LeadFactory(), LeadFactory()
    # 1 in 7 days, 2 more in 30, 1 more in 90, one older and one after ``now`` (not counted)
    events(lead, "Webinar Attended", days_ago(NOW, 3, 10, 20, 60, 120, -1))
    events(lead, "Page Viewed", days_ago(NOW, 40))
    events(lead, "Not A Model Event", days_ago(NOW, 1))
    events(other, "Webinar Attended", days_ago(NOW, 100))  # outside every window
    events(other, "Not A Model Event", days_ago(NOW, 2))  # in a window, but not the model's
    rows = model_event_windows_read(
        LeadRange(min(lead.pk, other.pk), max(lead.pk, other.pk)),
        ["Page Viewed", "Webinar Attended"],
        NOW,
    )
    # Packed as "code,n7,n30,n90" per name, by the name's position in the model's names;
    # ``other`` has none of the model's in the longest window, so it has no entry.
    assert rows == {lead.pk: "0,0,0,1,1,1,3,4"}


def test_a_batch_of_ids_packs_each_lead_by_code_whatever_the_name_order():
    first, second = LeadFactory(), LeadFactory()
    events(first, "B Event", days_ago(NOW, 1, 2))
    events(first, "A Event", days_ago(NOW, 50))
    events(second, "A Event", days_ago(NOW, 20))
    rows = model_event_windows_read([first.pk, second.pk], ["B Event", "A Event"], NOW)
    assert rows == {first.pk: "0,2,2,2,1,0,0,1", second.pk: "1,0,1,1"}


def test_without_model_names_nothing_is_read(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert model_event_windows_read(LeadRange(1, 10), [], NOW) == {}
