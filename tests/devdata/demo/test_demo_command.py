"""``manage.py demo --no-serve`` on the test database: volumes, users, idempotence, journeys.

The full load (50,000+ events) runs once for this module inside a transaction that is
rolled back at the end, so the data never leaks into other test modules. Each test runs in
its own savepoint on top of it, so edits and reruns made by one test are undone after it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from qualification.core.scoring.validation import validate_criterion
from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.people import DEFAULT_PASSWORD, DEMO_USERS, SDR_USERNAMES
from qualification.management.commands import demo as demo_command
from qualification.models import (
    Account,
    BusinessCalendar,
    Criterion,
    Event,
    Feedback,
    GlossaryTerm,
    Holiday,
    Lead,
    LeadActivity,
    MessageTemplate,
    QualificationPolicy,
    SDRTeam,
    SLAPolicy,
    StageTransition,
    UserProfile,
)
from qualification.models.choices import (
    LOSS_REASONS,
    REJECTION_REASONS,
    CriterionKind,
    OutreachTrigger,
)
from qualification.models.versions import CriteriaVersion, VersionStatus
from qualification.roles import STAFF_ROLES, Role

pytestmark = pytest.mark.django_db
MODELS = (Account, Lead, Event, GlossaryTerm, Criterion, QualificationPolicy, SLAPolicy,
          MessageTemplate, StageTransition, Feedback, User, UserProfile, BusinessCalendar,
          Holiday, SDRTeam, LeadActivity)  # fmt: skip
# Not counted: SLA alerts, which a rerun's scan may add as clocks move on (that is its job).


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module; roll it back afterwards."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.delenv("DEMO_PASSWORD", raising=False)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def product_timelines() -> dict[int, list[tuple]]:
    """Each lead's events in time order, as (occurred_at, name, source, properties)."""
    timelines: dict[int, list[tuple]] = defaultdict(list)
    rows = Event.objects.filter(lead__isnull=False).order_by("occurred_at", "id")
    for row in rows.values_list("lead_id", "occurred_at", "name", "source", "properties"):
        timelines[row[0]].append(row[1:])
    return timelines


# --- Volumes and catalog -------------------------------------------------------------


def test_loads_a_realistic_volume_of_accounts_leads_and_events():
    assert Account.objects.count() >= 100
    assert Lead.objects.count() >= 1000
    assert Event.objects.count() >= 50_000
    assert set(Account.objects.values_list("business_model", flat=True)) == {"b2b", "b2c"}
    assert Account.objects.values("industry").distinct().count() >= 8
    assert Account.objects.values("country").distinct().count() >= 10
    assert Account.objects.filter(country__in=v.UNSERVED_COUNTRIES).exists()
    assert Account.objects.filter(employee_count__lt=10).exists()
    assert Account.objects.filter(employee_count__gt=5000).exists()
    assert set(Account.objects.values_list("plan", flat=True)) == {"none", "free", "trial", "paid"}


def test_glossary_terms_are_owned_by_marketing_product_and_sales():
    assert GlossaryTerm.objects.count() >= 15
    owners = set(GlossaryTerm.objects.values_list("owner_team", flat=True))
    assert {"marketing", "product", "sales"} <= owners


def test_criteria_cover_all_kinds_and_both_queues_and_are_valid():
    criteria = list(Criterion.objects.published())
    assert len(criteria) >= 20
    assert {c.kind for c in criteria} == set(CriterionKind.values)
    assert {"mql", "pql"} <= {c.applies_to for c in criteria}
    for criterion in criteria:
        assert validate_criterion(criterion.definition()) == {}, criterion.key
        assert criterion.glossary_term_id is not None, criterion.key
    # Every event a criterion counts actually occurs in the demo.
    counted = {c.event_name for c in criteria if c.signal_type == "event"}
    assert counted <= set(Event.objects.values_list("name", flat=True).distinct())


