"""The SLA clock SDRs see: words in their own zone, the stored clock behind the cell, the
filter and the sort, My queue's urgency order, and the lead page's clock and first touch."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualification.models import Lead, UserProfile
from qualification.roles import Role
from qualification.selectors.sla import sla_policies_read
from qualification.services.sla_clocks import sla_clocks_refresh
from qualification.web.tables import QueueTable
from qualification.web.tables.queue import lead_clock_text
from tests.factories import LeadFactory, calendar, sla
from tests.web.queue_helpers import qualified, rows

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _clocked(email: str, *, due_in: float | None, warn_in: float | None = None, **fields) -> Lead:
    """A PQL whose STORED clock is due ``due_in`` minutes from now (None: no clock)."""
    now = timezone.now()
    due = now + timedelta(minutes=due_in) if due_in is not None else None
    warn = now + timedelta(minutes=warn_in) if warn_in is not None else due
    lead = qualified(email=email, **fields)
    Lead.objects.filter(pk=lead.pk).update(
        sla_started_at=now - timedelta(hours=1) if due else None, sla_warn_at=warn, sla_due_at=due
    )
    return Lead.objects.get(pk=lead.pk)


# -- the words, in the viewer's zone -----------------------------------------------------------


@pytest.fixture
def berlin_policy():
    cal = calendar(timezone="Europe/Berlin", day_start=time(9), day_end=time(17))
    return sla(queue="pql", tier=4, calendar=cal, response_minutes=60)


def _evening_lead() -> Lead:
    """Qualified Wednesday 5 March 2025 at 19:48 Berlin time: due Thursday 10:00."""
    lead = LeadFactory(
        queue="pql",
        tier=4,
        stage="pql",
        qualification="pql",
        pql_kind="usage",
        qualified_at=datetime(2025, 3, 5, 19, 48, tzinfo=BERLIN),
    )
    sla_clocks_refresh(lead_ids=[lead.pk])
    return Lead.objects.select_related("owner").get(pk=lead.pk)


def test_an_evening_lead_is_due_tomorrow_morning_not_in_an_hour(berlin_policy):
    lead = _evening_lead()
    now = datetime(2025, 3, 5, 19, 49, tzinfo=BERLIN)
    policies = sla_policies_read()
    clock = lead_clock_text(lead, policies=policies, now=now, viewer_timezone="Europe/Berlin")
    assert clock.text == "Due tomorrow 10:00"
    assert clock.css == "ok"
    assert "09:00" in clock.hover
    assert "Europe/Berlin" in clock.hover
    # The same clock read in New York is due at 04:00 there, still "tomorrow".
    ny = lead_clock_text(lead, policies=policies, now=now, viewer_timezone="America/New_York")
    assert ny.text == "Due tomorrow 04:00"


def test_the_cell_speaks_in_the_active_zone_with_hover_and_readable_meaning(
    berlin_policy, make_user
):
    lead = _evening_lead()
    request = RequestFactory().get("/queues/pql/")
    request.user = make_user(Role.SDR, username="sam")
    now = datetime(2025, 3, 5, 19, 49, tzinfo=BERLIN)
    table = QueueTable([lead], request=request, policies=sla_policies_read(), now=now)
    with timezone.override(BERLIN):
        cell = table.render_sla(lead)
    assert 'class="sla sla-ok"' in cell
    assert "Due tomorrow 10:00" in cell
    hover = re.search(r'title="([^"]+)"', cell).group(1)
    assert "business time" in hover
    # The meaning is also in the cell's text for keyboard and screen-reader users.
    assert f'<span class="sla-tip" role="tooltip">{hover}</span>' in cell
    assert 'tabindex="0"' in cell


@pytest.mark.parametrize(
    ("stage", "text"),
    [("disqualified", "No clock: disqualified"), ("recycled", "No clock: recycled"), ("sql", "No clock: with sales")],
)  # fmt: skip
def test_a_lead_outside_the_sdr_stages_shows_no_running_clock(berlin_policy, stage, text):
    lead = _evening_lead()
    lead.stage = stage
    clock = lead_clock_text(
        lead, policies=sla_policies_read(), now=timezone.now(), viewer_timezone="UTC"
    )
    assert (clock.text, clock.css) == (text, "none")


def test_an_assignment_clock_on_an_unowned_lead_says_it_starts_at_the_claim(always_open):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60, clock_starts="assignment")
    lead = qualified(tier=4)
    clock = lead_clock_text(lead, policies=sla_policies_read(), now=timezone.now())
    assert clock.text == "Starts when claimed"


# -- cell, filter and sort agree: all read the stored clock ---------------------------------


@pytest.fixture
def always_open():
    return calendar(
        name="Always open",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )


@pytest.fixture
def stored_leads(always_open):
    """Five leads whose stored clocks disagree with what their (long) policy would say now:
    the page must follow the stored clock, as the alert scan does."""
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=10_000)
    leads = {
        "overdue": _clocked("overdue@x.test", due_in=-10, tier=4),
        "soon": _clocked("soon@x.test", due_in=10, warn_in=-5, tier=4),
        "fine": _clocked("fine@x.test", due_in=90, warn_in=60, tier=4),
        "touched": _clocked("touched@x.test", due_in=-30, tier=4),
        "none": _clocked("none@x.test", due_in=None, tier=4),
    }
    Lead.objects.filter(pk=leads["touched"].pk).update(
        first_touched_at=timezone.now() - timedelta(minutes=40), sla_met=True
    )
    return leads


@pytest.mark.parametrize(
    ("state", "expected", "css"),
    [
        ("breached", {"overdue@x.test"}, "sla-breached"),
        ("warning", {"soon@x.test"}, "sla-warning"),
        ("ok", {"fine@x.test"}, "sla-ok"),
        ("met", {"touched@x.test"}, "sla-met"),
        ("none", {"none@x.test"}, "sla-none"),
    ],
)
def test_the_sla_filter_lists_exactly_the_rows_whose_cell_says_so(
    client_as, stored_leads, state, expected, css
):
    response = client_as(Role.SDR).get(f"/queues/pql/?sla={state}")
    assert set(rows(response)) == expected
    html = response.content.decode()
    assert f'class="sla {css}" tabindex="0"' in html
    assert html.count('class="sla-tip"') == 1


def test_sorting_by_sla_orders_by_the_real_deadline_across_policies(client_as, always_open):
    """A 4-hour MQL qualified before a 1-hour PQL is due after it: the sort knows."""
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    sla(queue="mql", tier=4, calendar=always_open, response_minutes=240)
    now = timezone.now()
    mql = qualified("mql", email="mql@x.test", tier=4, qualified_at=now - timedelta(minutes=30))
    pql = qualified("pql", email="pql@x.test", tier=4, qualified_at=now - timedelta(minutes=10))
    touched = qualified(
        "pql",
        email="touched@x.test",
        tier=4,
        qualified_at=now - timedelta(minutes=50),
        first_touched_at=now,
    )
    sla_clocks_refresh(lead_ids=[touched.pk])  # touched leads keep their clock: give it one
    Lead.objects.filter(pk=touched.pk).update(sla_due_at=now - timedelta(minutes=200))
    no_clock = qualified("pql", email="cold@x.test", tier=1)
    assert mql.sla_due_at > pql.sla_due_at
    client = client_as(Role.SDR)
    assert rows(client.get("/queues/all/?sort=sla")) == [
        pql.email,
        mql.email,
        touched.email,
        no_clock.email,
    ]
    # Descending: the latest deadline first, still untouched before touched, no clock last.
    assert rows(client.get("/queues/all/?sort=-sla")) == [
        mql.email,
        pql.email,
        touched.email,
        no_clock.email,
    ]


# -- My queue: overdue, then due soon, then priority ----------------------------------------


def test_my_queue_puts_overdue_then_due_soon_first(client_as):
    client = client_as(Role.SDR)
    me = client.session["_auth_user_id"]
    mine = {"owner_id": me, "claimed_at": timezone.now()}
    hot = _clocked("hot@x.test", due_in=50, warn_in=30, tier=4, total_score=99, **mine)
    warm = _clocked("warm@x.test", due_in=None, tier=3, total_score=80, **mine)
    soon = _clocked("soon@x.test", due_in=5, warn_in=-1, tier=2, total_score=40, **mine)
    late = _clocked("late@x.test", due_in=-5, tier=1, total_score=10, **mine)
    later = _clocked("later@x.test", due_in=-60, tier=1, total_score=5, **mine)
    response = client.get("/queues/mine/")
    assert rows(response) == [later.email, late.email, soon.email, hot.email, warm.email]
    html = response.content.decode()
    assert "Overdue and due-soon leads first" in html
    # The rep's own strip sits above the table: two of their leads are overdue now.
    assert response.context["sla_strip"].open_overdue == 2
    assert html.index('data-testid="rep-strip"') < html.index('class="data-table queue-table"')
    # The shared queues keep the plain priority order.
    assert rows(client.get("/queues/all/"))[0] == hot.email


def test_my_queue_runs_a_fixed_number_of_queries(client_as):
    client = client_as(Role.SDR)
    me = client.session["_auth_user_id"]

    def make(n: int, start: int) -> None:
        for i in range(n):
            _clocked(
                f"m{start + i}@x.test",
                due_in=(i % 3 - 1) * 30,
                warn_in=(i % 3 - 1) * 30 - 10,
                tier=1 + i % 4,
                owner_id=me,
                claimed_at=timezone.now(),
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/queues/mine/").status_code == 200
        return len(ctx.captured_queries)

    make(3, 0)
    small = count()
    make(20, 100)
    assert count() == small


# -- the lead page --------------------------------------------------------------------------


def test_the_lead_page_shows_the_clock_and_its_meaning_in_the_viewers_zone(
    client_as, berlin_policy
):
    client = client_as(Role.SDR)
    me = client.session["_auth_user_id"]
    UserProfile.objects.filter(user_id=me).update(timezone="America/New_York")
    lead = qualified(tier=4, qualified_at=timezone.now() - timedelta(days=3))
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    clock = lead_clock_text(
        Lead.objects.get(pk=lead.pk),
        policies=sla_policies_read(),
        now=timezone.now(),
        viewer_timezone="America/New_York",
    )
    assert clock.text.startswith("Overdue by")
    assert f'<span class="sla sla-breached" aria-describedby="sla-why">{clock.text}</span>' in html
    assert f'<p class="sla-why" id="sla-why">{clock.hover}</p>' in html
    assert "your time" in clock.hover  # the hover tells a New York reader the Berlin deadline


def test_a_disqualified_lead_page_says_no_clock(client_as, berlin_policy):
    lead = qualified(tier=4, stage="disqualified")
    html = client_as(Role.SDR).get(f"/leads/{lead.pk}/").content.decode()
    assert "No clock: disqualified" in html
    assert "Records when you first reached out." in html


def test_the_first_touch_button_says_it_claims_an_unowned_lead(client_as, berlin_policy):
    lead = qualified(tier=4)
    client = client_as(Role.SDR)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "Logging the first touch makes you the owner." in html
    response = client.post(f"/leads/{lead.pk}/touch/", {"touch-updated_at": ""}, follow=True)
    text = response.content.decode()
    assert "First touch logged; the SLA clock has stopped" in text
    assert "you are now its owner" in text
    lead.refresh_from_db()
    assert lead.owner.username == "sdr"


def test_a_colleagues_lead_offers_no_first_touch_and_refuses_one(client_as, make_user):
    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    lead = qualified(tier=4, owner=kim, claimed_at=timezone.now())
    client = client_as(Role.SDR)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "Log first touch" not in html
    assert "Owned by Kim Lee: only Kim Lee or a manager can log a touch" in html
    response = client.post(f"/leads/{lead.pk}/touch/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "only Kim Lee or a manager can log its first touch" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).first_touched_at is None


def test_a_touch_with_htmx_refreshes_the_clock_panel(client_as, always_open):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    lead = qualified(tier=4)
    response = client_as(Role.SDR).post(f"/leads/{lead.pk}/touch/", {}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="lead-sla" aria-labelledby="sla-title" hx-swap-oob="true"' in html
    assert "Touched in time" in html
    assert "within the deadline" in html
    assert (
        'href="#lead-sla" data-testid="sla-chip" hx-swap-oob="true">SLA: Touched in time<' in html
    )
