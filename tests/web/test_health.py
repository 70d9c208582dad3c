"""The criteria health page: who may open it, what it shows from stored runs, CSVs, buttons."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse

from qualification.models import AutoPublishBounds, CriteriaVersion, Recalibration, UserProfile
from qualification.roles import Role
from tests import factories
from tests.selectors.test_criteria_health import run, sample_figures
from tests.web.conftest import nav_labels

pytestmark = pytest.mark.django_db

URL = "/criteria/health/"
VIEWERS = [Role.OPS, Role.MANAGER, Role.MARKETING, Role.PRODUCT]


def _text(html: str) -> str:
    """The page's visible words, tags stripped and spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- who may open it ---------------------------------------------------------------------


def test_sdrs_are_refused(client_as):
    client = client_as(Role.SDR)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "run/").status_code == 403
    assert client.post(URL + "recalibrate/").status_code == 403
    assert "Criteria health" not in nav_labels(client.get("/").content.decode())


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", VIEWERS)
def test_viewers_open_it_and_find_it_in_the_navigation(client_as, role):
    response = client_as(role).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Criteria health</h1>" in html
    labels = nav_labels(html)
    assert "Criteria health" in labels
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', html)
    assert current == [URL]  # the health entry, not "Criteria" as well


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MARKETING, Role.PRODUCT])
def test_only_ops_may_start_a_recalibration(client_as, role):
    client = client_as(role)
    assert "Recalibrate now" not in client.get(URL).content.decode()
    assert client.post(URL + "recalibrate/").status_code == 403
    assert not Recalibration.objects.exists()


# --- what it shows -----------------------------------------------------------------------


def test_empty_state_explains_the_page_and_offers_ops_the_button(client_as):
    html = client_as(Role.OPS).get(URL).content.decode()
    assert 'data-empty="health"' in html
    assert "No recalibration has run yet" in html
    assert "Recalibrate now" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_empty_state_for_a_viewer_names_who_can_run_it(client_as):
    html = client_as(Role.MARKETING).get(URL).content.decode()
    assert "No recalibration has run yet" in html
    assert "ops can also run it now" in html
    assert "Recalibrate now" not in html


def test_stored_figures_are_rendered(client_as):
    run(is_live=True)
    html = client_as(Role.OPS).get(URL).content.decode()
    text = _text(html)
    assert "from 412 outcomes (131 accepted, converted or won; 281 rejected or lost)" in text
    assert "0.81" in re.search(r'data-testid="auc-likelihood">([^<]*)<', html).group(1)
    assert re.search(r'data-testid="brier">0.153<', html)
    assert re.search(r'data-testid="precision-top10">70%<', html)
    assert "Model: logistic regression , compared with gradient boosting: AUC 0.79" in text
    # Per criterion: points, suggestion with its interval, rates, reasons, glossary link.
    assert "+32 (24 to 39)" in text
    assert "+12 from now" in text
    assert "-15 (-22 to -8)" in text
    assert "-25 from now" in text
    assert "61% / 22%" in text
    assert "2.8\N{MULTIPLICATION SIGN}" in text
    assert "No budget (5), Bad timing (2)" in text
    assert 'href="/glossary/hand-raiser/"' in html
    assert "Fired on 3 leads with an outcome: too few for a suggestion." in text
    # Suggested new criteria, the model's factors, what data is still needed, segments.
    assert "Working Professional convert 3.1\N{MULTIPLICATION SIGN} as often" in text
    assert "88 leads with it" in text
    assert "Occupation is Student" in text
    assert "23 more rejected leads before suggestions for intent criteria are reliable." in text
    assert re.search(r'<table class="data-table" data-table="by-source">.*webinar.*41%', html, re.S)
    assert re.search(r'data-table="by-pql-kind">.*Hand-raiser.*66%', html, re.S)
    # The reliability chart and its numbers in a table.
    assert 'data-chart="chart-reliability"' in html
    assert re.search(r'data-table="calibration">.*20\N{EN DASH}40%.*31%.*36%.*33', html, re.S)


def test_the_computed_time_is_in_the_viewers_zone(client, make_user):
    done = run(is_live=True)
    stamp = datetime(2025, 3, 4, 16, 30, tzinfo=UTC)
    Recalibration.objects.filter(pk=done.pk).update(finished_at=stamp)
    viewer = make_user(Role.MANAGER)
    UserProfile.objects.filter(user=viewer).update(timezone="America/New_York")
    client.force_login(viewer)
    found = re.search(r'data-testid="freshness">(.*?)</p>', client.get(URL).content.decode(), re.S)
    assert "4 Mar 2025, 11:30" in found.group(1)
    assert "America/New_York" in found.group(1)


def test_a_kept_model_and_its_reason_are_shown(client_as):
    run(ago=8, is_live=True, figures=sample_figures(model="gradient_boosting"))
    run(ago=1, kept_reason="The new model's held-out AUC 0.70 is below the live model's 0.81.")
    html = client_as(Role.MANAGER).get(URL).content.decode()
    assert 'data-testid="kept-reason"' in html
    assert "The new model&#x27;s held-out AUC 0.70 is below the live model&#x27;s 0.81." in html
    assert "Model: <strong>gradient boosting</strong>" in html  # the live one, not the candidate


