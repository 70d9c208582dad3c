"""A lead edit rescores that lead, and only when something changed."""

from __future__ import annotations

import pytest

from qualification.models import Lead
from qualification.services.leads import lead_save
from tests import factories

pytestmark = pytest.mark.django_db


def _marked() -> set[int]:
    return set(Lead.objects.filter(needs_rescore=True).values_list("pk", flat=True))


def test_a_lead_edit_rescores_that_lead():
    factories.LeadFactory.create_batch(2)
    Lead.objects.update(needs_rescore=False)
    lead, other = Lead.objects.order_by("pk")  # as the admin form loads them
    lead.title = "CTO"
    lead_save(lead=lead, changed_fields=["title"])
    lead_save(lead=other, changed_fields=[])
    assert _marked() == {lead.pk}
    assert Lead.objects.get(pk=lead.pk).title == "CTO"
