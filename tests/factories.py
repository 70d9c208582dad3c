"""The one place for database-backed test builders: every row is valid by the model's rules.

factory_boy factories for the models with many fields (accounts, leads), small functions
for the rest; each takes overrides for any field. Criteria are validated as the admin
would (``full_clean``) and put their event in the tracking plan first. Pure scoring specs
(``CriterionSpec``) are built without a database in ``tests/core/scoring/builders.py``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import factory
from django.contrib.auth.models import Group, Permission, User

from qualification.admin.forms import AccountAdminForm
from qualification.models import (
    Account,
    AnonymousId,
    BusinessCalendar,
    CriteriaVersion,
    Criterion,
    Event,
    EventType,
    Feedback,
    GlossaryTerm,
    Holiday,
    IngestKey,
    Lead,
    LeadActivity,
    MessageTemplate,
    QualificationPolicy,
    SDRTeam,
    SLAPolicy,
    StageTransition,
    UserProfile,
)
from qualification.roles import ROLE_TEAM, STAFF_ROLES, Role, sync_role_groups
from qualification.services.ingest_keys import ingest_key_create
from qualification.services.versions import draft_create, published_version_ensure

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


# -- accounts and leads ----------------------------------------------------------------------


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Company {n}")
    domain = factory.Sequence(lambda n: f"company{n}.test")
    industry = "software"
    employee_count = 120
    country = "DE"
    business_model = "b2b"
    plan = "trial"


def account_typed_in_admin(domain: str, name: str = "Typed in the admin") -> Account:
    """An account as ops create it in the admin: through its form, which cleans the domain."""
    form = AccountAdminForm(
        data={"name": name, "domain": domain, "business_model": "b2b", "plan": "none"}
    )
    assert form.is_valid(), form.errors
    return form.save()


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    account = factory.SubFactory(AccountFactory)
    email = factory.Sequence(lambda n: f"person{n}@company.test")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    title = "Head of Operations"


# -- events and the tracking plan ------------------------------------------------------------


def known_event(name: str, source: str = "product") -> EventType:
    """Put an event name in the tracking plan (criteria may only count known events)."""
    return EventType.objects.get_or_create(name=name, defaults={"source": source})[0]


def event(**fields: Any) -> Event:
    n = _n()
    defaults = {
        "name": "Pricing Page Viewed",
        "source": "marketing",
        "occurred_at": T0 - timedelta(minutes=n),
        "message_id": f"msg-{n}",
    }
    return Event.objects.create(**{**defaults, **fields})


def events(
    lead: Lead, name: str, times: list[datetime], source: str = "marketing", **props: Any
) -> None:
    """Events of one name for a lead (and its account) at the given times, in one insert."""
    Event.objects.bulk_create(
        [
            Event(
                lead=lead,
                account=lead.account,
                name=name,
                source=source,
                properties=dict(props),
                occurred_at=when,
                message_id=f"m-{_n()}",
            )
            for when in times
        ]
    )


def days_ago(now: datetime, *days: float) -> list[datetime]:
    return [now - timedelta(days=d) for d in days]


# -- definitions: criteria, the policy, glossary terms, SLAs, templates ------------------------


# What an event criterion adds; an attribute criterion keeps the model's defaults instead.
_EVENT_SIGNAL: dict[str, Any] = {
    "event_name": "Pricing Page Viewed",
    "property_filter": {},
    "measure": "count",
    "threshold": 1,
    "window_days": None,
}


def criterion_fields(**overrides: Any) -> dict[str, Any]:
    """A valid criterion's fields, as the model takes them: by default an event criterion
    that fires on one event, ever; with ``signal_type="attribute"``, give the attribute."""
    n = _n()
    fields: dict[str, Any] = {
        "key": f"c-{n}",
        "name": f"Criterion {n}",
        "kind": "intent",
        "applies_to": "both",
        "signal_type": "event",
        "points": 10,
        "points_mode": "once",
        "reason_template": "Did it {times} {window}",
        "owner_team": "marketing",
    }
    if overrides.get("signal_type", "event") == "event":
        fields.update(_EVENT_SIGNAL)
    fields.update(overrides)
    return fields


def published() -> CriteriaVersion:
    """The published criteria version (an empty version 1 when the database has none)."""
    return published_version_ensure()


def criterion(*, version: CriteriaVersion | None = None, **fields: Any) -> Criterion:
    """A criterion validated like the admin would, its event known to the plan.

    Without ``version`` it joins the published version, as if it had been published: a
    fixture for tests of what scoring does with it (published rows refuse ``save``, so it
    is inserted directly). With a draft it is saved like any edit of that draft.
    """
    made = criterion_fields(**fields)
    if made["signal_type"] == "event" and made["event_name"]:
        known_event(made["event_name"])
    obj = Criterion(version=version or published(), **made)
    obj.full_clean()
    if obj.version.is_draft:
        obj.save()
        return obj
    Criterion.objects.bulk_create([obj])
    return Criterion.objects.get(version=obj.version, key=obj.key)


def policy(*, version: CriteriaVersion | None = None, **fields: Any) -> QualificationPolicy:
    """Set fields of a version's policy (the published one's by default); events made known."""
    for key in ("hand_raiser_events", "limit_events", "purchase_events"):
        for name in fields.get(key, []):
            known_event(name)
    version = version or published()
    current = QualificationPolicy.objects.filter(version=version)
    if not current.exists():
        QualificationPolicy.objects.bulk_create([QualificationPolicy(version=version)])
    current.update(**fields)  # a fixture write: published policies refuse save()
    return current.get()


def draft(*, author: Any = None, title: str = "A draft", **kwargs: Any) -> CriteriaVersion:
    """A draft copied from the published version, by ``author`` (a new ops user by default)."""
    if author is None:
        author = user(Role.OPS, username=f"drafter-{_n()}")
    return draft_create(user=author, title=title, **kwargs)


def term(**fields: Any) -> GlossaryTerm:
    n = _n()
    defaults = {
        "term": f"Term {n}",
        "slug": f"term-{n}",
        "definition": "What we mean by it.",
        "owner_team": "marketing",
    }
    return GlossaryTerm.objects.create(**{**defaults, **fields})


CALENDAR_FIELDS = ("timezone", "day_start", "day_end", "workdays")


def calendar(*, holidays: Any = (), **fields: Any) -> BusinessCalendar:
    """A business calendar (Mon-Fri 09:00-17:00 UTC by default) with ``holidays`` (dates)."""
    defaults = {"name": f"Calendar {_n()}", "workdays": ["mon", "tue", "wed", "thu", "fri"]}
    made = BusinessCalendar.objects.create(**{**defaults, **fields})
    for day in holidays:
        Holiday.objects.create(calendar=made, day=day, name=f"Holiday {day}")
    return made


def sla(**fields: Any) -> SLAPolicy:
    """An SLA policy; calendar fields (``timezone``, ``day_start``...) make its calendar."""
    calendar_fields = {key: fields.pop(key) for key in CALENDAR_FIELDS if key in fields}
    if "calendar" not in fields:
        fields["calendar"] = calendar(**calendar_fields)
    defaults = {"queue": "pql", "tier": 4, "response_minutes": 60, "warning_percent": 75}
    return SLAPolicy.objects.create(**{**defaults, **fields})


def team(*, members: Any = (), **fields: Any) -> SDRTeam:
    made = SDRTeam.objects.create(**{"name": f"Team {_n()}", **fields})
    made.members.set(members)
    return made


def template(**fields: Any) -> MessageTemplate:
    n = _n()
    defaults = {
        "name": f"Template {n}",
        "trigger": "usage_limit",
        "subject": "About {product}",
        "body": "Hi {first_name}, saw you reached the {limit} limit.",
    }
    return MessageTemplate.objects.create(**{**defaults, **fields})


def ingest_key(**fields: Any) -> IngestKey:
    key, _raw = ingest_key_create(
        name=fields.get("name", f"Website {_n()}"), source=fields.get("source", "marketing")
    )
    return key


# -- lead records: transitions, feedback -----------------------------------------------------


def transition(**fields: Any) -> StageTransition:
    defaults = {"from_stage": "new", "to_stage": "mql", "cause": "criterion", "occurred_at": T0}
    return StageTransition.objects.create(**{**defaults, **fields})


def feedback(**fields: Any) -> Feedback:
    defaults = {"outcome": "rejected", "reason": "no_budget", "note": "Budget frozen."}
    return Feedback.objects.create(**{**defaults, **fields})


# -- people ----------------------------------------------------------------------------------


def user(
    role: Role | None = None, *, username: str | None = None, team: str | None = None, **fields
) -> User:
    """A user who can sign in with ``PASSWORD``, set up as ops would set up one of ``role``.

    A role puts the user in its group (staff for the admin roles) with the role's team on
    the profile; ``team`` gives a profile without a role. Neither: no profile at all.
    """
    fields.setdefault("is_staff", role in STAFF_ROLES)
    made = User.objects.create_user(
        username=username or (role.value.lower() if role else f"user{_n()}"),
        email=fields.pop("email", ""),
        password=PASSWORD,
        **fields,
    )
    if role is not None:
        if not Group.objects.filter(name=role.value).exists():
            # A transactional test before this one flushed the migration's groups.
            sync_role_groups(Group, Permission)
        made.groups.add(Group.objects.get(name=role.value))
    if role is not None or team is not None:
        UserProfile.objects.create(user=made, team=team or ROLE_TEAM.get(role) or "")
    return made


# -- a bit of everything ---------------------------------------------------------------------


def populate(rows: int) -> dict[str, list[Any]]:
    """``rows`` rows of every model, each with its foreign keys filled (to expose N+1 queries)."""
    made: dict[str, list[Any]] = {name: [] for name in ("account", "lead", "term", "criterion")}
    for _ in range(rows):
        owner = user(team="sales")
        acc = AccountFactory()
        person = LeadFactory(account=acc, owner=owner)
        gloss = term()
        crit = criterion(glossary_term=gloss)
        AnonymousId.objects.create(anonymous_id=f"anon-{_n()}", lead=person)
        event(lead=person, account=acc)
        transition(lead=person, criterion=crit, actor=owner)
        feedback(lead=person, author=owner)
        LeadActivity.objects.create(lead=person, kind="claimed", actor=owner, occurred_at=T0)
        draft(title=f"Draft {_n()}")  # a version and its policy
        template()
        ingest_key()
        known_event(f"Feature Used {_n()}", "product")
        made["account"].append(acc)
        made["lead"].append(person)
        made["term"].append(gloss)
        made["criterion"].append(crit)
    # One SLA policy per queue and tier: add those still missing, up to ``rows``.
    taken = set(SLAPolicy.objects.values_list("queue", "tier"))
    free = [(q, t) for q in ("mql", "pql") for t in (4, 3, 2, 1) if (q, t) not in taken]
    for queue, tier in free[:rows]:
        sla(queue=queue, tier=tier)
    return made