def test_a_failed_run_shows_its_error_and_the_previous_model_stays(client_as):
    run(ago=3, is_live=True)
    run("failed", ago=1, error="Out of memory while fitting")
    text = _text(client_as(Role.PRODUCT).get(URL).content.decode())
    assert "The latest recalibration failed" in text
    assert "Out of memory while fitting" in text
    assert "The previous model stays live" in text
    assert "+32 (24 to 39)" in text  # the last good figures stay on the page


def test_a_failed_first_run_says_no_model_is_live(client_as):
    run("failed", error="No outcomes table")
    text = _text(client_as(Role.OPS).get(URL).content.decode())
    assert "No outcomes table" in text
    assert "No likelihood model is live yet" in text


def test_too_few_outcomes_says_so_with_the_counts(client_as):
    message = "12 outcomes (5 positive, 7 negative); suggestions need 40."
    run(figures=sample_figures(enough=False, message=message, n_outcomes=12, new_criteria=[]))
    text = _text(client_as(Role.OPS).get(URL).content.decode())
    assert "Not enough outcomes for suggestions yet." in text
    assert message in text
    assert "Suggestions wait until there are enough outcomes." in text


def test_a_run_in_progress_shows_its_progress_and_polls(client_as):
    running = run("running", progress=45, progress_text="Fitting the likelihood model")
    html = client_as(Role.OPS).get(URL).content.decode()
    assert "Fitting the likelihood model" in html
    assert "45%" in html
    assert f'hx-get="/criteria/health/run/?watch={running.pk}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh"' in html  # without JavaScript, a reload does it
    assert "Recalibrate now" not in html  # one at a time


def test_the_polled_panel_asks_for_a_reload_when_its_run_ends(client_as):
    running = run("running", progress=10)
    client = client_as(Role.MANAGER)
    response = client.get(URL + f"run/?watch={running.pk}")
    assert "HX-Refresh" not in response
    assert "10%" in response.content.decode()
    Recalibration.objects.filter(pk=running.pk).update(status="done", progress=100)
    response = client.get(URL + f"run/?watch={running.pk}")
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()  # the polling stops


# --- CSV ---------------------------------------------------------------------------------


def test_every_table_exports_as_csv(client_as):
    run(is_live=True)
    client = client_as(Role.MARKETING)
    rows = _csv(client.get(URL + "?export=criteria"))
    assert rows[0][:3] == ["Key", "Criterion", "Kind"]
    demo = dict(zip(rows[0], rows[1], strict=True))
    assert demo["Suggested points"] == "32"
    assert demo["Interval low"] == "24"
    assert demo["Conversion when fired"] == "0.6100"
    assert demo["Top rejection reasons"] == "No budget (5), Bad timing (2)"
    response = client.get(URL + "?export=by-source")
    assert response["Content-Type"].startswith("text/csv")
    assert "leadhub-health-by-source-" in response["Content-Disposition"]
    assert _csv(response) == [
        ["Source", "Outcomes", "Conversion"],
        ["webinar", "120", "0.4100"],
        ["paid_search", "80", "0.1700"],
    ]
    assert _csv(client.get(URL + "?export=calibration"))[2] == [
        "20\N{EN DASH}40%",
        "0.3100",
        "0.3600",
        "33",
    ]
    html = client.get(URL).content.decode()
    for key in ("criteria", "new-criteria", "calibration", "models", "factors", "by-source"):
        assert f'href="?export={key}"' in html, key


@pytest.mark.parametrize("name", ["nope", "", "../../etc/passwd", "criteria'"])
def test_an_unknown_export_gets_a_clear_400(client_as, name):
    response = client_as(Role.OPS).get(URL, {"export": name})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.startswith("export: no table named")
    assert "criteria" in body


# --- the buttons -------------------------------------------------------------------------


def test_ops_button_starts_a_run(client_as, eager_tasks):
    client = client_as(Role.OPS)
    response = client.post(URL + "recalibrate/")
    assert response.status_code == 302
    assert response["Location"].endswith("#run")
    made = Recalibration.objects.get()
    assert made.trigger == "button"
    assert made.requested_by.username == "ops"


def test_the_recalibrate_button_needs_a_post(client_as):
    assert client_as(Role.OPS).get(URL + "recalibrate/").status_code == 405


def _draft_post(client, **data):
    return client.post(URL + "draft/", data, follow=True)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SDR])
def test_people_who_may_not_draft_get_no_draft_buttons(client_as, role):
    done = run(is_live=True)
    client = client_as(role)
    if role == Role.MANAGER:
        html = client.get(URL).content.decode()
        assert "Make a draft" not in html
        assert 'name="point"' not in html
    response = client.post(URL + "draft/", {"recalibration": done.pk, "point": "demo-request"})
    assert response.status_code == 403


