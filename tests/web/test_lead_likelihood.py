"""The lead page's likelihood: beside the score, its factors in plain words, which model
estimated it and when; and truthful when there is no model or the lead is not estimated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qualification.models import Recalibration
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.catalog import scoring_catalog
from tests.services.rescoring.live_model import WEBINAR, expected, live_recalibration

pytestmark = pytest.mark.django_db
FITTED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def _page(client, lead) -> str:
    response = client.get(f"/leads/{lead.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_scored_lead_shows_likelihood_factors_and_model(client_as):
    scoring_catalog()
    live = live_recalibration(auc=0.83)
    Recalibration.objects.filter(pk=live.pk).update(finished_at=FITTED, n_outcomes=240)
    lead = LeadFactory(account=AccountFactory(country="US"), traits={"occupation": "Student"})
    now = datetime.now(UTC)
    events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    events(lead, WEBINAR, days_ago(now, 5, 20))
    lead_rescore(lead_ids=[lead.pk])
    html = _page(client_as(Role.SDR), lead)
    shown = f"{round(expected(pricing=True, webinars_30d=2, student=True) * 100)}%"
    assert 'data-testid="likelihood" title="The calibrated chance' in html
    assert f">{shown}</dd>" in html  # beside the score
    up = html.split('data-testid="likelihood-up"')[1].split("</ul>")[0]
    down = html.split('data-testid="likelihood-down"')[1].split("</ul>")[0]
    assert "Pricing interest" in up
    assert f"{WEBINAR} events in the last 30 days" in up
    assert "Occupation is Student" in down
    assert "Occupation is Student" not in up
    model = html.split('data-testid="likelihood-model"')[1].split("</p>")[0]
    assert f"Model #{live.pk}" in model
    assert "30 Nov 2026" in model
    assert "240 sales outcomes" in model
    assert "held-out AUC 0.83" in model


def test_without_a_model_the_page_says_so_instead_of_a_number(client_as):
    lead = LeadFactory()
    html = _page(client_as(Role.SDR), lead)
    panel = html.split('id="lead-likelihood"')[1].split("</section>")[0]
    assert "No model yet" in panel
    assert ">—<" in panel
    assert "%" not in panel
    assert "likelihood-model" not in panel


def test_a_live_model_that_has_not_estimated_the_lead_yet_says_so(client_as):
    live_recalibration()
    html = _page(client_as(Role.SDR), LeadFactory())
    panel = html.split('id="lead-likelihood"')[1].split("</section>")[0]
    assert "Not estimated yet: the next rescore estimates this lead" in panel
    assert "No model yet" not in panel


def test_an_estimate_from_a_model_no_longer_live_says_which(client_as):
    old = live_recalibration()
    lead = LeadFactory(likelihood=0.4, likelihood_model=old, likelihood_factors=[])
    live_recalibration(shift=0.3)
    html = _page(client_as(Role.SDR), lead)
    panel = html.split('id="lead-likelihood"')[1].split("</section>")[0]
    assert "40%" in panel
    assert f"Estimated by model #{old.pk}, no longer live" in panel
