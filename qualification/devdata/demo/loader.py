"""Writes the demo into the database: all or nothing, never twice, fast on SQLite.

Idempotence is by natural key: glossary slug, (queue, tier), template name, username,
account domain, lead email (or product user id), event (source, message id). The catalog
is only ever *added to*: a term ops edited keeps their edit on a rerun. Criteria arrive as
versions (``versions``), and only in a database whose published version is still empty:
after that they change through drafts like everyone else's. A lead's journey (events, claims, stage history, feedback) is written only
together with the lead itself, so a rerun on another day cannot graft a second journey
onto a lead that already has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from qualification.db.maintenance import tables_analyze
from qualification.devdata.demo.catalog import (
    CALENDAR,
    MESSAGE_TEMPLATES,
    demo_holidays,
    sla_policies,
)
from qualification.devdata.demo.generator import generate
from qualification.devdata.demo.glossary import TERMS
from qualification.devdata.demo.people import DEMO_TEAMS, DEMO_USERS, DemoUser
from qualification.devdata.demo.records import SalesRecords, sales_records_write
from qualification.devdata.demo.seeds import DemoData, LeadSeed
from qualification.devdata.demo.story import StoryReport, story_settle
from qualification.devdata.demo.versions import (
    demo_versions_needed,
    draft_with_preview,
    publish_versions,
)
from qualification.devdata.demo.vocabulary import MARKETING_EVENTS, PRODUCT_EVENTS, source_of
from qualification.models import (
    Account,
    BusinessCalendar,
    Criterion,
    Event,
    EventType,
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
from qualification.models.choices import SignalSource, Team
from qualification.roles import ROLE_TEAM, STAFF_ROLES, Role, sync_role_groups
from qualification.services.rescoring import lead_rescore

SLA_ZONE = ZoneInfo(CALENDAR["timezone"])
EVENT_BATCH = 2000
ROW_BATCH = 500
CHANGE_REASON = "Loaded by the demo command"
ANONYMOUS_PREFIX = "demo-anon-"
# Counted before and after the load, so the summary reports what this run added.
COUNTED: dict[str, type[models.Model]] = {
    "glossary terms": GlossaryTerm,
    "criteria": Criterion,
    "qualification policies": QualificationPolicy,
    "business calendars": BusinessCalendar,
    "holidays": Holiday,
    "SLA policies": SLAPolicy,
    "SDR teams": SDRTeam,
    "message templates": MessageTemplate,
    "accounts": Account,
    "leads": Lead,
    "events": Event,
    "stage transitions": StageTransition,
    "feedback": Feedback,
}
# SDRs and managers edit no terms (ROLE_TEAM has no entry) but still belong to a team.
PROFILE_TEAM = {Role.SDR: Team.SALES, Role.MANAGER: Team.SALES, Role.OPS: Team.OPS}


@dataclass
class LoadResult:
    """What the database holds after the load, and what this run added."""

    totals: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    users: tuple[DemoUser, ...] = DEMO_USERS
    story: StoryReport = field(default_factory=StoryReport)


def _counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in COUNTED.items()}


def _save_new(obj: models.Model) -> None:
    """Validate like the admin would, then save with a history entry that says who did it."""
    obj.full_clean()
    obj._change_reason = CHANGE_REASON  # read by django-simple-history
    obj.save()


def _load_glossary() -> dict[str, GlossaryTerm]:
    existing = GlossaryTerm.objects.filter(
        Q(slug__in=[t["slug"] for t in TERMS]) | Q(term__in=[t["term"] for t in TERMS])
    )
    taken = {value for term in existing for value in (term.slug, term.term)}
    for spec in TERMS:
        if spec["slug"] not in taken and spec["term"] not in taken:
            _save_new(GlossaryTerm(**spec))
    return {t.slug: t for t in GlossaryTerm.objects.filter(slug__in=[t["slug"] for t in TERMS])}


def _load_event_types() -> None:
    """The tracking plan the demo's events follow (criteria may only count known events)."""
    names = sorted(MARKETING_EVENTS | PRODUCT_EVENTS)
    EventType.objects.bulk_create(
        [EventType(name=name, source=source_of(name)) for name in names], ignore_conflicts=True
    )


def _published_criteria() -> dict[str, Criterion]:
    """The published criteria by key (stage history names the criterion that moved a lead)."""
    return {c.key: c for c in Criterion.objects.published()}


