"""``lead_list``: the one queryset the queue pages and the REST lead list start from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.models import Lead
from qualification.roles import Role
from qualification.selectors.leads import LeadFilters, lead_list
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _pql(**fields) -> Lead:
    now = timezone.now()
    values = {
        "queue": "pql",
        "qualification": "pql",
        "pql_kind": "usage",
        "stage": "pql",
        "qualified_at": now,
        "last_signal_at": now - timedelta(hours=1),
        **fields,
    }
    return LeadFactory(**values)


@pytest.fixture
def priority_mix() -> list[Lead]:
    """Leads in the order QUEUE_PRIORITY puts them: tier, score, latest signal, newest id."""
    now = timezone.now()
    hot = _pql(tier=4, total_score=50)
    warm_high = _pql(tier=3, total_score=90)
    warm_recent = _pql(tier=3, total_score=60, last_signal_at=now - timedelta(minutes=5))
    first_twin = _pql(tier=3, total_score=60, last_signal_at=now - timedelta(hours=2))
    second_twin = _pql(tier=3, total_score=60, last_signal_at=first_twin.last_signal_at)
    return [hot, warm_high, warm_recent, second_twin, first_twin]


def test_lead_list_is_in_queue_priority_order(priority_mix):
    assert list(lead_list()) == priority_mix


def test_the_queue_page_and_the_rest_list_share_the_order(client_as, priority_mix):
    client = client_as(Role.MANAGER)
    expected = [lead.pk for lead in priority_mix]
    page = client.get("/queues/pql/")
    assert [row.record.pk for row in page.context["table"].page.object_list] == expected
    api = client.get("/api/leads/", {"queue": "pql"}).json()
    assert [row["id"] for row in api["results"]] == expected


def test_each_filter_narrows(make_user):
    rep = make_user(Role.SDR, username="rep")
    now = timezone.now()
    mine = _pql(tier=4, owner=rep, claimed_at=now)
    unowned = _pql(tier=2)
    mql = LeadFactory(queue="mql", qualification="mql", stage="mql", tier=4)
    closed = _pql(tier=4, stage="sql")
    Lead.objects.filter(pk=unowned.pk).update(updated_at=now - timedelta(days=3))

    def listed(**filters) -> set[int]:
        return {lead.pk for lead in lead_list(filters=LeadFilters(**filters))}

    assert listed() == {mine.pk, unowned.pk, mql.pk, closed.pk}
    assert listed(queues=("pql",)) == {mine.pk, unowned.pk, closed.pk}
    assert listed(queues=("pql",), stages=SDR_WORKABLE_STAGES) == {mine.pk, unowned.pk}
    assert listed(tier=2) == {unowned.pk}
    assert listed(owner_id=rep.pk) == {mine.pk}
    assert listed(unowned=True) == {unowned.pk, mql.pk, closed.pk}
    assert listed(updated_since=now - timedelta(days=1)) == {mine.pk, mql.pk, closed.pk}


def test_a_list_leaves_the_large_json_out(django_assert_num_queries):
    _pql(tier=4, breakdown={"contributions": [{"criterion": "x", "points": 1}]})
    with django_assert_num_queries(1):
        lead = lead_list().get()
        assert lead.account.name
        assert lead.owner is None
    assert "breakdown" in lead.get_deferred_fields()
