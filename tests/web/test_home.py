"""The overview: role-aware, correct counts, a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualification.models import Feedback
from qualification.roles import Role
from qualification.selectors.overview import overview_read


def _seed(make_lead, make_user, scale: int = 1) -> None:
    """A known mix of leads; ``scale`` multiplies it without changing the shape."""
    sdr = make_user(Role.SDR, username=f"rep{scale}")
    for _ in range(scale):
        make_lead(stage="new")
        make_lead(stage="new", tier=2)
        make_lead(stage="mql", qualification="mql", queue="mql", tier=4)
        make_lead(stage="mql", qualification="mql", queue="mql", tier=3, owner=sdr)
        make_lead(stage="pql", qualification="pql", queue="pql", tier=4)
        make_lead(stage="sql", tier=3)
        lead = make_lead(stage="disqualified")
        Feedback.objects.create(lead=lead, outcome="rejected", reason="not_icp", author=sdr)
        Feedback.objects.create(lead=lead, outcome="accepted", author=sdr)
        old = Feedback.objects.create(lead=lead, outcome="no_response", author=sdr)
        Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))


def test_overview_counts_match_the_data(make_lead, make_user, make_term, make_criterion):
    _seed(make_lead, make_user)
    make_term("MQL")
    make_criterion(is_active=True)
    make_criterion(is_active=False)

    overview = overview_read(now=timezone.now())

    assert overview.total_leads == 7
    stages = {b.key: b.count for b in overview.stages}
    assert stages["new"] == 2
    assert stages["mql"] == 2
    assert stages["pql"] == 1
    assert stages["sql"] == 1
    assert stages["disqualified"] == 1
    assert stages["customer"] == 0
    assert {b.key: b.count for b in overview.tiers} == {"4": 2, "3": 2, "2": 1, "1": 2}
    assert [b.label for b in overview.tiers] == ["Hot", "Warm", "Cool", "Cold"]
    assert overview.mql_queue == 2
    assert overview.pql_queue == 1
    assert overview.unclaimed_in_queues == 2
    # Only the last 7 days count.
    assert overview.feedback_recent == 2
    assert overview.feedback_accepted == 1
    assert overview.feedback_rejected == 1
    assert overview.glossary_terms == 1
    assert overview.active_criteria == 1


def test_home_page_shows_the_counts(client_as, make_lead, make_user):
    _seed(make_lead, make_user)
    html = client_as(Role.SDR).get("/").content.decode()
    assert 'data-testid="mql-queue">2<' in html
    assert 'data-testid="pql-queue">1<' in html
    assert 'data-testid="unclaimed">2<' in html
    assert 'data-testid="feedback-recent">2<' in html
    assert "7 leads" in html
    assert "No leads yet" not in html


def test_home_page_empty_state_tells_what_to_do(client_as):
    html = client_as(Role.SDR).get("/").content.decode()
    assert "No leads yet" in html
    assert "python manage.py demo" in html


def test_home_page_runs_a_fixed_number_of_queries(
    client_as, make_lead, make_user, django_assert_max_num_queries
):
    client = client_as(Role.SDR)
    _seed(make_lead, make_user, scale=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    _seed(make_lead, make_user, scale=25)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(11):  # 11th: the bell's unread count
        client.get("/")


def test_everyone_gets_links_to_glossary_and_criteria(client_as):
    html = client_as(Role.SDR).get("/").content.decode()
    assert '<a href="/glossary/">Glossary</a>' in html
    assert '<a href="/criteria/">Criteria</a>' in html
    assert "Administration" not in html


def test_ops_gets_admin_shortcuts(client_as):
    html = client_as(Role.OPS).get("/").content.decode()
    assert "Administration" in html
    for label in ("Edit criteria", "Edit glossary", "SLA policies", "Ingestion keys"):
        assert label in html


def test_marketing_gets_only_the_admin_shortcuts_it_may_use(client_as):
    html = client_as(Role.MARKETING).get("/").content.decode()
    assert "Edit criteria" in html
    assert "Edit glossary" in html
    assert "SLA policies" not in html
    assert "Ingestion keys" not in html
