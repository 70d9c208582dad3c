"""The manager dashboard page: who may open it, its form errors, empty states, CSVs, queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from qualification.models import UserProfile
from qualification.roles import Role
from qualification.selectors.dashboard import DashboardFilters, dashboard_read
from tests import factories
from tests.selectors.test_dashboard import END, NOW, START, build

pytestmark = pytest.mark.django_db

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def frozen_now(monkeypatch):
    """The dataset's "now": the page reads timezone.now(), so fix it to the hand-computed one."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def manager(client, make_user):
    user = make_user(Role.MANAGER)
    client.force_login(user)
    return client


def _table_rows(html: str, key: str) -> list[list[str]]:
    """The text of each cell of one table on the page, header first."""
    found = re.search(rf'<table class="data-table" data-table="{key}">(.*?)</table>', html, re.S)
    assert found, f"no table {key}"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


@pytest.mark.parametrize("role", [Role.SDR, Role.MARKETING, Role.PRODUCT])
def test_other_roles_are_refused(client_as, role):
    assert client_as(role).get("/dashboard/").status_code == 403


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OPS])
def test_managers_and_ops_may_open_it(client_as, role):
    response = client_as(role).get("/dashboard/")
    assert response.status_code == 200
    assert b"<h1>Dashboard</h1>" in response.content


def test_anonymous_goes_to_the_login_page(client):
    response = client.get("/dashboard/?start=2026-11-01")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


def test_the_nav_shows_the_dashboard_to_managers_only(client_as, client):
    assert 'href="/dashboard/"' in client_as(Role.MANAGER).get("/").content.decode()
    client.logout()
    assert 'href="/dashboard/"' not in client_as(Role.SDR, username="rep").get("/").content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-13-01"}, "start", "Enter a date as YYYY-MM-DD."),
        (
            {"start": "2026-11-10", "end": "2026-11-01"},
            "end",
            "The end date is before the start date.",
        ),
        ({"rep": "999999"}, "rep", "That rep is not one of the people who work leads"),
        ({"team": "abc"}, "team", "That SDR team does not exist"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end", "at most 366 days"),
    ],
)
def test_bad_filters_are_inline_errors_naming_the_field(manager, params, field, message):
    response = manager.get("/dashboard/", params)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    error = re.search(rf'<p class="field-error" id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert error
    assert message in error.group(1)
    assert "until the filters above are fixed" in html  # the default period is shown meanwhile


def test_a_csv_with_bad_filters_is_a_400_naming_the_field(manager):
    response = manager.get("/dashboard/", {"end": "yesterday", "export": "funnel"})
    assert response.status_code == 400
    assert "end: Enter a date as YYYY-MM-DD." in response.content.decode()


def test_an_unknown_export_is_a_400(manager):
    response = manager.get("/dashboard/", {"export": "nope"})
    assert response.status_code == 400
    assert response.content.decode().startswith("export: no table named 'nope'")


def test_an_empty_period_explains_each_section(manager):
    html = manager.get("/dashboard/", {"start": "2025-01-01", "end": "2025-01-31"}).content.decode()
    for section in ("attainment", "bands", "arrivals", "funnel", "trends"):
        assert f'data-empty="{section}"' in html
    assert 'data-empty="open-alerts"' in html
    assert "data-chart=" not in html


@pytest.fixture
def dataset(frozen_now):
    return build()


def test_the_page_shows_the_figures_and_its_freshness(manager, dataset):
    html = manager.get("/dashboard/", PERIOD).content.decode()
    assert "Computed at 15:00 (UTC) from live data" in html
    assert _table_rows(html, "attainment-queue")[-1] == [
        "All", "All", "7", "4", "2", "1", "2", "67%", "5.0", "90.0", "5.0", "669.0",
    ]  # fmt: skip
    assert 'data-testid="open-breaches">1<' in html
    assert f'href="/leads/{dataset.leads["L5"].pk}/"' in html
    assert html.count('<svg viewBox="0 0 ') == html.count("data-chart=") == 11


def test_times_are_in_the_viewers_zone(client, make_user, dataset):
    viewer = make_user(Role.MANAGER)
    UserProfile.objects.filter(user=viewer).update(timezone="Asia/Tokyo")
    client.force_login(viewer)
    html = client.get("/dashboard/", PERIOD).content.decode()
    assert "Computed at 00:00 (Asia/Tokyo)" in html
    # L5 was due at 13:00 UTC on Tue 10 Nov: 22:00 in Tokyo
    assert _table_rows(html, "open-alerts")[1][-1] == "Tue 10 Nov 22:00"


def test_the_default_period_is_the_last_four_weeks(manager, dataset):
    html = manager.get("/dashboard/").content.decode()
    assert "2 Nov 2026 \u2013 29 Nov 2026" in html
    assert 'value="2026-11-02"' not in html  # defaults are shown, not typed into the form


ALL_TABLES = [
    "attainment-queue",
    "attainment-rep",
    "open-alerts",
    "never-touched",
    "response-bands",
    "arrivals-daily",
    "heatmap",
    "funnel",
    "fp-source",
    "fp-criterion",
    "trends-weekly",
]


@pytest.mark.parametrize("key", ALL_TABLES)
def test_every_table_downloads_as_the_csv_of_the_page(manager, dataset, key):
    html = manager.get("/dashboard/", PERIOD).content.decode()
    assert f"export={key}" in html
    page = _table_rows(html, key)
    response = manager.get("/dashboard/", {**PERIOD, "export": key})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="leadhub-{key}-2026-11-02_2026-11-29.csv"'
    )
    exported = list(csv.reader(io.StringIO(response.content.decode())))
    assert exported[0] == page[0]  # the same header
    assert len(exported) == len(page) > 1  # the same rows
    filters = DashboardFilters(START, END, timezone.get_current_timezone())
    table = dashboard_read(filters=filters, now=NOW).tables()[key]
    assert exported == table.csv_rows(filters.tz)
    first_cells = [row[0] for row in exported[1:]]
    if key in ("arrivals-daily", "trends-weekly"):  # ISO dates in the file, "Mon 2 Nov" on the page
        first_cells = [f"{date.fromisoformat(cell):%a %-d %b}" for cell in first_cells]
    assert first_cells == [row[0] for row in page[1:]]