def test_draft_buttons_offer_only_suggested_changes(client_as):
    run(is_live=True)
    html = client_as(Role.OPS).get(URL).content.decode()
    boxes = re.findall(r'name="point" value="([^"]+)"', html)
    assert boxes == ["demo-request", "student-email"]  # the webinar has no suggestion
    assert "Make a draft with these points" in html
    assert "Make a draft with this criterion" in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"recalibration": "x", "point": "demo-request"},
            "recalibration: no finished recalibration",
        ),
        ({"recalibration": "999999", "point": "demo-request"}, "recalibration: no finished"),
        ({"recalibration": "", "point": "demo-request"}, "recalibration: no finished"),
        ({"point": "webinar"}, "Suggested points: Select a valid choice. webinar is not one"),
        ({"point": "<script>"}, "Suggested points: Select a valid choice."),
        ({"new": "made-up"}, "Suggested new criteria: Select a valid choice. made-up"),
        ({}, "Tick at least one suggestion to put in the draft."),
    ],
)
def test_bad_draft_posts_get_a_clear_message(client_as, data, expected):
    done = run(is_live=True)
    data = {"recalibration": done.pk, **data}
    response = _draft_post(client_as(Role.OPS), **data)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(URL)
    assert expected in unescape(response.content.decode())


def test_a_failed_run_cannot_feed_a_draft(client_as):
    failed = run("failed", figures=sample_figures())
    response = _draft_post(client_as(Role.OPS), recalibration=failed.pk, point="demo-request")
    assert "recalibration: no finished recalibration" in response.content.decode()


def test_ticked_points_become_a_draft_and_open_it(client_as):
    demo = factories.criterion(key="demo-request", name="Asked for a demo", points=20)
    student = factories.criterion(key="student-email", name="Student e-mail", points=10)
    done = run(is_live=True)
    response = client_as(Role.OPS).post(
        URL + "draft/", {"recalibration": done.pk, "point": ["demo-request"]}
    )
    draft = CriteriaVersion.objects.get(status="draft")
    assert response.status_code == 302
    assert response["Location"] == reverse("criteria-draft", args=[draft.pk])
    points = dict(draft.criteria.values_list("key", "points"))
    assert points["demo-request"] == 32  # the suggestion, in the draft only
    assert points["student-email"] == 10  # not ticked: unchanged
    demo.refresh_from_db()
    student.refresh_from_db()
    assert (demo.points, student.points) == (20, 10)  # nothing published changed


def test_one_click_puts_a_suggested_criterion_in_a_draft(client_as):
    factories.criterion(key="demo-request", name="Asked for a demo", points=20)
    done = run(is_live=True)
    key = "trait.occupation=working-professional"
    response = client_as(Role.OPS).post(URL + "draft/", {"recalibration": done.pk, "new": key})
    draft = CriteriaVersion.objects.get(status="draft")
    assert response["Location"] == reverse("criteria-draft", args=[draft.pk])
    added = draft.criteria.get(key=key)
    assert added.name == "Occupation is Working Professional"
    assert added.points == 21


def test_a_criterion_gone_from_the_published_version_is_refused_by_name(client_as):
    done = run(is_live=True)  # no published criterion "demo-request"
    response = _draft_post(client_as(Role.OPS), recalibration=done.pk, point="demo-request")
    text = unescape(response.content.decode())
    assert "Suggested points: No longer in the published criteria: demo-request." in text
    assert not CriteriaVersion.objects.filter(status="draft").exists()


# --- auto-publish ------------------------------------------------------------------------


def test_auto_publish_off_says_points_change_only_by_a_draft(client_as):
    run(ago=1)
    text = _text(client_as(Role.OPS).get(URL).content.decode())
    assert "Auto-publish is off: points change only when ops publish a draft." in text
    assert "Points do not change: suggestions become a draft only when you make one." in text
    assert "Set the bounds" in text  # ops may set them


def test_auto_publish_on_states_its_bounds_and_who_set_them(client_as, make_user):
    boss = make_user(Role.OPS, username="olga", first_name="Olga", last_name="Ops")
    AutoPublishBounds.objects.create(enabled=True, max_change=4, min_outcomes=300, changed_by=boss)
    run(ago=1)
    html = client_as(Role.MARKETING).get(URL).content.decode()
    text = _text(html)
    assert "Auto-publish is on" in text
    assert "at least 300 outcomes" in text
    assert "by at most 4" in text
    assert "Bounds set by Olga Ops" in text
    # The button's promise would be untrue now, and marketing may not set the bounds.
    assert "Points do not change" not in text
    assert "Set the bounds" not in text


def test_a_run_that_published_by_itself_says_so_and_links_the_changelog(client_as):
    figures = {
        **sample_figures(),
        "auto_publish": {
            "status": "published",
            "version": "v7",
            "version_id": 7,
            "changes": ["Asked for a demo 30 -> 34"],
            "reason": "",
        },
    }
    made = run(ago=1, figures=figures)
    html = client_as(Role.MANAGER).get(URL).content.decode()
    assert 'data-testid="auto-published"' in html
    text = _text(html)
    assert f"Recalibration #{made.pk} published v7 by itself" in text
    assert "Asked for a demo 30 -> 34" in text
    assert reverse("criteria-changes") in html
