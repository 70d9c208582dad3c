"""Asking for a rescore: the mark, the task sent on commit, and the sweep after an outage."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qualification.models import Lead
from qualification.services.rescore_requests import leads_mark_for_rescore, rescore_enqueue
from qualification.tasks import rescore_sweep
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.catalog import scoring_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    scoring_catalog()


def test_marking_enqueues_on_commit(catalog, eager_tasks, django_capture_on_commit_callbacks):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(timezone.now(), 1, 2, 3))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        leads_mark_for_rescore(lead_ids=[lead.pk])
        assert Lead.objects.get(pk=lead.pk).scored_at is None  # not before the commit
    assert len(callbacks) == 1
    lead.refresh_from_db()
    assert lead.queue == "mql"
    assert lead.needs_rescore is False


def test_broker_outage_delays_scoring_and_the_sweep_catches_up(catalog, broker_down):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(timezone.now(), 1, 2, 3))
    leads_mark_for_rescore(lead_ids=[lead.pk])
    assert rescore_enqueue([lead.pk]) is False  # the broker is unreachable
    lead.refresh_from_db()
    assert lead.needs_rescore is True
    assert lead.scored_at is None
    report = rescore_sweep.apply().get()  # the periodic sweep, run by beat once it is back
    assert report["picked_up"] == 1
    lead.refresh_from_db()
    assert lead.needs_rescore is False
    assert lead.queue == "mql"
