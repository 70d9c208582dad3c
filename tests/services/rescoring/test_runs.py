"""A full rescore in chunks: planned once, each chunk done once, resumed when it went quiet.

Tasks run eagerly here (the chord too); the real worker killed mid-run is
``tests/tasks/test_rescore_chunks_worker.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.models import CriteriaVersion, Lead, RescoreChunk, RescoreKind, RescoreRun
from qualification.services.rescoring.runs import (
    rescore_chunk_run,
    rescore_run_finish,
    rescore_run_plan,
    stale_after,
)
from qualification.tasks import publication_rescore, rescore_all, rescore_sweep
from tests import factories
from tests.factories import AccountFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(catalog, settings) -> list[Lead]:
    settings.LEADHUB_RESCORE_CHUNK_SIZE = 3
    made = LeadFactory.create_batch(7, account=AccountFactory(country="FR"))
    Lead.objects.update(needs_rescore=False)  # only a full rescore is left to score them
    return made


def unscored() -> int:
    return Lead.objects.filter(criteria_version__isnull=True).count()


def test_the_nightly_task_rescores_every_lead_in_chunks_and_stores_the_report(leads, eager_tasks):
    answer = rescore_all.apply().get()
    run = RescoreRun.objects.get()
    assert (answer["run"], answer["chunks"], answer["finished"]) == (run.pk, 3, True)
    assert (answer["scored"], answer["written"], answer["batches"]) == (7, 7, 3)
    assert run.kind == RescoreKind.NIGHTLY
    assert run.finished_at is not None
    assert run.report == {k: answer[k] for k in run.report}
    ranges = list(RescoreChunk.objects.values_list("first_id", "last_id", "done_at"))
    assert [(a, b) for a, b, _ in ranges] == [
        (leads[0].pk, leads[2].pk),
        (leads[3].pk, leads[5].pk),
        (leads[6].pk, leads[6].pk),
    ]
    assert all(done for _, _, done in ranges)
    assert unscored() == 0
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}


def test_a_redelivered_planning_task_finds_its_run_instead_of_planning_a_twin(leads):
    first = rescore_run_plan(kind=RescoreKind.NIGHTLY, task_id="task-1")
    rescore_chunk_run(chunk_id=first.chunk_ids[0])
    again = rescore_run_plan(kind=RescoreKind.NIGHTLY, task_id="task-1")
    assert again.run_id == first.run_id
    assert again.chunk_ids == first.chunk_ids[1:]  # the done chunk is not sent again
    assert RescoreRun.objects.count() == 1


def test_a_done_chunk_is_not_scored_again(leads):
    planned = rescore_run_plan(kind=RescoreKind.NIGHTLY)
    first = rescore_chunk_run(chunk_id=planned.chunk_ids[0])
    assert (first.scored, first.written) == (3, 3)
    Lead.objects.update(criteria_version=None)  # a rerun would set it again
    again = rescore_chunk_run(chunk_id=planned.chunk_ids[0])
    assert again.as_dict() == first.as_dict()  # the stored report
    assert unscored() == 7


def test_the_callback_waits_while_chunks_are_left(leads):
    planned = rescore_run_plan(kind=RescoreKind.NIGHTLY)
    rescore_chunk_run(chunk_id=planned.chunk_ids[0])
    assert rescore_run_finish(run_id=planned.run_id) is None
    assert RescoreRun.objects.get().finished_at is None


def test_the_sweep_resends_only_the_undone_chunks_of_a_run_gone_quiet(leads, eager_tasks):
    """Chunks lost (sent while the broker was down, or Redis flushed): the sweep resumes."""
    planned = rescore_run_plan(kind=RescoreKind.NIGHTLY)  # planned, never sent
    rescore_chunk_run(chunk_id=planned.chunk_ids[0])
    assert rescore_sweep.apply().get()["runs_resumed"] == 0  # still fresh: left alone
    assert unscored() == 4
    done_first = RescoreChunk.objects.get(pk=planned.chunk_ids[0]).done_at
    RescoreRun.objects.update(touched_at=timezone.now() - stale_after() - timedelta(seconds=1))
    assert rescore_sweep.apply().get()["runs_resumed"] == 1
    run = RescoreRun.objects.get()
    assert run.finished_at is not None
    assert run.report["scored"] == 7
    assert unscored() == 0
    assert RescoreChunk.objects.get(pk=planned.chunk_ids[0]).done_at == done_first


def test_the_sweep_finishes_a_run_whose_callback_was_lost(leads, eager_tasks):
    planned = rescore_run_plan(kind=RescoreKind.NIGHTLY)
    for chunk_id in planned.chunk_ids:
        rescore_chunk_run(chunk_id=chunk_id)
    RescoreRun.objects.update(touched_at=timezone.now() - stale_after() - timedelta(seconds=1))
    assert rescore_sweep.apply().get()["runs_resumed"] == 0  # nothing to send
    assert RescoreRun.objects.get().report["scored"] == 7


def test_a_publication_runs_in_chunks_and_finishes_the_banner(leads, eager_tasks, make_user):
    from qualification.roles import Role
    from qualification.services.versions import draft_create, draft_publish

    rescore_all.apply()
    ops = make_user(Role.OPS)
    version = draft_publish(user=ops, draft=draft_create(user=ops, title="same"), note="n")
    assert version.rescore_finished_at is None
    answer = publication_rescore.apply(args=(version.pk,)).get()
    assert (answer["chunks"], answer["finished"], answer["written"]) == (3, True, 7)
    version.refresh_from_db()
    assert version.rescore_finished_at is not None
    assert set(Lead.objects.values_list("criteria_version_id", flat=True)) == {version.pk}
    assert RescoreRun.objects.filter(kind=RescoreKind.PUBLICATION, version=version).count() == 1


def test_the_sweep_plans_a_publication_whose_rescore_task_was_lost(leads, eager_tasks):
    version = factories.published()
    type(version).objects.filter(pk=version.pk).update(
        rescore_finished_at=None, published_at=timezone.now() - stale_after() * 2
    )
    assert rescore_sweep.apply().get()["runs_resumed"] == 1
    version.refresh_from_db()
    assert version.rescore_finished_at is not None
    assert unscored() == 0


def test_a_chunk_of_a_replaced_publication_scores_nothing(leads):
    factories.published()
    replaced = CriteriaVersion.objects.create(title="not the published one")
    planned = rescore_run_plan(kind=RescoreKind.PUBLICATION, version_id=replaced.pk)
    report = rescore_chunk_run(chunk_id=planned.chunk_ids[0])
    assert report.scored == 0
    assert unscored() == 7
    assert RescoreChunk.objects.get(pk=planned.chunk_ids[0]).done_at is not None
