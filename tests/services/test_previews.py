"""Criteria previews: the request, the chunked run, its figures, resume, failure, backtest.

The figures are checked against the hand-computed fixture of ``preview_helpers`` (read its
table first). Tasks are not run by these tests except where they say so.
"""

from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from leadhub.celery import app
from qualification.models import CriteriaPreview, CriteriaVersion, PreviewStatus, VersionStatus
from qualification.roles import Role
from qualification.selectors.aggregation import LeadRange
from qualification.selectors.versions import latest_preview_read
from qualification.services import previews
from qualification.services.previews import (
    QUEUE_DOWN,
    preview_create,
    preview_request,
    preview_run_chunks,
)
from qualification.services.versions import DraftInvalid, GovernanceError, NotAllowed
from tests import factories
from tests import realservices as services
from tests.services.preview_helpers import fixture

pytestmark = pytest.mark.django_db

MQL_ENTERING = ["l4@big.test", "l1@big.test"]  # by draft score, highest first


def _ops():
    return factories.user(Role.OPS, username="olivia")


def _run(draft: CriteriaVersion, **kwargs) -> CriteriaPreview:
    return preview_run_chunks(preview_create(draft=draft).pk, **kwargs)


def _assert_fixture_figures(figures: dict) -> None:
    assert figures["leads"] == 7
    assert (figures["entering"], figures["leaving"]) == (2, 0)
    assert figures["queues_moves"] == {
        "mql": {"entering": 2, "leaving": 0},
        "pql": {"entering": 0, "leaving": 0},
    }
    entering = figures["samples"]["entering"]["mql"]
    assert [item["email"] for item in entering] == MQL_ENTERING
    assert [(item["before"], item["after"]) for item in entering] == [(50, 85), (50, 65)]
    assert entering[1]["name"] == "Lead 1"
    assert entering[0]["reasons"][0] == "Viewed the pricing page twice in the last 7 days"
    assert figures["samples"]["leaving"] == {"mql": [], "pql": []}
    # warm → hot: L2, L4, L7; cold → cool: L3.
    assert figures["tier_changed"] == 4
    assert {(t["from"], t["to"], t["count"]) for t in figures["tier_changes"]} == {
        (3, 4, 3),
        (1, 2, 1),
    }
    movers = [(m["email"], m["delta"]) for m in figures["top_movers"]]
    assert movers == [
        ("l4@big.test", 35),
        ("l7@big.test", 35),
        ("l3@big.test", 20),
        ("l1@big.test", 15),
        ("l2@big.test", 15),
        ("l5@big.test", 15),
    ]
    sizes = figures["queue_sizes"]
    assert sizes["published"]["mql"] == {"total": 1, "hot": 0, "warm": 1, "cool": 0, "cold": 0}
    assert sizes["draft"]["mql"] == {"total": 3, "hot": 2, "warm": 1, "cool": 0, "cold": 0}
    assert sizes["draft"]["pql"]["total"] == 0
    # The widened demo window (read under its alias) fires for L2, L3, L4, L7.
    assert figures["criteria_fires"] == [
        {"key": "demo", "name": "Demo request", "published": 1, "draft": 4},
        {"key": "pricing", "name": "Pricing views", "published": 5, "draft": 5},
    ]


# --- the run ---------------------------------------------------------------------------------


def test_preview_figures_equal_the_hand_computed_fixture():
    made = fixture()
    preview = _run(made.draft)
    assert preview.status == PreviewStatus.DONE, preview.error
    assert (preview.total, preview.done, preview.percent) == (7, 7, 100)
    assert preview.cursor == made.leads["L7"].pk
    assert preview.started_at <= preview.finished_at
    _assert_fixture_figures(preview.figures)


def test_preview_writes_nothing_to_leads():
    made = fixture()
    before = list(made.draft.criteria.values_list("pk", "points"))
    stored = {lead.pk: (lead.total_score, lead.queue, lead.stage) for lead in made.leads.values()}
    _run(made.draft)
    for lead in made.leads.values():
        lead.refresh_from_db()
        assert (lead.total_score, lead.queue, lead.stage) == stored[lead.pk]
    assert list(made.draft.criteria.values_list("pk", "points")) == before


def test_a_run_stopped_after_one_chunk_resumes_to_the_same_figures():
    made = fixture()
    single = _run(made.draft)
    preview = preview_create(draft=made.draft)
    stopped = preview_run_chunks(preview.pk, chunk=3, max_chunks=1)
    assert stopped.status == PreviewStatus.RUNNING
    assert (stopped.done, stopped.total, stopped.percent) == (3, 7, 42)
    assert stopped.cursor == made.leads["L3"].pk
    assert stopped.state["figures"]["leads"] == 3
    scored_at = stopped.scored_at
    resumed = preview_run_chunks(preview.pk, chunk=3)
    assert resumed.status == PreviewStatus.DONE
    assert resumed.scored_at == scored_at  # the resumed half scored at the same instant
    assert resumed.done == 7
    assert resumed.figures == single.figures
    _assert_fixture_figures(resumed.figures)


