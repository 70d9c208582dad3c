"""The criteria health reads: which runs the page talks about, and the rows from their figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from qualification.models import Feedback, LeadSnapshot, Recalibration
from qualification.selectors.criteria_health import (
    criteria_health_read,
    recalibration_for_draft_read,
    recalibration_in_progress_read,
)
from tests.factories import LeadFactory, feedback

pytestmark = pytest.mark.django_db


# A suggested criterion's content, in the governance snapshot's fields (CRITERION_FIELDS).
OCCUPATION_CONTENT: dict[str, Any] = {
    "name": "Occupation is Working Professional",
    "description": "Suggested from sales feedback.",
    "kind": "fit",
    "applies_to": "both",
    "signal_type": "attribute",
    "event_name": "",
    "property_filter": {},
    "measure": "count",
    "threshold": 1,
    "window_days": None,
    "attribute": "lead.traits.occupation",
    "operator": "eq",
    "value": "Working Professional",
    "points": 21,
    "points_mode": "once",
    "max_occurrences": None,
    "half_life_days": None,
    "reason_template": "Occupation is {value}",
    "owner_team": "ops",
    "is_active": True,
    "glossary_term": "",
}


def sample_figures(**overrides: Any) -> dict[str, Any]:
    """A stored figures dict in the core's schema, with distinctive values to look for."""
    figures: dict[str, Any] = {
        "n_outcomes": 412,
        "n_positive": 131,
        "n_negative": 281,
        "min_outcomes": 40,
        "enough": True,
        "message": "",
        "model": "logistic_regression",
        "models": {
            "logistic_regression": {"auc": 0.8123, "brier": 0.1532},
            "gradient_boosting": {"auc": 0.7944, "brier": 0.1611},
        },
        "held_out": 103,
        "auc_published": 0.6611,
        "auc_suggested": 0.7302,
        "auc_likelihood": 0.8123,
        "brier_likelihood": 0.1532,
        "precision_top10": 0.7,
        "calibration": [
            {"low": 0.0, "high": 0.2, "predicted": 0.11, "observed": 0.09, "count": 40},
            {"low": 0.2, "high": 0.4, "predicted": 0.31, "observed": 0.36, "count": 33},
            {"low": 0.6, "high": 0.8, "predicted": 0.71, "observed": 0.68, "count": 30},
        ],
        "criteria": [
            {
                "key": "demo-request",
                "name": "Asked for a demo",
                "kind": "intent",
                "owner_team": "marketing",
                "glossary_term": "hand-raiser",
                "points": 20,
                "fires": 57,
                "conversion_fired": 0.61,
                "conversion_not_fired": 0.22,
                "lift": 2.7727,
                "false_positive_rate": 0.14,
                "top_rejection_reasons": [
                    {"reason": "no_budget", "count": 5},
                    {"reason": "bad_timing", "count": 2},
                ],
                "suggested_points": 32,
                "ci_low": 24,
                "ci_high": 39,
                "note": "Converts far more often than its points say.",
            },
            {
                "key": "student-email",
                "name": "Student e-mail",
                "kind": "fit",
                "owner_team": "ops",
                "glossary_term": "",
                "points": 10,
                "fires": 44,
                "conversion_fired": 0.05,
                "conversion_not_fired": 0.35,
                "lift": 0.1429,
                "false_positive_rate": 0.83,
                "top_rejection_reasons": [{"reason": "student", "count": 29}],
                "suggested_points": -15,
                "ci_low": -22,
                "ci_high": -8,
                "note": "Sales reject most of these as students.",
            },
            {
                "key": "webinar",
                "name": "Attended a webinar",
                "kind": "intent",
                "owner_team": "marketing",
                "glossary_term": "",
                "points": 5,
                "fires": 3,
                "conversion_fired": None,
                "conversion_not_fired": 0.3,
                "lift": None,
                "false_positive_rate": None,
                "top_rejection_reasons": [],
                "suggested_points": None,
                "ci_low": None,
                "ci_high": None,
                "note": "Fired on 3 leads with an outcome: too few for a suggestion.",
            },
        ],
        "new_criteria": [
            {
                "key": "trait.occupation=working-professional",
                "text": "Leads whose occupation is Working Professional convert 3.1\N{MULTIPLICATION SIGN} as often: "
                "add a fit criterion?",
                "lift": 3.1,
                "support": 88,
                "conversion": 0.52,
                "content": OCCUPATION_CONTENT,
            }
        ],
        "needs": ["23 more rejected leads before suggestions for intent criteria are reliable."],
        "by_source": [
            {"value": "webinar", "outcomes": 120, "conversion": 0.41},
            {"value": "paid_search", "outcomes": 80, "conversion": 0.17},
        ],
        "by_pql_kind": [{"value": "hand_raiser", "outcomes": 30, "conversion": 0.66}],
        "by_owner_team": [{"value": "marketing", "outcomes": 200, "conversion": 0.33}],
        "top_factors": [
            {"label": "Asked for a demo", "weight": 1.42},
            {"label": "Occupation is Student", "weight": -2.05},
        ],
        "seconds": 1.8,
    }
    figures.update(overrides)
    return figures