def test_published_policy_sla_policies_and_templates():
    policy = QualificationPolicy.objects.get(version__status=VersionStatus.PUBLISHED)
    for names in (policy.hand_raiser_events, policy.limit_events, policy.purchase_events):
        assert names
        assert Event.objects.filter(name__in=names).exists()
    assert SLAPolicy.objects.count() == 8
    hot_pql = SLAPolicy.objects.get(queue="pql", tier=4)
    assert (hot_pql.response_minutes, hot_pql.warning_percent) == (60, 75)
    assert set(SLAPolicy.objects.values_list("calendar__name", flat=True)) == {"Sales Berlin"}
    triggers = set(MessageTemplate.objects.values_list("trigger", flat=True))
    assert triggers == set(OutreachTrigger.values)


# --- Users ---------------------------------------------------------------------------


def test_one_user_per_role_in_its_group_who_can_sign_in(client):
    for demo in DEMO_USERS:
        user = User.objects.get(username=demo.username)
        assert list(user.groups.values_list("name", flat=True)) == [demo.role.value]
        assert user.is_staff == (demo.role in STAFF_ROLES)
        assert user.profile.timezone == demo.timezone
        assert client.login(username=demo.username, password=DEFAULT_PASSWORD), demo.username
    assert {d.role for d in DEMO_USERS} == set(Role)


def test_the_command_prints_the_users_and_the_password(loaded):
    for demo in DEMO_USERS:
        assert demo.username in loaded
    assert DEFAULT_PASSWORD in loaded
    assert "events" in loaded


