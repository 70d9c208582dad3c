"""Deleting events rescores the leads they belonged to, and no one else."""

from __future__ import annotations

import pytest

from qualification.models import Event, Lead
from qualification.services.events import events_delete
from tests import factories

pytestmark = pytest.mark.django_db


def _marked() -> set[int]:
    return set(Lead.objects.filter(needs_rescore=True).values_list("pk", flat=True))


def test_deleting_events_rescores_the_leads_they_belonged_to():
    kept, touched = factories.LeadFactory(), factories.LeadFactory()
    factories.event(lead=kept)
    factories.event(lead=touched)
    factories.event(lead=touched)
    factories.event()  # an anonymous visitor's: no lead to rescore
    Lead.objects.update(needs_rescore=False)
    gone = events_delete(events=Event.objects.exclude(lead=kept))
    assert gone == 3
    assert list(Event.objects.values_list("lead", flat=True)) == [kept.pk]
    assert _marked() == {touched.pk}
