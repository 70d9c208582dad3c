"""The queue pages: who sees what, in which order, filters and pages from the URL, fixed query
count. Claiming and assigning are in test_queue_actions.py."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualification.models import GlossaryTerm
from qualification.roles import Role
from tests.factories import AccountFactory, LeadFactory, calendar, sla
from tests.web.queue_helpers import qualified, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary():
    return GlossaryTerm.objects.create(
        term="PQL (product qualified lead)",
        slug="pql",
        owner_team="product",
        definition="A user whose product use shows buying intent.",
    )


@pytest.fixture
def always_open_policies():
    """SLA policies open around the clock, so the state does not depend on when tests run."""
    always = calendar(
        name="Always open",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )
    for queue in ("mql", "pql"):
        for tier in (1, 2, 3, 4):
            sla(queue=queue, tier=tier, calendar=always, response_minutes=60, warning_percent=75)


def test_pql_queue_lists_open_pqls_in_priority_order(client_as):
    client = client_as(Role.SDR)
    warm = qualified(tier=3, total_score=70)
    hot_low = qualified(tier=4, total_score=80)
    hot_high = qualified(tier=4, total_score=95)
    qualified("mql", tier=4, total_score=99)
    qualified(tier=4, total_score=99, stage="disqualified")
    LeadFactory(queue="cs", tier=4, total_score=99)
    LeadFactory(queue="none", tier=4, total_score=99)
    response = client.get("/queues/pql/")
    assert response.status_code == 200
    assert rows(response) == [hot_high.email, hot_low.email, warm.email]


def test_all_queue_combines_mql_and_pql_and_mine_is_mine(client_as, make_user):
    client = client_as(Role.SDR)
    sdr = client.session["_auth_user_id"]
    other = make_user(Role.SDR, username="other")
    mql = qualified("mql", tier=2)
    pql = qualified("pql", tier=3, owner_id=sdr, claimed_at=timezone.now())
    qualified("pql", tier=4, owner=other, claimed_at=timezone.now())
    assert set(rows(client.get("/queues/all/"))) >= {mql.email, pql.email}
    assert rows(client.get("/queues/mine/")) == [pql.email]


@pytest.mark.parametrize("role", [Role.OPS, Role.MARKETING, Role.PRODUCT])
def test_roles_without_work_queue_may_look_but_not_claim(client_as, role):
    lead = qualified("pql", tier=4)
    client = client_as(role)
    response = client.get("/queues/pql/")
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(response) == [lead.email]
    assert f"/queues/claim/{lead.pk}/" not in html  # no Claim button
    assert "You are looking at the queues read-only" in html
    assert 'href="/queues/mine/"' not in html  # no My queue tab: they own no leads
    # Their own queue stays closed, and the refusal names who has it.
    refused = client.get("/queues/mine/")
    assert refused.status_code == 403
    assert "SDR and Manager roles can open this page" in refused.content.decode()


def test_user_without_role_is_refused_the_queues(client_as):
    response = client_as(None).get("/queues/pql/")
    assert response.status_code == 403
    assert "roles can open this page" in response.content.decode()


def test_my_queue_offers_no_owner_filters_and_no_option_twice(client_as):
    client = client_as(Role.MANAGER)
    mine = client.get("/queues/mine/").content.decode()
    assert 'name="owner"' not in mine
    assert 'name="unassigned"' not in mine
    everyone = client.get("/queues/all/").content.decode()
    assert 'name="owner"' in everyone
    for label in ("Anyone", "Any country", "Any industry", "Any tier"):
        assert everyone.count(f">{label}</option>") == 1, label


def test_unknown_scope_is_404(client_as):
    assert client_as(Role.SDR).get("/queues/cs/").status_code == 404


def test_row_shows_reasons_with_glossary_terms_sla_and_owner(
    client_as, glossary, always_open_policies
):
    client = client_as(Role.SDR)
    qualified(
        tier=4,
        total_score=88,
        reasons=[
            {"text": "Invited 4 teammates", "points": 30, "kind": "usage", "term": "pql"},
            {"text": "Hit the project limit", "points": 25, "kind": "usage", "term": None},
            {"text": "Company of 240", "points": 20, "kind": "fit", "term": "missing"},
            {"text": "Fourth reason, not shown", "points": 5, "kind": "fit", "term": None},
        ],
    )
    html = client.get("/queues/pql/").content.decode()
    assert "Invited 4 teammates" in html
    assert "Fourth reason, not shown" not in html
    assert 'href="/glossary/pql/"' in html
    assert 'title="A user whose product use shows buying intent."' in html
    assert 'class="sla sla-ok"' in html
    assert "Due in 55 min" in html or "Due in 56 min" in html
    assert 'aria-label="Claim Ada' in html
    assert "Hot" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("tier=4", {"hot"}),
        ("tier=3", {"warm"}),
        ("unassigned=on", {"warm", "hot"}),
        ("country=FR", {"hot"}),
        ("industry=fintech", {"owned"}),
        ("size=1000-4999", {"hot"}),
        ("source=webinar", {"warm"}),
        ("pql_kind=hand_raiser", {"hot"}),
        ("stage=active_user", {"owned"}),
        ("sla=breached", {"owned"}),
        ("sla=ok", {"warm", "hot"}),
        ("sla=met", set()),
    ],
)
def test_filters(client_as, make_user, always_open_policies, params, expected):
    client = client_as(Role.SDR)
    rep = make_user(Role.SDR, username="rep")
    now = timezone.now()
    qualified(email="warm@x.test", tier=3, source="Webinar")
    fr = AccountFactory(country="FR", employee_count=1500)
    qualified(email="hot@x.test", tier=4, account=fr, pql_kind="hand_raiser")
    qualified(
        email="owned@x.test",
        tier=2,
        owner=rep,
        claimed_at=now,
        stage="active_user",
        qualified_at=now - timedelta(hours=3),
        account=AccountFactory(industry="fintech"),
    )
    response = client.get(f"/queues/pql/?{params}")
    assert response.status_code == 200
    assert not response.context["filter"].errors
    assert {email.split("@")[0] for email in rows(response)} == expected


def test_stage_filter_offers_only_stages_a_queue_lead_can_have(client_as):
    response = client_as(Role.SDR).get("/queues/pql/?stage=sql")
    offered = [value for value, _label in response.context["filter"].form.fields["stage"].choices]
    assert offered == ["", "mql", "active_user", "pql"]
    assert "stage" in response.context["filter"].errors


def test_owner_filter(client_as, make_user):
    client = client_as(Role.SDR)
    rep = make_user(Role.SDR, username="rep")
    mine = qualified(owner=rep, claimed_at=timezone.now())
    qualified()
    assert rows(client.get(f"/queues/pql/?owner={rep.pk}")) == [mine.email]


@pytest.mark.parametrize(
    "params",
    [
        "tier=9",
        "tier=hot",
        "owner=999999",
        "sla=late",
        "country=ZZ",
        "page=abc",
        "page=999",
        "per_page=7",
        "sort=nonsense",
    ],
)
def test_bad_filter_values_render_with_an_error(client_as, params):
    client = client_as(Role.SDR)
    qualified()
    response = client.get(f"/queues/pql/?{params}")
    assert response.status_code == 200
    assert len(rows(response)) == 1
    if params.split("=")[0] in {"tier", "owner", "sla", "country"}:
        assert response.context["filter"].errors
        assert "Select a valid choice" in response.content.decode()


def test_sorting_and_page_size(client_as):
    client = client_as(Role.SDR)
    for score in range(30):
        qualified(tier=2, total_score=score)
    first = client.get("/queues/pql/")
    assert len(rows(first)) == 25
    assert client.get("/queues/pql/?per_page=50").context["table"].paginator.count == 30
    assert len(rows(client.get("/queues/pql/?per_page=50"))) == 30
    ascending = client.get("/queues/pql/?sort=total_score")
    scores = [r.record.total_score for r in ascending.context["table"].page.object_list]
    assert scores == sorted(scores)
    assert scores[0] == 0


def test_page_size_is_one_of_the_offered_sizes(client_as):
    client = client_as(Role.SDR)
    for score in range(30):
        qualified(tier=2, total_score=score)
    for asked, shown in (("7", 25), ("1000", 25), ("abc", 25), ("50", 30), ("100", 30)):
        response = client.get(f"/queues/pql/?per_page={asked}")
        assert len(rows(response)) == shown, asked
    html = client.get("/queues/pql/?per_page=7").content.decode()
    assert '<option value="25" selected>25</option>' in html


@pytest.mark.parametrize(
    ("page", "shown"), [("2", 2), ("abc", 1), ("1.5", 1), ("9", 2), ("0", 2), ("-1", 2)]
)
def test_a_page_past_the_end_is_the_last_and_a_non_number_the_first(client_as, page, shown):
    client = client_as(Role.SDR)
    for score in range(30):
        qualified(tier=2, total_score=score)
    response = client.get(f"/queues/pql/?page={page}")
    assert response.status_code == 200
    assert response.context["table"].page.number == shown
    assert len(rows(response)) == (25 if shown == 1 else 5)
    first, last = (1, 25) if shown == 1 else (26, 30)
    assert f"{first}\u2013{last} of 30" in response.content.decode()


def test_count_stops_at_the_cap_and_pages_stop_there(client_as, monkeypatch):
    monkeypatch.setattr("qualification.web.paginators.COUNT_CAP", 4)
    client = client_as(Role.SDR)
    for score in range(6):
        qualified(tier=2, total_score=score)
    response = client.get("/queues/pql/?per_page=25")
    paginator = response.context["table"].paginator
    assert (paginator.count, paginator.capped, paginator.count_label) == (4, True, "4+")
    html = response.content.decode()
    assert "4+ leads" in html
    assert "the first 4 are listed" in html
    # The rows shown are the cap's worth, in priority order.
    assert [r.record.total_score for r in response.context["table"].page.object_list] == [
        5,
        4,
        3,
        2,
    ]
    # Past the last counted page: the last page, not an error.
    last = client.get("/queues/pql/?per_page=25&page=9")
    assert last.status_code == 200
    assert last.context["table"].page.number == 1


def test_tabs_show_open_leads_per_queue_capped(client_as, make_user, monkeypatch):
    monkeypatch.setattr("qualification.selectors.queues.TAB_COUNT_CAP", 3)
    client = client_as(Role.SDR)
    sdr = int(client.session["_auth_user_id"])
    for score in range(5):
        qualified("pql", tier=2, total_score=score)
    qualified("mql", tier=2)
    qualified("mql", tier=2, owner_id=sdr, claimed_at=timezone.now())
    qualified("mql", tier=2, stage="recycled")  # closed: in no tab
    html = client.get("/queues/mql/").content.decode()
    tabs = html[html.index('class="queue-tabs"') : html.index("</nav>", html.index("queue-tabs"))]
    counts = re.findall(r'([A-Za-z ]+queue|All queues) <span class="tab-count">([^<]+)<', tabs)
    assert counts == [
        ("PQL queue", "3+"),
        ("MQL queue", "2"),
        ("All queues", "3+"),
        ("My queue", "1"),
    ]


def test_count_below_the_cap_is_exact(client_as, monkeypatch):
    monkeypatch.setattr("qualification.web.paginators.COUNT_CAP", 4)
    client = client_as(Role.SDR)
    for score in range(4):
        qualified(tier=2, total_score=score)
    response = client.get("/queues/pql/")
    paginator = response.context["table"].paginator
    assert (paginator.count, paginator.capped, paginator.count_label) == (4, False, "4")
    assert "are listed; filter to narrow it down" not in response.content.decode()


def test_empty_states_say_what_to_do(client_as):
    client = client_as(Role.SDR)
    assert "Claim one from the PQL or MQL queue" in client.get("/queues/mine/").content.decode()
    assert "No PQLs are waiting" in client.get("/queues/pql/").content.decode()
    qualified(tier=4)
    filtered = client.get("/queues/pql/?tier=1").content.decode()
    assert "No leads match these filters" in filtered


def test_navigation_shows_queues_to_sdrs(client_as):
    html = client_as(Role.SDR).get("/queues/mine/").content.decode()
    assert '<a href="/queues/all/" aria-current="page">Queues</a>' in html


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_page(
    client_as, make_user, glossary, always_open_policies, django_assert_num_queries
):
    manager = make_user(Role.MANAGER, username="boss")
    client = client_as(Role.SDR)
    reasons = [{"text": "Invited teammates", "points": 30, "kind": "usage", "term": "pql"}]

    def make(n: int, start: int) -> None:
        for i in range(n):
            qualified(
                tier=1 + i % 4,
                total_score=i,
                reasons=reasons,
                owner=manager if i % 2 else None,
                claimed_at=timezone.now() if i % 2 else None,
                email=f"p{start + i}@x.test",
            )

    make(5, 0)
    small = _count_queries(client, "/queues/pql/")
    make(55, 100)
    with django_assert_num_queries(small):
        response = client.get("/queues/pql/?per_page=50")
    assert len(rows(response)) == 50
    # A manager's page (assignment controls) is as flat.
    client.force_login(manager)
    assert _count_queries(client, "/queues/pql/") == _count_queries(client, "/queues/pql/?sla=ok")


def test_benchmark_figures_run():
    from qualification.devdata.benchmark.queues import queue_page_ms, queue_sql_ms

    for tier in (2, 3, 4):
        qualified(tier=tier)
    assert queue_page_ms(repeats=2) > 0
    assert queue_sql_ms(repeats=2) > 0
