"""The full rescore in this process (``rescore --all``); the ``rescore_all`` task runs the
same scoring in chunks (``test_runs``)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from qualification.management.commands import rescore as rescore_command
from qualification.models import Lead
from qualification.services.rescoring import RescoreReport, leads_rescore_nightly, orchestration
from tests.factories import AccountFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_nightly_rescores_everyone_then_maintains_the_table(catalog, monkeypatch):
    maintained: list[tuple[RescoreReport, int]] = []
    monkeypatch.setattr(
        orchestration,
        "lead_table_maintain",
        lambda *, report, total_leads: maintained.append((report, total_leads)) or True,
    )
    LeadFactory.create_batch(5, account=AccountFactory(country="FR"))
    report = leads_rescore_nightly(batch_size=2)
    assert (report.batches, report.scored, report.written) == (3, 5, 5)
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}
    assert maintained == [(report, 5)]


@pytest.fixture
def nightly_calls(monkeypatch) -> list[int]:
    """Batch sizes the nightly service was called with by the command."""
    calls: list[int] = []

    def fake(*, batch_size: int = orchestration.DEFAULT_BATCH_SIZE) -> RescoreReport:
        calls.append(batch_size)
        return RescoreReport(scored=3, written=1, batches=1)

    monkeypatch.setattr(rescore_command, "leads_rescore_nightly", fake)
    return calls


def test_rescore_all_command_runs_the_nightly_service(nightly_calls):
    out = StringIO()
    call_command("rescore", "--all", "--batch-size", "500", stdout=out)
    assert nightly_calls == [500]
    assert json.loads(out.getvalue())["written"] == 1