def run(status: str = "done", *, ago: float = 1.0, **fields: Any) -> Recalibration:
    """A stored run, ``ago`` days old (requested and finished then)."""
    when = timezone.now() - timedelta(days=ago)
    fields.setdefault("figures", sample_figures() if status == "done" else {})
    made = Recalibration.objects.create(status=status, trigger="command", **fields)
    finished = when if status in ("done", "failed") else None
    Recalibration.objects.filter(pk=made.pk).update(requested_at=when, finished_at=finished)
    made.refresh_from_db()
    return made


def test_nothing_run_yet_reads_as_empty():
    health = criteria_health_read()
    assert health.figures_run is None
    assert health.live is None
    assert health.running is None
    assert health.figures == {}
    assert health.criteria == []
    assert health.drift is None


def test_latest_done_live_and_in_progress_are_told_apart():
    old_live = run(ago=9, is_live=True, figures=sample_figures(model="gradient_boosting"))
    newest_done = run(ago=2, kept_reason="The new model's AUC 0.70 is below the live 0.81.")
    failed = run("failed", ago=1, error="Database went away")
    running = run("running", ago=0.01, progress=40)
    health = criteria_health_read(with_drift=False)
    assert health.figures_run == newest_done
    assert health.latest == failed
    assert health.failed == failed
    assert health.live == old_live
    assert health.kept == newest_done
    assert health.running == running == recalibration_in_progress_read()
    # The model panel describes the live model; the criteria come from the newest figures.
    assert health.model_name == "gradient boosting"
    assert health.comparisons == [("logistic regression", 0.8123)]


def test_a_done_run_that_became_live_is_not_reported_as_kept():
    live = run(is_live=True, kept_reason="")
    health = criteria_health_read(with_drift=False)
    assert health.kept is None
    assert health.failed is None
    assert health.figures_run == live


def test_criterion_rows_carry_suggestion_interval_and_reasons():
    run(is_live=True)
    rows = {row.key: row for row in criteria_health_read(with_drift=False).criteria}
    demo, student, webinar = rows["demo-request"], rows["student-email"], rows["webinar"]
    assert demo.suggestion_text == "+32 (24 to 39)"
    assert demo.change == 12
    assert demo.reasons_text == "No budget (5), Bad timing (2)"
    assert demo.team_label == "Marketing"
    assert student.suggestion_text == "-15 (-22 to -8)"
    assert student.change == -25
    assert student.reasons == (("Student or personal", 29),)
    assert webinar.suggestion_text == ""
    assert webinar.change is None
    health = criteria_health_read(with_drift=False)
    assert [row.key for row in health.suggested_points] == ["demo-request", "student-email"]


def test_only_a_done_run_can_feed_a_draft():
    done = run()
    failed = run("failed")
    assert recalibration_for_draft_read(done.pk) == done
    assert recalibration_for_draft_read(failed.pk) is None
    assert recalibration_for_draft_read(10_000) is None


@pytest.fixture(scope="module")
def fitted():
    """A real model (the core on the synthetic known-drivers set) and later rows to judge it."""
    from qualification.core.learning import recalibrate
    from qualification.devdata.synthetic_outcomes import synthetic_rows

    rows, criteria = synthetic_rows(300, seed=5)
    return recalibrate(rows, criteria, seed=0), synthetic_rows(60, seed=6)[0]


def _outcomes_since(rows, when) -> None:
    """Each row as a lead with its snapshot and one feedback entry, recorded at ``when``."""
    for index, row in enumerate(rows):
        lead = LeadFactory()
        LeadSnapshot.objects.create(
            lead=lead, moment="first_touch", taken_at=when, inputs=row.inputs.to_json()
        )
        outcome = "accepted" if row.positive else "rejected"
        entry = feedback(lead=lead, outcome=outcome, reason="" if row.positive else "no_need")
        at = when + timedelta(days=index % 14)
        Feedback.objects.filter(pk=entry.pk).update(created_at=at)


def test_drift_judges_the_live_model_on_outcomes_recorded_since_it_was_fitted(fitted):
    result, later = fitted
    live = run(ago=20, is_live=True, figures=result.figures, model=result.model.to_json())
    before = later[:10]
    _outcomes_since(before, live.finished_at - timedelta(days=30))  # older: not drift
    _outcomes_since(later[10:], live.finished_at + timedelta(hours=1))
    drift = criteria_health_read().drift
    assert drift is not None
    assert drift.since == live.finished_at
    assert sum(week["outcomes"] for week in drift.weeks) == len(later) - len(before)
    assert drift.judged  # 50 outcomes: enough for a verdict
    assert drift.verdict
    assert all(0 <= week["predicted"] <= 1 for week in drift.weeks)


def test_drift_without_later_outcomes_is_too_early_to_tell(fitted):
    result, _later = fitted
    run(is_live=True, figures=result.figures, model=result.model.to_json())
    drift = criteria_health_read().drift
    assert drift.weeks == []
    assert not drift.judged
    assert not drift.degraded


def test_a_live_run_without_a_model_has_no_drift():
    run(is_live=True, model={})
    assert criteria_health_read().drift is None
