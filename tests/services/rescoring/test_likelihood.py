"""The likelihood on every lead: the rescore estimates it with the live model, stores it
with its factors, and skips the write only when score and likelihood are both unchanged."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualification.core.learning.features import FeatureSpace
from qualification.core.learning.model import LikelihoodModel
from qualification.models import Lead, Recalibration
from qualification.selectors.learning_live import live_model_read
from qualification.services.rescoring import batch, lead_rescore, lead_rescore_all
from qualification.services.rescoring.likelihood import TOP_NEGATIVE, TOP_POSITIVE, FactorsText
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.live_model import WEBINAR, expected, live_recalibration

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _pricing_webinar_student() -> Lead:
    """Pricing interest (the criterion fires: 3 views in 7 days), 2 webinars in 30 days
    (a third 60 days ago counts only in the 90-day window), and a student."""
    lead = LeadFactory(account=AccountFactory(country="US"), traits={"occupation": "Student"})
    events(lead, "Pricing Page Viewed", days_ago(NOW, 1, 2, 3))
    events(lead, WEBINAR, days_ago(NOW, 5, 20, 60))
    return lead


def test_without_a_live_model_the_likelihood_stays_empty(catalog):
    lead = _pricing_webinar_student()
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    assert (lead.likelihood, lead.likelihood_model_id, lead.likelihood_factors) == (None, None, [])
    assert lead.total_score == 30
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 0


def test_the_digest_without_a_model_is_the_one_stored_before_likelihoods_existed():
    """So turning the feature on without a model rewrites no lead; with a model, what the
    likelihood depends on joins the digest."""
    breakdown = b'{"total": 30, "contributions": []}' * 200  # longer than a hash piece
    decided = {"stage": "mql", "queue": "mql", "criteria_version_id": 7}
    before = hashlib.sha256(breakdown + orjson.dumps(decided)).hexdigest()[:32]
    assert batch._digest(breakdown, decided) == before
    with_model = batch._digest(breakdown, decided, b"[3, {}]")
    assert with_model != before
    assert with_model != batch._digest(breakdown, decided, b"[4, {}]")
    assert with_model == batch._digest(breakdown, decided, b"[3, {}]")


def test_live_model_estimates_from_criteria_model_events_and_traits(catalog):
    live = live_recalibration()
    student = _pricing_webinar_student()
    plain = LeadFactory(account=AccountFactory(country="US"))
    report = lead_rescore(lead_ids=[student.pk, plain.pk], now=NOW)
    assert report.written == 2
    student.refresh_from_db()
    plain.refresh_from_db()
    # Two webinars in the 30-day window: the model's own query counted an event no criterion names.
    assert student.likelihood == pytest.approx(
        expected(pricing=True, webinars_30d=2, student=True), abs=1e-4
    )
    assert plain.likelihood == pytest.approx(
        expected(pricing=False, webinars_30d=0, student=False), abs=1e-4
    )
    assert student.likelihood_model_id == plain.likelihood_model_id == live.pk
    labels = [f["label"] for f in student.likelihood_factors]
    assert labels == [
        "Pricing interest",
        f"{WEBINAR} events in the last 30 days",
        "Occupation is Student",
    ]
    assert [f["weight"] > 0 for f in student.likelihood_factors] == [True, True, False]
    assert plain.likelihood_factors == []  # nothing it has moves the estimate
    # The score itself is what it would be without a model.
    assert student.total_score == 30


def test_a_live_model_does_not_move_the_leads_last_signal(catalog):
    """The newest event is one only the model reads: the last signal stays the newest
    event the scoring reads, with a model live or not."""
    lead = _pricing_webinar_student()
    events(lead, WEBINAR, days_ago(NOW, 0.5))
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    without = lead.last_signal_at
    live_recalibration()
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 1
    lead.refresh_from_db()
    assert lead.likelihood is not None
    assert lead.last_signal_at == without == days_ago(NOW, 1)[0]


def test_unchanged_score_and_likelihood_skip_the_write_and_keep_the_likelihood(catalog):
    live_recalibration()
    lead = _pricing_webinar_student()
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    before = (lead.likelihood, lead.likelihood_model_id, lead.likelihood_factors, lead.updated_at)
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 0
    lead.refresh_from_db()
    assert (
        lead.likelihood,
        lead.likelihood_model_id,
        lead.likelihood_factors,
        lead.updated_at,
    ) == before


def test_a_new_event_the_model_reads_moves_the_likelihood(catalog):
    live_recalibration()
    lead = _pricing_webinar_student()
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    before_score, before = lead.total_score, lead.likelihood
    events(lead, WEBINAR, days_ago(NOW, 0.5))  # no criterion reads webinars
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 1
    lead.refresh_from_db()
    assert lead.total_score == before_score
    assert lead.likelihood == pytest.approx(
        expected(pricing=True, webinars_30d=3, student=True), abs=1e-4
    )
    assert lead.likelihood > before


def test_a_trait_the_model_reads_moves_the_likelihood_without_moving_the_score(catalog):
    live_recalibration()
    lead = _pricing_webinar_student()
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    Lead.objects.filter(pk=lead.pk).update(traits={"occupation": "Engineer"})
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 1
    lead.refresh_from_db()
    assert lead.total_score == 30
    assert lead.likelihood == pytest.approx(
        expected(pricing=True, webinars_30d=2, student=False), abs=1e-4
    )
    assert "Occupation is Student" not in {f["label"] for f in lead.likelihood_factors}


def test_a_new_live_model_rewrites_every_lead_once(catalog):
    first = live_recalibration()
    leads = [_pricing_webinar_student() for _ in range(3)]
    ids = [lead.pk for lead in leads]
    lead_rescore(lead_ids=ids, now=NOW)
    second = live_recalibration(shift=0.5)
    assert lead_rescore(lead_ids=ids, now=NOW).written == 3
    assert lead_rescore(lead_ids=ids, now=NOW).written == 0
    stored = set(Lead.objects.filter(pk__in=ids).values_list("likelihood_model_id", "likelihood"))
    assert stored == {(second.pk, expected(pricing=True, webinars_30d=2, student=True, shift=0.5))}
    assert first.pk != second.pk


def test_when_no_model_is_live_any_more_the_likelihood_is_cleared(catalog):
    live = live_recalibration()
    lead = _pricing_webinar_student()
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    Recalibration.objects.filter(pk=live.pk).update(is_live=False)
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 1
    lead.refresh_from_db()
    assert (lead.likelihood, lead.likelihood_model_id, lead.likelihood_factors) == (None, None, [])


def test_the_model_is_read_once_per_run_not_per_lead(catalog):
    live_recalibration()
    few = [_pricing_webinar_student().pk for _ in range(2)]
    many = [_pricing_webinar_student().pk for _ in range(12)]

    def queries(ids: list[int]) -> int:
        Lead.objects.filter(pk__in=ids).update(score_digest="")
        with CaptureQueriesContext(connection) as ctx:
            lead_rescore(lead_ids=ids, now=NOW)
        return len(ctx.captured_queries)

    queries(few)  # parses the model once for this process
    assert queries(few) == queries(many)


def test_a_model_that_cannot_be_read_means_no_likelihood_not_a_failed_rescore(catalog):
    Recalibration.objects.create(
        status="done", trigger="command", is_live=True, model={"space": "not a space"}
    )
    assert live_model_read() is None
    lead = _pricing_webinar_student()
    report = lead_rescore(lead_ids=[lead.pk], now=NOW)
    assert (report.written, report.failed) == (1, [])
    lead.refresh_from_db()
    assert lead.likelihood is None
    assert lead.total_score == 30


def test_full_rescore_stores_likelihoods_for_every_lead(catalog):
    live = live_recalibration()
    leads = [_pricing_webinar_student() for _ in range(5)]
    report = lead_rescore_all(now=NOW, batch_size=2)
    assert report.scored == 5
    rows = Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list(
        "likelihood", "likelihood_model_id"
    )
    assert set(rows) == {(expected(pricing=True, webinars_30d=2, student=True), live.pk)}


@pytest.mark.parametrize(
    ("weights", "kept"),
    [
        ((0.9, 0.5, 0.2, 0.1, -0.3, -0.2, -0.1), (0.9, 0.5, 0.2, -0.3, -0.2)),
        ((-0.4,), (-0.4,)),
        ((0.4, 0.3), (0.4, 0.3)),
        ((), ()),
    ],
)
def test_stored_factors_keep_the_strongest_raising_then_lowering(weights, kept):
    """A lead with every column set to 1 against a model centred on 0: each column's
    weight is its coefficient, so the stored factors are the coefficients kept."""
    labels = [f'Column "{i}" \u2013 é' for i in range(len(weights))]
    space = FeatureSpace([["fired", f"k{i}"] for i in range(len(weights))], labels)
    size = len(weights)
    model = LikelihoodModel(space, np.zeros(size), np.ones(size), np.array(weights, float), 0.0)
    strongest = model.strongest_of(np.ones((1, size)), up=TOP_POSITIVE, down=TOP_NEGATIVE)
    (text,) = FactorsText(labels).texts(strongest)
    stored = orjson.loads(text)
    assert tuple(f["weight"] for f in stored) == kept
    assert [f["label"] for f in stored] == [labels[weights.index(w)] for w in kept]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pipelined_full_rescore_writes_likelihoods_through_the_binary_path(postgres, catalog):
    """The nightly path on PostgreSQL: readers count the model's events, the writer's
    unnest statement stores the likelihood, its model and the factors (jsonb)."""
    live = live_recalibration()
    leads = [_pricing_webinar_student() for _ in range(5)]
    report = lead_rescore_all(now=NOW, batch_size=2, pipeline=True)
    assert (report.scored, report.written, report.failed) == (5, 5, [])
    stored = Lead.objects.filter(pk__in=[lead.pk for lead in leads])
    assert set(stored.values_list("likelihood", "likelihood_model_id")) == {
        (expected(pricing=True, webinars_30d=2, student=True), live.pk)
    }
    assert {f["label"] for f in stored.first().likelihood_factors} == {
        "Pricing interest",
        f"{WEBINAR} events in the last 30 days",
        "Occupation is Student",
    }
    again = lead_rescore_all(now=NOW, batch_size=2, pipeline=True)
    assert (again.scored, again.written) == (5, 0)


def test_factor_texts_of_a_batch_match_each_rows_own_factors():
    """Many rows sharing (column, weight) pairs: each row's text holds its own factors."""
    rng = np.random.default_rng(5)
    size = 8
    labels = [f"Column {i} \u2013 \u00e9" for i in range(size)]
    space = FeatureSpace([["fired", f"k{i}"] for i in range(size)], labels)
    coef = rng.choice([-0.5, -0.2, 0.1, 0.4, 0.9], size)
    model = LikelihoodModel(space, np.zeros(size), np.ones(size), coef, 0.0)
    matrix = rng.choice([0.0, 1.0, 2.0], (60, size))
    strongest = model.strongest_of(matrix, up=TOP_POSITIVE, down=TOP_NEGATIVE)
    texts = FactorsText(labels).texts(strongest)
    assert [orjson.loads(text) for text in texts] == [
        [{"label": labels[j], "weight": w} for j, w in pairs] for pairs in strongest.pairs()
    ]
    assert len(set(texts)) > 5  # the rows differ: no text is shared by mistake