def test_a_finished_preview_is_not_run_again():
    made = fixture()
    done = _run(made.draft)
    again = preview_run_chunks(done.pk)
    assert (again.status, again.finished_at) == (PreviewStatus.DONE, done.finished_at)


def test_a_failed_preview_stores_a_plain_error_and_is_not_retried():
    made = fixture()
    preview = preview_create(draft=made.draft)
    # A tally stored by some other release of the code, which this one cannot resume.
    CriteriaPreview.objects.filter(pk=preview.pk).update(state={"version": 99})
    failed = preview_run_chunks(preview.pk)
    assert failed.status == PreviewStatus.FAILED
    assert failed.error == "ValueError: unknown preview state version 99"
    assert failed.finished_at is not None
    assert failed.is_finished
    assert preview_run_chunks(preview.pk).status == PreviewStatus.FAILED


# --- backtest --------------------------------------------------------------------------------


def test_backtest_on_leads_with_outcomes_equals_the_hand_computed_figures():
    from sklearn.metrics import roc_auc_score

    made = fixture()
    sdr = factories.user(Role.SDR, username="sam")

    def said(name: str, *outcomes: str) -> None:
        for outcome in outcomes:
            reason = "no_budget" if outcome in ("rejected", "lost") else ""
            factories.feedback(lead=made.leads[name], outcome=outcome, reason=reason, author=sdr)

    said("L1", "rejected", "accepted")  # the latest outcome counts: positive
    said("L2", "won")
    said("L3", "accepted", "no_response")  # no response says nothing: still positive
    said("L4", "lost")
    said("L5", "rejected")
    said("L6", "converted", "rejected")
    said("L7", "no_response")  # no outcome at all
    backtest = _run(made.draft).backtest
    assert (backtest["n_outcomes"], backtest["n_positive"], backtest["n_negative"]) == (6, 3, 3)
    assert backtest["enough"] is False
    assert backtest["message"].startswith("Too few outcomes to tell: 3 accepted or won and 3")
    # Totals (fixture table): positives L1, L2, L3; negatives L4, L5, L6.
    published = {"L1": 50, "L2": 70, "L3": 20, "L4": 50, "L5": 30, "L6": 20}
    draft = {"L1": 65, "L2": 85, "L3": 40, "L4": 85, "L5": 45, "L6": 20}
    labels = [1, 1, 1, 0, 0, 0]
    names = ["L1", "L2", "L3", "L4", "L5", "L6"]
    # Pairs (positive above negative, ties half): published 6 of 9, draft 5.5 of 9.
    assert backtest["auc_published"] == pytest.approx(6 / 9)
    assert backtest["auc_draft"] == pytest.approx(5.5 / 9)
    assert backtest["auc_published"] == pytest.approx(
        roc_auc_score(labels, [published[n] for n in names])
    )
    assert backtest["auc_draft"] == pytest.approx(roc_auc_score(labels, [draft[n] for n in names]))
    # The draft's MQLs among them: L1 (accepted), L2 (won), L4 (lost): one false positive.
    assert backtest["draft"]["false_positives"]["mql"] == 1
    assert backtest["published"]["false_positives"]["mql"] == 0


def test_a_resumed_preview_backtests_the_outcome_leads_of_every_chunk_once():
    """The outcome leads are backtested from the main pass: the rows of the chunks scored
    before a stop are kept with the tally and joined by the rest after the resume."""
    made = fixture()
    sdr = factories.user(Role.SDR, username="sam")
    for name, outcome in (("L1", "won"), ("L2", "lost"), ("L5", "accepted"), ("L6", "rejected")):
        reason = "no_budget" if outcome in ("rejected", "lost") else ""
        factories.feedback(lead=made.leads[name], outcome=outcome, reason=reason, author=sdr)
    single = _run(made.draft).backtest
    preview = preview_create(draft=made.draft)
    stopped = preview_run_chunks(preview.pk, chunk=3, max_chunks=1)  # L1-L3 scored
    kept = stopped.state["backtest_rows"]
    assert sorted(row[0] for row in kept) == sorted([made.leads["L1"].pk, made.leads["L2"].pk])
    assert stopped.backtest in (None, {})
    resumed = preview_run_chunks(preview.pk, chunk=3)
    assert resumed.backtest == single
    assert (resumed.backtest["n_outcomes"], resumed.backtest["n_positive"]) == (4, 2)
    assert resumed.state == {}


