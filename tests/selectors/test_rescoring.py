"""Which leads a rescore visits: marked ones oldest first, unknown ids, and the id walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from qualification.models import Lead
from qualification.selectors.aggregation import LeadRange
from qualification.selectors.rescoring import (
    dirty_lead_ids_read,
    lead_ids_missing_read,
    lead_ranges_read,
)
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_dirty_leads_come_oldest_mark_first_and_clean_ones_not_at_all():
    late, early, clean = LeadFactory.create_batch(3)
    Lead.objects.filter(pk=late.pk).update(needs_rescore=True, rescore_requested_at=NOW)
    Lead.objects.filter(pk=early.pk).update(
        needs_rescore=True, rescore_requested_at=NOW - timedelta(hours=1)
    )
    Lead.objects.filter(pk=clean.pk).update(needs_rescore=False)
    assert dirty_lead_ids_read(limit=10) == [early.pk, late.pk]
    assert dirty_lead_ids_read(limit=1) == [early.pk]


def test_the_id_walk_covers_every_lead_in_ranges_of_the_batch_size():
    ids = sorted(lead.pk for lead in LeadFactory.create_batch(5))
    assert list(lead_ranges_read(batch_size=2)) == [
        LeadRange(ids[0], ids[1]),
        LeadRange(ids[2], ids[3]),
        LeadRange(ids[4], ids[4]),
    ]


def test_unknown_ids_are_named_and_the_command_refuses_them():
    lead = LeadFactory()
    assert lead_ids_missing_read([lead.pk + 7, lead.pk, lead.pk + 3]) == [lead.pk + 3, lead.pk + 7]
    with pytest.raises(CommandError, match=f"No lead with id {lead.pk + 3}"):
        call_command("rescore", str(lead.pk), str(lead.pk + 3))
