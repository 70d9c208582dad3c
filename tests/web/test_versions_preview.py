"""A draft's preview on its page: run it, poll its progress, read its figures and backtest,
see when it is out of date or failed."""

from __future__ import annotations

import pytest

from qualification.models import CriteriaPreview, Criterion
from qualification.roles import Role
from tests import factories
from tests.web.versions_helpers import (
    draft_changing_points,
    messages_of,
    page_text,
    preview_row,
    pricing_criterion,
)

pytestmark = pytest.mark.django_db


# --- preview ---------------------------------------------------------------------------------


def test_run_preview_by_post(client_as, eager_tasks, django_capture_on_commit_callbacks):
    pricing_criterion()
    factories.LeadFactory()
    draft = draft_changing_points(25)
    client = client_as(Role.OPS)
    # The task is sent on commit; running the callbacks runs it here (tasks in-process).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/criteria/drafts/{draft.pk}/preview/run/")
    assert response.status_code == 302
    assert response.url == f"/criteria/drafts/{draft.pk}/#preview"
    preview = CriteriaPreview.objects.get(version=draft)
    assert preview.status == "done", preview.error
    page = client.get(f"/criteria/drafts/{draft.pk}/")
    html = page.content.decode()
    assert 'data-testid="preview-leads">1<' in html
    assert "hx-trigger" not in html
    assert "Preview started" in " ".join(messages_of(page))


def test_a_requested_preview_polls_until_the_worker_takes_it(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    client = client_as(Role.OPS)
    client.post(f"/criteria/drafts/{draft.pk}/preview/run/")  # no commit: stays queued
    html = client.get(f"/criteria/drafts/{draft.pk}/").content.decode()
    assert "Waiting for a worker" in html
    assert 'hx-trigger="every 2s"' in html


def test_sdr_cannot_run_a_preview(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    client = client_as(Role.SDR)
    response = client.post(f"/criteria/drafts/{draft.pk}/preview/run/", follow=True)
    assert response.status_code == 200
    assert messages_of(response)  # told why, in words
    assert not CriteriaPreview.objects.filter(version=draft).exists()


def test_progress_fragment_shows_percent_and_polls_until_finished(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    preview = preview_row(draft, status="running", total=200, done=50, figures={})
    client = client_as(Role.OPS)
    fragment = client.get(f"/criteria/drafts/{draft.pk}/preview/").content.decode()
    assert "50 of 200 leads (25%)" in " ".join(fragment.split())
    assert 'aria-valuenow="25"' in fragment
    assert f'hx-get="/criteria/drafts/{draft.pk}/preview/"' in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment  # just the panel
    CriteriaPreview.objects.filter(pk=preview.pk).update(status="done", figures={}, done=200)
    finished = client.get(f"/criteria/drafts/{draft.pk}/preview/").content.decode()
    assert "hx-trigger" not in finished


def test_finished_preview_shows_its_figures(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    preview_row(draft)
    response = client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/")
    text = page_text(response)
    html = response.content.decode()
    assert 'data-testid="preview-entering">7<' in html
    assert 'data-testid="preview-leaving">3<' in html
    assert "5 leads entering the MQL queue (the 1 highest scored)" in text
    assert "Ada Lovelace" in text
    assert "Viewed the pricing page 4 times in the last 7 days" in text
    assert "1 lead leaving the MQL queue" in text
    assert "Grace Hopper" in text
    assert "Cool Warm 9" in text  # tier 2 → 3, nine leads
    assert "2 leads entering the PQL queue." in text  # no sample stored
    assert "All tiers 80 84 +4" in text  # projected MQL queue size
    assert "Hot 10 12 +2" in text
    assert "Pricing page views 140 140 0" in text  # fires per changed criterion
    assert "ROC AUC of the total score 0.71 0.78" in text
    assert "Precision in the top 10% 60% 80%" in text
    assert "Hot 70% (7 of 10) 70% (7 of 10)" in text
    assert "Out of date" not in text
    assert "/leads/11/" in html


def test_too_few_outcomes_are_said_plainly(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    message = (
        "Too few outcomes to tell: 2 accepted or won and 1 rejected or lost "
        "(at least 5 of each are needed)."
    )
    preview_row(draft, backtest={"enough": False, "message": message, "n_outcomes": 3})
    text = page_text(client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/"))
    assert message in text
    assert "ROC AUC" not in text


def test_preview_is_out_of_date_after_an_edit(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    preview_row(draft)
    row = Criterion.objects.get(version=draft, key="pricing-views")
    row.points = 30
    row.save()
    response = client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/")
    text = page_text(response)
    assert "Out of date: the draft was edited after this preview ran" in text
    assert "Run again" in text
    # The old figures stay readable under the banner.
    assert 'data-testid="preview-entering"' in response.content.decode()


def test_failed_preview_shows_the_error_and_run_again(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    preview_row(draft, status="failed", error="The database went away.", figures={})
    text = page_text(client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/"))
    assert "The preview failed" in text
    assert "The database went away." in text
    assert "Run again" in text