def test_demo_password_environment_variable_is_used(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    output = run_demo()
    assert "another-demo-secret" not in output  # a chosen password is not echoed
    assert client.login(username="ops", password="another-demo-secret")
    assert not client.login(username="ops", password=DEFAULT_PASSWORD)


def test_rerun_resets_a_forgotten_password(client):
    user = User.objects.get(username="sdr")
    user.set_password("forgotten-it-again")
    user.save()
    run_demo()
    assert client.login(username="sdr", password=DEFAULT_PASSWORD)


# --- Idempotence ---------------------------------------------------------------------


def test_running_twice_changes_no_count():
    before = counts()
    output = run_demo()
    assert counts() == before
    assert "this run" not in output


def test_the_governance_pages_have_two_publications_and_a_previewed_draft():
    published = CriteriaVersion.objects.exclude(status=VersionStatus.DRAFT).order_by("number")
    assert [v.number for v in published] == [1, 2, 3]
    current = published.last()
    assert current.status == VersionStatus.PUBLISHED
    assert current.note
    texts = [change[5] for change in current.changes]
    assert "Pricing page views: 15 → 20 points" in texts
    assert "MQL threshold 60 → 70" in texts
    # Each publication was applied: every lead carries the current scores, and version 3
    # moved some leads out of the MQL queue (its bar is higher).
    assert current.rescore_finished_at is not None
    assert not Lead.objects.exclude(criteria_version=current).exists()
    assert current.mql_left > 0
    draft = CriteriaVersion.objects.get(status=VersionStatus.DRAFT)
    preview = draft.previews.get()
    assert preview.status == "done"
    assert preview.figures["leads"] == Lead.objects.count()
    assert preview.figures["queues_moves"]["mql"]["entering"] > 0
    assert preview.backtest["n_outcomes"] > 0


def test_an_ops_edit_survives_a_rerun():
    term = GlossaryTerm.objects.get(slug="mql")
    term.definition = "Our own wording, agreed at the last pipeline review."
    term.save()
    SLAPolicy.objects.filter(queue="pql", tier=4).update(response_minutes=30, warning_percent=50)
    BusinessCalendar.objects.filter(name="Sales Berlin").update(day_start="08:00")
    run_demo()
    term.refresh_from_db()
    assert term.definition.startswith("Our own wording")
    assert SLAPolicy.objects.get(queue="pql", tier=4).response_minutes == 30
    assert BusinessCalendar.objects.get(name="Sales Berlin").day_start.hour == 8


def test_a_deleted_demo_lead_comes_back_once_with_its_journey():
    lead = Lead.objects.filter(events__name=v.SIGNED_UP).first()
    email, total = lead.email, Lead.objects.count()
    lead.delete()
    run_demo()
    assert Lead.objects.count() == total
    assert Event.objects.filter(lead__email=email, name=v.SIGNED_UP).count() == 1


def test_a_rerun_publishes_nothing_more():
    versions = list(CriteriaVersion.objects.values_list("pk", "status", "number"))
    run_demo()
    assert list(CriteriaVersion.objects.values_list("pk", "status", "number")) == versions


def test_serves_on_localhost_without_the_reloader(monkeypatch):
    calls = []

    def fake_call_command(name, *args, **kwargs):
        calls.append((name, args, kwargs))

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    call_command("demo", stdout=StringIO())
    assert calls[0][0] == "migrate"
    assert calls[-1] == ("runserver", ("127.0.0.1:8000",), {"use_reloader": False})


# --- Believable journeys -------------------------------------------------------------


def test_events_span_about_90_days_and_none_is_in_the_future():
    now = timezone.now()
    span = Event.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    assert span["last"] <= now
    assert now - timedelta(days=91) <= span["first"] <= now - timedelta(days=80)
    assert span["last"] >= now - timedelta(days=2)
    sources = dict(Event.objects.values("name").annotate(n=Count("source", distinct=True))
                   .values_list("name", "n"))  # fmt: skip
    assert set(sources.values()) == {1}  # an event name always comes from one source
    assert Event.objects.filter(lead__isnull=True).exclude(anonymous_id="").exists()


def test_product_journeys_start_with_signing_up():
    timelines = product_timelines()
    buyers = invites = 0
    for events in timelines.values():
        product = [e for e in events if e[2] == "product"]
        if not product:
            continue
        assert product[0][1] == v.SIGNED_UP
        names = [e[1] for e in product]
        buyers += v.ORDER_COMPLETED in names
        invites += v.TEAMMATE_INVITED in names
        if v.ORDER_COMPLETED in names:
            assert names.index(v.SIGNED_UP) < names.index(v.ORDER_COMPLETED)
    assert buyers >= 5
    assert invites >= 10


def test_invited_teammates_sign_up_after_the_invite():
    invited_at: dict[str, object] = {}
    for at, props in Event.objects.filter(name=v.TEAMMATE_INVITED).values_list(
        "occurred_at", "properties"
    ):
        invited_at.setdefault(props["invitee_email"], at)
    joined = Event.objects.filter(name=v.SIGNED_UP, properties__signup_source="invite")
    assert joined.count() >= 20
    for at, email in joined.values_list("occurred_at", "lead__email"):
        assert invited_at[email] < at


def test_some_people_only_ever_read_our_marketing():
    timelines = product_timelines()
    readers = [lid for lid, events in timelines.items() if {e[2] for e in events} == {"marketing"}]
    assert len(readers) >= 300


def test_unsubscribers_never_click_an_email_again():
    timelines = product_timelines()
    unsubscribed = 0
    for events in timelines.values():
        stops = [e[0] for e in events if e[1] == v.EMAIL_UNSUBSCRIBED]
        if stops:
            unsubscribed += 1
            assert not [e for e in events if e[1] == v.EMAIL_CLICKED and e[0] > stops[0]]
    assert unsubscribed >= 20


def test_quiet_trials_were_really_quiet_for_14_days():
    timelines = product_timelines()
    quiet = 0
    for events in timelines.values():
        for index, event in enumerate(events):
            if event[1] != v.TRIAL_WENT_QUIET:
                continue
            quiet += 1
            earlier = [e[0] for e in events[:index] if e[2] == "product"]
            assert event[0] - max(earlier) >= timedelta(days=14)
    assert quiet >= 5


def test_limits_hand_raises_and_purchases_all_happen():
    for name in (v.USAGE_LIMIT_REACHED, v.CONTACT_SALES_REQUESTED, v.ORDER_COMPLETED,
                 v.INTEGRATION_CONNECTED, v.DEMO_REQUESTED, v.WEBINAR_ATTENDED):  # fmt: skip
        assert Event.objects.filter(name=name).count() >= 5, name
    reports = Event.objects.filter(name=v.FEATURE_USED, properties__feature="reports")
    assert reports.count() >= 1000


# --- Lead state and sales history ----------------------------------------------------


def test_every_lead_is_scored_after_the_load():
    assert not Lead.objects.filter(needs_rescore=True).exists()
    assert not Lead.objects.filter(scored_at__isnull=True).exists()
    assert Lead.objects.filter(queue="mql").count() >= 20
    assert Lead.objects.filter(queue="pql").count() >= 20
    # Every PQL kind is in the demo; the desk has already worked some of each out of the queue.
    kinds = set(Lead.objects.filter(qualification="pql").values_list("pql_kind", flat=True))
    assert {"usage", "hand_raiser", "limit_reached"} <= kinds
    queued = set(Lead.objects.filter(queue="pql").values_list("pql_kind", flat=True))
    assert {"usage", "hand_raiser"} <= queued
    assert Lead.objects.filter(queue="cs", pql_kind="self_serve").exists()
    latest = Lead.objects.exclude(queue="none").annotate(last=Max("events__occurred_at"))
    assert all(lead.last_signal_at <= lead.last for lead in latest if lead.last_signal_at)


def test_every_qualified_lead_has_two_reasons_that_its_events_show():
    """Recount each reason's evidence from the raw events, independently of the SQL pass."""
    criteria = {c.key: c for c in Criterion.objects.all()}
    qualified = list(Lead.objects.exclude(queue="none").prefetch_related("events"))
    assert qualified
    for lead in qualified:
        now = lead.scored_at  # the evidence as it stood when the lead was scored
        assert len(lead.reasons) >= 2, lead.email
        texts = [c["reason"] for c in lead.breakdown["contributions"] if c["points"]]
        assert [r["text"] for r in lead.reasons] == texts[: len(lead.reasons)]
        for item in lead.breakdown["contributions"]:
            criterion = criteria[item["key"]]
            if criterion.signal_type != "event":
                continue
            since = now - timedelta(days=criterion.window_days or 100_000, minutes=5)
            matching = [
                e
                for e in lead.events.all()
                if e.name == criterion.event_name
                and e.occurred_at >= since
                and all(e.properties.get(k) == v for k, v in criterion.property_filter.items())
            ]
            if criterion.measure == "distinct_days":
                have = len({e.occurred_at.date() for e in matching})
                assert item["days"] <= have, (lead.email, item)
            else:
                assert 0 < item["count"] <= len(matching), (lead.email, item)
            assert (
                item["count"] >= criterion.threshold or item.get("days", 0) >= criterion.threshold
            )


def test_each_sdr_has_claimed_and_touched_leads():
    for username in SDR_USERNAMES:
        owned = Lead.objects.filter(owner__username=username)
        assert owned.filter(claimed_at__isnull=False).count() >= 2
        assert owned.filter(first_touched_at__isnull=False).count() >= 2


def test_feedback_covers_every_outcome_with_valid_reasons():
    outcomes = set(Feedback.objects.values_list("outcome", flat=True))
    assert outcomes == {"accepted", "rejected", "no_response", "converted", "won", "lost"}
    for entry in Feedback.objects.filter(outcome="rejected"):
        assert entry.reason in REJECTION_REASONS
    for entry in Feedback.objects.filter(outcome="lost"):
        assert entry.reason in LOSS_REASONS
    assert Feedback.objects.exclude(author__username__startswith="sdr").count() == 0


def test_stage_history_explains_every_stage():
    assert {"active_user", "sql", "opportunity", "customer", "recycled", "disqualified"} <= set(
        Lead.objects.values_list("stage", flat=True)
    )
    for lead in Lead.objects.exclude(stage="new").prefetch_related("transitions"):
        moves = sorted(lead.transitions.all(), key=lambda t: t.occurred_at)
        assert moves, lead.email
        assert moves[-1].to_stage == lead.stage, lead.email
        assert moves[0].from_stage == "new"
        for before, after in pairwise(moves):
            assert before.to_stage == after.from_stage
    exits = StageTransition.objects.filter(to_stage__in=["recycled", "disqualified"])
    assert exits.exists()
    assert not exits.filter(reason="").exists()
    assert StageTransition.objects.filter(cause="feedback", actor__isnull=False).exists()
