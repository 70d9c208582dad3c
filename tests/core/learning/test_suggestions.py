"""Suggested new criteria: the hidden driver is found, covered signals are not repeated."""

from __future__ import annotations

from qualification.core.governance.content import CRITERION_FIELDS
from qualification.core.learning.suggestions import MIN_SUPPORT, suggest_criteria


def test_the_hidden_driver_is_suggested_as_a_fit_criterion(synthetic_result):
    suggested = synthetic_result.figures["new_criteria"]
    occupation = [s for s in suggested if s["content"]["attribute"] == "lead.traits.occupation"]
    working = [s for s in occupation if s["content"]["value"] == "Working Professional"]
    assert working, [s["text"] for s in suggested]
    (found,) = working
    assert found["text"].startswith("Leads whose occupation is Working Professional convert ")
    assert found["text"].endswith("\u00d7 as often: add a fit criterion?")
    assert found["lift"] >= 1.5
    assert found["support"] >= MIN_SUPPORT
    content = found["content"]
    assert set(content) == set(CRITERION_FIELDS)
    assert content["kind"] == "fit"
    assert content["signal_type"] == "attribute"
    assert content["operator"] == "eq"
    assert content["points"] > 0
    assert content["owner_team"] == "ops"
    assert content["is_active"] is True


def test_signals_an_existing_criterion_reads_are_not_suggested(synthetic, synthetic_result):
    _, criteria = synthetic
    events = {c.event_name for c in criteria if c.event_name}
    for s in synthetic_result.figures["new_criteria"]:
        assert s["content"]["event_name"] not in events
        assert s["content"]["attribute"] not in ("lead.email_domain", "account.industry")


def test_noise_is_not_suggested(synthetic_result):
    texts = " ".join(s["text"] for s in synthetic_result.figures["new_criteria"])
    assert "favorite color" not in texts
    assert "webinar_attended" not in texts


def test_one_outcome_class_suggests_nothing(synthetic):
    rows, criteria = synthetic
    positives = [row for row in rows if row.positive]
    assert suggest_criteria(positives, criteria, points_scale=10.0) == []
