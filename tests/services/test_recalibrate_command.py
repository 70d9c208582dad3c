"""``manage.py recalibrate [--json]``: runs now, in this process, and says what happened."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qualification.models import LeadSnapshot, Recalibration
from tests.services.learning_helpers import outcome_leads

pytestmark = pytest.mark.django_db

HEADLINES = (
    "n_outcomes",
    "auc_published",
    "auc_suggested",
    "auc_likelihood",
    "brier_likelihood",
    "precision_top10",
    "model",
    "seconds",
    "status",
    "kept_reason",
)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("recalibrate", *args, stdout=out)
    return out.getvalue()


def test_json_prints_the_headline_figures_and_what_happened_to_the_model():
    outcome_leads(300)
    data = json.loads(_run("--json"))
    assert set(HEADLINES) <= set(data)
    run = Recalibration.objects.get()
    assert data["recalibration"] == run.pk
    assert run.trigger == "command"
    assert (data["status"], data["is_live"], data["n_outcomes"]) == ("done", True, 300)
    assert data["auc_likelihood"] == run.figures["auc_likelihood"]
    assert data["auc_likelihood"] > data["auc_published"]
    assert 0 <= data["brier_likelihood"] <= 0.25
    assert data["model"] == run.figures["model"]
    assert data["seconds"] > 0


def test_the_summary_says_in_words_what_it_found():
    outcome_leads(300)
    out = _run()
    run = Recalibration.objects.get()
    assert f"Recalibration #{run.pk}: 300 outcomes" in out
    assert f"AUC {run.figures['auc_likelihood']:.3f}" in out
    assert "The new model is live" in out
    again = _run()
    assert "stays live" in again  # the same outcomes: the live model is kept, and says so


def test_too_few_outcomes_is_not_an_error_but_says_so():
    outcome_leads(8)
    data = json.loads(_run("--json"))
    assert data["status"] == "done"
    assert data["auc_likelihood"] is None
    assert "8" in data["message"]
    assert data["is_live"] is False


def test_a_failed_run_exits_non_zero_with_the_error():
    outcome_leads(8)
    snapshot = LeadSnapshot.objects.first()
    snapshot.inputs = {**snapshot.inputs, "events": {"x": "lots"}}
    snapshot.save(update_fields=["inputs"])
    with pytest.raises(CommandError, match="live model was not changed"):
        _run()
    assert Recalibration.objects.get().status == "failed"


def test_a_run_busy_in_a_worker_is_not_run_twice():
    Recalibration.objects.create(trigger="button", status="running", started_at=timezone.now())
    with pytest.raises(CommandError, match="already running"):
        _run("--json")
    assert Recalibration.objects.count() == 1