def test_the_polled_preview_is_read_without_its_resume_state():
    """A running preview's state holds the backtest's rows; the page's read leaves it."""
    made = fixture()
    preview = preview_create(draft=made.draft)
    preview_run_chunks(preview.pk, chunk=3, max_chunks=1)
    read = latest_preview_read(made.draft)
    assert read.pk == preview.pk
    assert "state" in read.get_deferred_fields()
    assert read.done == 3  # the progress it shows is still there


# --- requesting ------------------------------------------------------------------------------


def test_request_records_a_queued_preview_and_enqueues_on_commit(
    django_capture_on_commit_callbacks,
):
    made = fixture()
    ops = _ops()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        preview = preview_request(user=ops, draft=made.draft)
    assert len(callbacks) == 1  # the task is sent only once the row is committed
    stored = CriteriaPreview.objects.get(pk=preview.pk)
    assert (stored.status, stored.requested_by, stored.version) == ("queued", ops, made.draft)
    assert stored.base == CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    assert stored.content_stamp == made.draft.content_changed_at


def test_request_with_the_broker_down_marks_the_preview_failed_for_a_retry(
    broker_down, django_capture_on_commit_callbacks
):
    made = fixture()
    with django_capture_on_commit_callbacks(execute=True):
        preview = preview_request(user=_ops(), draft=made.draft)
    assert (preview.status, preview.error) == ("failed", QUEUE_DOWN)
    stored = CriteriaPreview.objects.get(pk=preview.pk)
    assert (stored.status, stored.error) == ("failed", QUEUE_DOWN)


def test_an_sdr_cannot_request_a_preview():
    made = fixture()
    with pytest.raises(NotAllowed, match="does not allow you to preview"):
        preview_request(user=factories.user(Role.SDR, username="sam"), draft=made.draft)
    assert not CriteriaPreview.objects.exists()


def test_an_invalid_draft_is_refused_naming_criterion_and_field():
    made = fixture()
    # As an edit that bypassed the form might leave it: an event nobody sends.
    made.draft.criteria.filter(key="pricing").update(event_name="Pricing Page Viewd")
    with pytest.raises(DraftInvalid) as refused:
        preview_request(user=_ops(), draft=made.draft)
    assert [(p.where, p.field) for p in refused.value.problems] == [("Pricing views", "event_name")]
    assert "Pricing views · event_name" in str(refused.value)
    assert not CriteriaPreview.objects.exists()


def test_a_published_version_is_not_previewed():
    fixture()
    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    with pytest.raises(GovernanceError, match="is published: only drafts are previewed"):
        preview_request(user=_ops(), draft=published)
    assert not CriteriaPreview.objects.exists()


# --- PostgreSQL: the pipelined read, and a real worker ---------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_chunks_on_postgresql_keep_id_order_and_figures(postgres, monkeypatch):
    """Outside a transaction the chunks come from reader threads, in any order; the stored
    cursor and the figures are the same as inline."""
    assert not connection.in_atomic_block
    readers: list[str] = []
    real = previews.preview_batch_fetch

    def recorded(batch, *args):
        if isinstance(batch, LeadRange):
            readers.append(threading.current_thread().name)
        return real(batch, *args)

    monkeypatch.setattr(previews, "preview_batch_fetch", recorded)
    made = fixture()
    stopped = preview_run_chunks(preview_create(draft=made.draft).pk, chunk=2, max_chunks=2)
    assert (stopped.cursor, stopped.done) == (made.leads["L4"].pk, 4)
    done = preview_run_chunks(stopped.pk, chunk=2)
    assert done.status == PreviewStatus.DONE, done.error
    _assert_fixture_figures(done.figures)
    assert len(readers) == 4  # L1-2, L3-4; then L5-6, L7
    assert all(name.startswith("rescore-reader-") for name in readers)


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real worker thread on the Redis broker (as in ``tests/tasks/test_worker.py``)."""
    if app.conf.task_always_eager:
        services.unavailable("Celery runs eagerly: set REDIS_URL to run a real worker")
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.celery_worker
def test_a_requested_preview_runs_to_done_through_the_real_worker(celery_worker):
    made = fixture()
    preview = preview_request(user=_ops(), draft=made.draft)  # no transaction: sent at once
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        preview.refresh_from_db()
        if preview.is_finished:
            break
        time.sleep(0.2)
    assert preview.status == PreviewStatus.DONE, preview.error
    _assert_fixture_figures(preview.figures)