def test_filter_to_one_rep(manager, dataset):
    response = manager.get("/dashboard/", {**PERIOD, "rep": dataset.bob.pk})
    html = response.content.decode()
    assert [row[0] for row in _table_rows(html, "attainment-rep")[1:]] == ["Bob Brown"]
    exported = manager.get(
        "/dashboard/", {**PERIOD, "rep": dataset.bob.pk, "export": "attainment-rep"}
    )
    assert [row[0] for row in csv.reader(io.StringIO(exported.content.decode()))] == [
        "Rep",
        "Bob Brown",
    ]


def test_filter_to_one_team(manager, dataset):
    html = manager.get("/dashboard/", {**PERIOD, "team": dataset.team_a.pk}).content.decode()
    assert [row[0] for row in _table_rows(html, "attainment-rep")[1:]] == ["Alice Adams"]
    assert "team a" in html.lower()


def test_the_page_runs_a_fixed_number_of_queries(manager, dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as baseline:
        manager.get("/dashboard/", PERIOD)
    for n in range(15):  # many more leads, reps and transitions: not one more query
        rep = factories.user(Role.SDR, username=f"extra-{n}")
        lead = factories.LeadFactory(
            owner=rep, first_touched_by=rep, qualification="mql", queue="mql", stage="mql",
            qualified_at=START_AT, sla_started_at=START_AT, sla_due_at=START_AT,
            sla_warn_at=START_AT, first_touched_at=START_AT, sla_met=True, sla_response_minutes=n,
        )  # fmt: skip
        factories.transition(lead=lead, occurred_at=START_AT)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        manager.get("/dashboard/", PERIOD)


START_AT = NOW.replace(day=5)


def test_rep_strip_template(client, dataset):
    from django.template.loader import render_to_string

    from qualification.selectors.dashboard import rep_strip_read

    strip = rep_strip_read(user=dataset.bob, now=NOW)
    html = render_to_string("qualification/dashboard/_rep_strip.html", {"strip": strip})
    assert 'data-testid="rep-touched">2<' in html
    assert 'data-testid="rep-attainment">33%<' in html
    assert 'data-testid="rep-median">82 min<' in html or 'data-testid="rep-median">83 min<' in html
    assert 'data-testid="rep-overdue">1<' in html
    assert (
        render_to_string("qualification/dashboard/_rep_strip.html", {"strip": None}).strip() == ""
    )


def test_managers_are_not_users_without_a_role(client, db):
    nobody = User.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get("/dashboard/").status_code == 403
