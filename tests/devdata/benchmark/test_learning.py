"""The benchmark's learning figures: snapshots as the first touch takes them, one timed
recalibration with the rescore around it, and the database left as it was found."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from django.db.models import Min

from qualification.core.learning.outcomes import LABELLED_OUTCOMES
from qualification.devdata.benchmark import dataset, learning, sales
from qualification.models import Event, Feedback, Lead, LeadSnapshot, Recalibration
from qualification.selectors.learning import event_windows_read
from qualification.services.rescoring import lead_rescore_all
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
LEADS = 400


@pytest.fixture
def worked():
    dataset.ensure_criteria()
    dataset.generate(dataset.DatasetSize(leads=LEADS, events=8000))
    lead_rescore_all()
    sales.sales_layer_apply()


def _labelled_leads() -> set[int]:
    return set(
        Feedback.objects.filter(outcome__in=LABELLED_OUTCOMES).values_list("lead_id", flat=True)
    )


def test_snapshots_count_each_leads_events_up_to_its_first_touch(worked):
    made = learning.snapshots_from_history()
    assert made == LeadSnapshot.objects.count()
    assert set(LeadSnapshot.objects.values_list("lead_id", flat=True)) == _labelled_leads()
    first_feedback = dict(
        Feedback.objects.values("lead_id")
        .annotate(at=Min("created_at"))
        .values_list("lead_id", "at")
    )
    later_events = 0
    for snap in LeadSnapshot.objects.select_related("lead").order_by("lead_id")[:40]:
        moments = [m for m in (snap.lead.first_touched_at, first_feedback[snap.lead_id]) if m]
        assert snap.taken_at == min(moments) - timedelta(microseconds=1)
        expected = event_windows_read([snap.lead_id], now=snap.taken_at).get(snap.lead_id, {})
        stored = {name: tuple(counts) for name, counts in snap.inputs["events"].items()}
        assert stored == expected
        assert snap.inputs["score"] == snap.lead.total_score
        later_events += Event.objects.filter(lead=snap.lead, occurred_at__gt=snap.taken_at).count()
    assert later_events > 0  # the cutoff really left out what came after the touch
    # A rerun replaces the snapshots rather than adding to them.
    assert learning.snapshots_from_history() == made
    # Another size replaces the data set, snapshots included.
    dataset.generate(dataset.DatasetSize(leads=20, events=100))
    assert not LeadSnapshot.objects.exists()


def test_learning_figures_time_a_recalibration_and_restore_the_live_model(worked):
    # A live run whose model no longer loads: the benchmark's run replaces it whatever its
    # AUC (the benchmark's outcomes follow only the response band, so it ranks near 0.5 and
    # an intercept-only model could beat it on the held-out leads).
    previous = Recalibration.objects.create(
        trigger="command", status="done", n_outcomes=40, is_live=True, model={"space": 1}
    )
    figures = learning.learning_figures(sql_aggregate_s=0.5)
    assert figures["learning_snapshots"] == len(_labelled_leads())
    assert figures["recalibrate_status"] == "done"
    assert figures["recalibrate_live"] is True
    assert figures["recalibrate_n_outcomes"] == figures["learning_snapshots"] >= 40
    assert figures["recalibrate_s"] > 0
    assert 0 < figures["recalibrate_auc_likelihood"] <= 1
    assert figures["recalibrate_model"]
    # While the benchmark's model was live, every lead got a likelihood from it.
    assert figures["leads_with_likelihood"] == LEADS
    assert 0 < figures["recalibrate_features"] <= 400
    for kind in ("nightly", "written"):
        without = figures[f"rescore_{kind}_no_model_s"]
        with_model = figures[f"rescore_{kind}_likelihood_s"]
        assert without > 0
        assert with_model > 0
        # The times are rounded to milliseconds, the overhead from the exact times: on this
        # small data set a half-millisecond either way moves the ratio by more than 1%.
        slack = 0.0005
        low, high = (
            (with_model - slack) / (without + slack),
            (with_model + slack) / (without - slack),
        )
        assert low - 1 - 0.001 <= figures[f"likelihood_overhead_{kind}"] <= high - 1 + 0.001
    # Inside the test's transaction no rescore could start from a checkpoint, and the
    # figures say so (``test_maintenance`` runs a real one).
    assert figures["rescore_runs_checkpointed"] is False
    # Alternated rounds, each side timed as often; the figures are their medians.
    runs = figures["rescore_runs_s"]
    assert figures["likelihood_rounds"] == learning.ROUNDS >= 2
    assert {key: len(times) for key, times in runs.items()} == {
        f"{kind}_{side}": learning.ROUNDS
        for kind in ("written", "nightly")
        for side in ("no_model", "likelihood")
    }
    for kind in ("nightly", "written"):
        for side in ("no_model", "likelihood"):
            assert figures[f"rescore_{kind}_{side}_s"] == pytest.approx(
                statistics.median(runs[f"{kind}_{side}"]), abs=0.001
            )
    # The ratios: each median over the bare SQL of its reads (the window counts' too).
    assert figures["sql_windows_s"] > 0
    for kind in ("nightly", "written"):
        plain = figures[f"rescore_ratio_{kind}_no_model"]
        likely = figures[f"rescore_ratio_{kind}_likelihood"]
        assert plain == pytest.approx(figures[f"rescore_{kind}_no_model_s"] / 0.5, abs=0.01)
        assert likely == pytest.approx(
            figures[f"rescore_{kind}_likelihood_s"] / (0.5 + figures["sql_windows_s"]), abs=0.01
        )
        assert figures[f"likelihood_ratio_overhead_{kind}"] == pytest.approx(
            likely / plain - 1, abs=0.01
        )
    # Left as found: the benchmark's run is gone, the earlier one live again, and the leads
    # rescored with it (its model does not load, so no lead has a likelihood).
    assert list(Recalibration.objects.values_list("pk", "is_live")) == [(previous.pk, True)]
    assert not Lead.objects.exclude(likelihood=None).exists()


def test_rescores_alternate_which_side_goes_first(monkeypatch):
    """A B, B A, A B, B A: neither side always runs right after the other's rewrite."""
    run = Recalibration.objects.create(trigger="command", status="done", n_outcomes=40)
    LeadFactory(score_digest="x")
    order: list[tuple[bool, str]] = []

    def rescore(kind: str) -> float:
        written = Lead.objects.filter(score_digest="").exists()  # the digests were cleared
        Lead.objects.update(score_digest="x")
        live = Recalibration.objects.get(pk=run.pk).is_live
        order.append((live, kind if kind == "untimed" else "written" if written else "nightly"))
        return 1.0

    monkeypatch.setattr(learning, "_settled_rescore", lambda checkpointed: rescore("timed"))
    monkeypatch.setattr(learning, "rescore_full", lambda: rescore("untimed"))
    monkeypatch.setattr(learning, "ROUNDS", 4)
    times = learning._rescores_alternated(run, [])
    a = [(False, "written"), (False, "nightly")]
    b = [(True, "written"), (True, "nightly")]
    # An even number of rounds ends without the model: it is made live again and every
    # lead rescored with it (untimed), for the figures read after.
    assert order == a + b + b + a + a + b + b + a + [(True, "untimed")]
    assert {key: len(each) for key, each in times.items()} == dict.fromkeys(
        ("written_no_model", "nightly_no_model", "written_likelihood", "nightly_likelihood"), 4
    )