def _load_calendar(today: date) -> BusinessCalendar:
    """The SDR teams' business calendar, with its holidays the first time it is made.

    A calendar ops already have is left as it is (their holidays and hours win); the
    holidays are only added with the calendar, so a rerun on another day adds no second
    company day off.
    """
    calendar = BusinessCalendar.objects.filter(name=CALENDAR["name"]).first()
    if calendar is not None:
        return calendar
    calendar = BusinessCalendar(**CALENDAR)
    _save_new(calendar)
    holidays = [
        Holiday(calendar=calendar, day=day, name=name) for day, name in demo_holidays(today)
    ]
    Holiday.objects.bulk_create(holidays)
    return calendar


def _load_settings(today: date) -> None:
    """The calendar, SLA policies and templates: created when missing, never overwritten.

    The qualification policy comes with the criteria versions (``versions``).
    """
    calendar = _load_calendar(today)
    present = set(SLAPolicy.objects.values_list("queue", "tier"))
    for spec in sla_policies():
        if (spec["queue"], spec["tier"]) not in present:
            _save_new(SLAPolicy(calendar=calendar, **spec))
    names = set(MessageTemplate.objects.values_list("name", flat=True))
    for spec in MESSAGE_TEMPLATES:
        if spec["name"] not in names:
            _save_new(MessageTemplate(**spec))


def _load_teams(users: dict[str, User]) -> None:
    """The two SDR teams, each with its manager and members (missing ones only)."""
    present = set(SDRTeam.objects.values_list("name", flat=True))
    for spec in DEMO_TEAMS:
        if spec.name in present:
            continue
        team = SDRTeam(name=spec.name, manager=users[spec.manager], timezone=spec.timezone)
        _save_new(team)
        team.members.set([users[name] for name in spec.members])


def _load_users(password: str) -> dict[str, User]:
    """One user per role; a rerun resets the password so a forgotten one is fixed."""
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    if {u.role.value for u in DEMO_USERS} - set(groups):
        sync_role_groups(Group, Permission)  # someone deleted a role group: put it back
        groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    # One hash for the shared, published demo password: hashing is slow by design.
    hashed = make_password(password)
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": demo.email,
            },
        )
        user.password = hashed
        user.is_active = True
        user.is_staff = demo.role in STAFF_ROLES
        user.save(update_fields=["password", "is_active", "is_staff"])
        user.groups.add(groups[demo.role.value])
        UserProfile.objects.get_or_create(
            user=user,
            defaults={
                "timezone": demo.timezone,
                "team": ROLE_TEAM.get(demo.role) or PROFILE_TEAM.get(demo.role, ""),
            },
        )
        users[demo.username] = user
    return users


def _load_accounts(data: DemoData) -> dict[str, int]:
    domains = [a.domain for a in data.accounts]
    present = set(Account.objects.filter(domain__in=domains).values_list("domain", flat=True))
    Account.objects.bulk_create(
        [
            Account(
                name=a.name,
                domain=a.domain,
                industry=a.industry,
                employee_count=a.employee_count,
                country=a.country,
                business_model=a.business_model,
                plan=a.plan,
                traits=a.traits,
            )
            for a in data.accounts
            if a.domain not in present
        ],
        batch_size=ROW_BATCH,
    )
    return dict(Account.objects.filter(domain__in=domains).values_list("domain", "pk"))


def _new_leads(data: DemoData) -> list[LeadSeed]:
    """Leads not in the database yet, by email (case-insensitive) or product user id."""
    emails = set(
        Lead.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=[lead.email for lead in data.leads])
        .values_list("lower_email", flat=True)
    )
    user_ids = set(
        Lead.objects.filter(
            user_id__in=[lead.user_id for lead in data.leads if lead.user_id]
        ).values_list("user_id", flat=True)
    )
    return [
        lead
        for lead in data.leads
        if lead.email not in emails and not (lead.user_id and lead.user_id in user_ids)
    ]


def _load_leads(
    seeds: list[LeadSeed], accounts: dict[str, int], users: dict[str, User]
) -> dict[int, Lead]:
    rows = [
        Lead(
            account_id=accounts[seed.account.domain] if seed.account else None,
            email=seed.email,
            user_id=seed.user_id,
            first_name=seed.first_name,
            last_name=seed.last_name,
            title=seed.title,
            source=seed.source,
            external_ids=seed.external_ids,
            traits=seed.traits,
            stage=seed.stage,
            owner=users[seed.owner] if seed.owner else None,
            claimed_at=seed.claimed_at,
            first_touched_at=seed.first_touched_at,
            first_touched_by=users[seed.owner] if seed.first_touched_at else None,
            last_signal_at=seed.last_signal_at,
            needs_rescore=True,  # the scoring engine fills the score columns
        )
        for seed in seeds
    ]
    Lead.objects.bulk_create(rows, batch_size=ROW_BATCH)
    return {seed.key: row for seed, row in zip(seeds, rows, strict=True)}


