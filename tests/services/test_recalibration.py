"""Recalibration runs: who may ask, one run at a time, refresh only when better, failures."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError

from qualification.models import LeadSnapshot, Recalibration
from qualification.roles import Role
from qualification.services import recalibration as service
from qualification.services.recalibration import (
    recalibration_request,
    recalibration_run,
)
from tests.services.learning_helpers import noise_leads, outcome_leads

pytestmark = pytest.mark.django_db


def run_new(trigger: str = "command") -> Recalibration:
    run, _ = service.recalibration_next(trigger=trigger)
    return recalibration_run(recalibration_id=run.pk)


def test_only_ops_press_the_button(make_user):
    for role in (Role.SDR, Role.MANAGER, Role.MARKETING, Role.PRODUCT):
        with pytest.raises(PermissionDenied):
            recalibration_request(
                user=make_user(role, username=f"u-{role.value}"), trigger="button"
            )
    with pytest.raises(PermissionDenied):
        recalibration_request(user=None, trigger="button")
    assert not Recalibration.objects.exists()
    ops = make_user(Role.OPS)
    run = recalibration_request(user=ops, trigger="button")
    assert (run.status, run.trigger, run.requested_by) == ("queued", "button", ops)


def test_a_second_request_returns_the_run_already_asked_for(
    make_user, django_capture_on_commit_callbacks
):
    ops = make_user(Role.OPS)
    with django_capture_on_commit_callbacks() as sent:
        first = recalibration_request(user=ops, trigger="button")
        again = recalibration_request(user=ops, trigger="button")
        scheduled, created = service.recalibration_next(trigger="schedule")
    assert again.pk == first.pk == scheduled.pk
    assert created is False
    assert len(sent) == 1  # one task for the one run
    Recalibration.objects.filter(pk=first.pk).update(status="running")
    assert recalibration_request(user=ops, trigger="button").pk == first.pk
    Recalibration.objects.filter(pk=first.pk).update(status="done")
    assert recalibration_request(user=ops, trigger="button").pk != first.pk
    with pytest.raises(ValueError, match="trigger"):
        recalibration_request(user=ops, trigger="whenever")


def test_a_broker_outage_leaves_the_run_queued(
    make_user, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = recalibration_request(user=make_user(Role.OPS), trigger="button")
    assert Recalibration.objects.get(pk=run.pk).status == "queued"


def test_too_few_outcomes_says_so_and_publishes_nothing():
    outcome_leads(12)
    run = run_new()
    assert run.status == "done"
    assert run.n_outcomes == 12
    assert run.is_live is False
    assert run.model == {}
    assert run.figures["enough"] is False
    assert "12" in run.figures["message"]
    assert "Nothing was published" in run.kept_reason
    assert run.progress == 100


def test_enough_outcomes_go_live_and_rescore_every_lead(django_capture_on_commit_callbacks):
    outcome_leads(300)
    with django_capture_on_commit_callbacks() as sent:
        run = run_new()
    assert run.status == "done"
    assert run.is_live is True
    assert run.n_outcomes == 300
    assert run.model["coef"]
    assert run.figures["auc_likelihood"] > run.figures["auc_published"]
    assert run.figures["live_comparison"] == {
        "live_id": None,
        "auc_live": None,
        "auc_new": run.figures["auc_likelihood"],
    }
    assert run.started_at <= run.finished_at
    assert len(sent) == 1  # the full rescore that recomputes every likelihood
    # Running the same run again (a redelivered task) does nothing.
    again = recalibration_run(recalibration_id=run.pk)
    assert again.finished_at == run.finished_at
    assert again.figures == run.figures


def test_a_new_model_goes_live_only_when_it_ranks_at_least_as_well():
    noise_leads(60)
    noisy = run_new()
    assert noisy.is_live is True  # nothing was live yet

    outcome_leads(300)
    better = run_new()
    assert better.is_live is True
    comparison = better.figures["live_comparison"]
    assert comparison["live_id"] == noisy.pk
    assert comparison["auc_new"] >= comparison["auc_live"]
    noisy.refresh_from_db()
    assert noisy.is_live is False

    # The same outcomes again: the live model learned from all of them, the new one is
    # judged out of fold, so it does not beat the live one and the live one stays.
    same = run_new()
    assert same.status == "done"
    assert same.is_live is False
    assert f"#{better.pk} stays live" in same.kept_reason
    assert same.figures["live_comparison"]["auc_live"] > same.figures["live_comparison"]["auc_new"]
    assert Recalibration.objects.get(is_live=True).pk == better.pk


def test_a_failure_keeps_the_live_model_and_says_what_went_wrong():
    outcome_leads(300)
    live = run_new()
    broken = LeadSnapshot.objects.first()
    broken.inputs = {**broken.inputs, "events": {"demo_requested": "lots"}}
    broken.save(update_fields=["inputs"])
    failed = run_new()
    assert failed.status == "failed"
    assert "live model was not changed" in failed.error
    assert "ValueError" in failed.error
    assert failed.finished_at is not None
    assert Recalibration.objects.get(is_live=True).pk == live.pk


def test_a_lost_database_requeues_the_run_for_the_tasks_retry(monkeypatch):
    outcome_leads(12)
    run, _ = service.recalibration_next(trigger="schedule")

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(service, "training_rows_read", lost)
    with pytest.raises(OperationalError):
        recalibration_run(recalibration_id=run.pk, requeue_on_database_error=True)
    assert Recalibration.objects.get(pk=run.pk).status == "queued"
    # Without a task's retry to come (the command), it fails instead.
    failed = recalibration_run(recalibration_id=run.pk)
    assert failed.status == "failed"
    assert "OperationalError" in failed.error
    monkeypatch.undo()
    assert run_new().status == "done"


def test_a_run_running_elsewhere_is_left_alone_unless_its_worker_is_gone():
    from datetime import timedelta

    from django.utils import timezone

    outcome_leads(12)
    run, _ = service.recalibration_next(trigger="schedule")
    Recalibration.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now())
    assert recalibration_run(recalibration_id=run.pk).status == "running"
    stale = timezone.now() - service.STALE_AFTER - timedelta(minutes=1)
    Recalibration.objects.filter(pk=run.pk).update(started_at=stale)
    assert recalibration_run(recalibration_id=run.pk).status == "done"


def test_missing_snapshots_are_rebuilt_before_fitting(make_user):
    from qualification.services.lead_actions import feedback_record
    from tests.factories import LeadFactory

    sdr = make_user(Role.SDR)
    leads = [LeadFactory(stage="mql") for _ in range(3)]
    for lead in leads:
        feedback_record(lead_id=lead.pk, user=sdr, outcome="accepted")
    LeadSnapshot.objects.filter(lead=leads[0]).delete()
    run = run_new()
    assert run.n_outcomes == 3
    assert LeadSnapshot.objects.get(lead=leads[0]).moment == "rebuilt"


def test_the_migrations_schedule_a_weekly_recalibration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="qualification.recalibrate")
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "3", "1")