def _event_rows(
    data: DemoData, leads: dict[int, Lead], accounts: dict[str, int]
) -> Iterable[Event]:
    for seed in data.leads:
        lead = leads.get(seed.key)
        if lead is None:
            continue
        for e in seed.events:
            yield Event(lead_id=lead.pk, account_id=accounts.get(e.account_domain or ""),
                        name=e.name, source=e.source, properties=e.properties,
                        occurred_at=e.occurred_at, message_id=e.message_id)  # fmt: skip
    present = set(
        Event.objects.filter(
            source=SignalSource.MARKETING, message_id__startswith=ANONYMOUS_PREFIX
        ).values_list("message_id", flat=True)
    )
    for e in data.anonymous_events:
        if e.message_id not in present:
            yield Event(anonymous_id=e.anonymous_id, name=e.name, source=e.source,
                        properties=e.properties, occurred_at=e.occurred_at,
                        message_id=e.message_id)  # fmt: skip


def _load_history(
    data: DemoData, leads: dict[int, Lead], users: dict[str, User], criteria: dict[str, Criterion]
) -> None:
    sales_records_write(
        (
            SalesRecords(lead, seed, seed.transitions, seed.feedback)
            for seed in data.leads
            if (lead := leads.get(seed.key)) is not None
        ),
        users,
        criteria,
    )


def _backdate(leads: dict[int, Lead], load_started: datetime) -> None:
    """Rows created now should look as old as their story: first seen at their first event."""
    ids = [lead.pk for lead in leads.values()]
    first_event = Event.objects.filter(lead=OuterRef("pk")).order_by("occurred_at")
    Lead.objects.filter(pk__in=ids).update(
        created_at=Coalesce(Subquery(first_event.values("occurred_at")[:1]), F("created_at"))
    )
    first_lead = Lead.objects.filter(account=OuterRef("pk")).order_by("created_at")
    Account.objects.filter(created_at__gte=load_started).update(
        created_at=Coalesce(Subquery(first_lead.values("created_at")[:1]), F("created_at"))
    )
    # As if each event had arrived through the tracking API two seconds after it happened.
    Event.objects.filter(received_at__gte=load_started, message_id__startswith="demo-").update(
        received_at=F("occurred_at") + timedelta(seconds=2)
    )


def load_demo(*, password: str, now: datetime | None = None) -> LoadResult:
    """Load the catalog, the users and the generated data set in one transaction."""
    now = now or timezone.now()
    before = _counts()
    with transaction.atomic():
        load_started = timezone.now()
        terms = _load_glossary()
        _load_event_types()
        _load_settings(timezone.localdate(now, SLA_ZONE))
        users = _load_users(password)
        _load_teams(users)
        data = generate(now)
        accounts = _load_accounts(data)
        leads = _load_leads(_new_leads(data), accounts, users)
        Event.objects.bulk_create(
            _event_rows(data, leads, accounts), batch_size=EVENT_BATCH, ignore_conflicts=True
        )
        tables_analyze(Account, Lead, Event)  # the publication below scores these leads
        fresh = demo_versions_needed()
        if fresh:  # publish and apply the demo's two versions over its leads
            publish_versions(terms=terms, users=users)
        criteria = _published_criteria()
        _load_history(data, leads, users, criteria)
        _backdate(leads, load_started)
        # The story reads the history and rescores the leads it settles.
        tables_analyze(Lead, Event, StageTransition, LeadActivity, Feedback)
        if not fresh and leads:  # a publication scored the leads of a fresh database
            lead_rescore(lead_ids=[lead.pk for lead in leads.values()], now=now)
        story = story_settle(
            seeds=data.leads, leads=leads, users=users, criteria=criteria, now=now,
            since=now,
        )  # fmt: skip
        if fresh:  # after the history: the backtest reads the feedback
            draft_with_preview(terms=terms, users=users)
    totals = _counts()
    added = {k: totals[k] - before[k] for k in totals}
    return LoadResult(totals=totals, added=added, story=story)
