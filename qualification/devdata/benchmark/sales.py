"""The sales side of the benchmark data set: what SDRs did with its leads, 90 days of it.

So the manager dashboard is timed over realistic work, not empty tables: about three in
five leads qualified (MQL or PQL, tiers spread) at times over 90 days and mostly in Berlin
business hours; ten reps in two teams (one of them slow) claim and touch them; sales
accepts fast-answered leads more often; some become opportunities, won or lost; others are
rejected with a reason or recycled after no response. Each lead gets its stage history,
claim and first-touch activities, feedback, and the SLA clock and first-touch figures the
services would have stored (computed with the pure SLA core on the benchmark's policies).

The rescore the benchmark times rewrites queue, stage and qualification from the events,
so this layer is (re)applied after it on every run: its rows are replaced with set-based
deletes and COPY, its lead columns with one UPDATE from a COPY-loaded temporary table.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.utils import timezone

from qualification.core.sla import band_for, business_minutes_between, clock_times
from qualification.devdata.benchmark.dataset import DOMAIN_SUFFIX, _write
from qualification.models import (
    BusinessCalendar,
    Feedback,
    Lead,
    LeadActivity,
    SDRTeam,
    SLAPolicy,
    StageTransition,
    UserProfile,
)
from qualification.roles import Role, sync_role_groups
from qualification.selectors.sla import PolicyMap, sla_policies_read
from qualification.services.sla_clocks import sla_clocks_mark_refreshed

SEED = 20261202
BERLIN = ZoneInfo("Europe/Berlin")
REPS = 10
SLOW_REP = 7  # bench-rep-7 answers hours later than the others
TEAMS = ("Bench team North", "Bench team South")
CALENDAR = "Bench Berlin"
# (queue, tier) -> business minutes; the demo's allowances.
POLICIES = {("pql", 4): 60, ("pql", 3): 240, ("pql", 2): 480, ("pql", 1): 960,
            ("mql", 4): 120, ("mql", 3): 480, ("mql", 2): 960, ("mql", 1): 2400}  # fmt: skip
SQL_CHANCE = {"0-5": 0.5, "5-15": 0.42, "15-60": 0.32, "60+": 0.2}
REJECTIONS = ("not_icp", "no_budget", "no_authority", "no_need", "bad_timing", "student")
DISQUALIFYING = {"not_icp", "student"}
LOSSES = ("price", "lost_to_competitor", "missing_feature", "went_dark")
LEAD_COLUMNS = (
    "qualification", "pql_kind", "queue", "tier", "stage", "qualified_at", "owner_id",
    "claimed_at", "first_touched_at", "first_touched_by_id", "sla_started_at", "sla_warn_at",
    "sla_due_at", "sla_response_minutes", "sla_met",
)  # fmt: skip


@dataclass(frozen=True)
class Staff:
    reps: list[int]  # user ids, rep 0..9
    managers: list[int]


@dataclass
class Story:
    """One lead's columns and the rows its history adds."""

    columns: dict = field(default_factory=dict)
    transitions: list[tuple] = field(default_factory=list)
    feedback: list[tuple] = field(default_factory=list)
    activities: list[tuple] = field(default_factory=list)


def _user(username: str, role: Role) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        UserProfile.objects.get_or_create(user=user, defaults={"timezone": "Europe/Berlin"})
    user.groups.add(Group.objects.get(name=role.value))
    return user


def staff_ensure() -> Staff:
    """Ten SDRs and two managers in two teams (created once, reused by later runs)."""
    if not Group.objects.filter(name=Role.SDR.value).exists():
        sync_role_groups(Group, Permission)
    reps = [_user(f"bench-rep-{n}", Role.SDR) for n in range(REPS)]
    managers = [_user(f"bench-manager-{n}", Role.MANAGER) for n in range(len(TEAMS))]
    for index, name in enumerate(TEAMS):
        team, _ = SDRTeam.objects.get_or_create(name=name, defaults={"manager": managers[index]})
        team.members.set(reps[index::2])
    return Staff([u.pk for u in reps], [u.pk for u in managers])


def policies_ensure() -> PolicyMap:
    """The SLA policies (on a Berlin calendar) when the database has none; read them all."""
    if not SLAPolicy.objects.exists():
        calendar, _ = BusinessCalendar.objects.get_or_create(
            name=CALENDAR, defaults={"timezone": "Europe/Berlin"}
        )
        SLAPolicy.objects.bulk_create(
            SLAPolicy(queue=q, tier=t, calendar=calendar, response_minutes=m)
            for (q, t), m in POLICIES.items()
        )
    return sla_policies_read()


class _Desk:
    """Times for one lead's sales work (pure arithmetic on the seeded dice)."""

    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now, self.rng = now, rng

    def qualified_at(self) -> datetime:
        day = (self.now - timedelta(days=self.rng.uniform(0, 90))).astimezone(BERLIN).date()
        # Mostly Berlin business hours, else any hour (evenings, nights).
        business = self.rng.random() < 0.78
        hours = self.rng.uniform(9, 17) if business else self.rng.uniform(0, 24)
        moment = datetime.combine(day, time(0), tzinfo=BERLIN) + timedelta(hours=hours)
        return min(moment, self.now - timedelta(minutes=1))

    def working(self, moment: datetime) -> datetime:
        local = moment.astimezone(BERLIN)
        if local.weekday() < 5 and time(8, 30) <= local.time() <= time(18, 0):
            return moment
        day = local.date() + timedelta(days=0 if local.time() < time(8, 30) else 1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return datetime.combine(day, time(8, 45), tzinfo=BERLIN) + timedelta(
            minutes=self.rng.uniform(0, 60)
        )

    def after(self, moment: datetime, days: tuple[float, float]) -> datetime | None:
        at = self.working(moment + timedelta(days=self.rng.uniform(*days)))
        return at if at < self.now else None


def _story(lead_id: int, rng: random.Random, desk: _Desk, staff: Staff, policies: PolicyMap) -> Story:  # fmt: skip
    story = Story()
    cols = story.columns
    cols.update(dict.fromkeys(LEAD_COLUMNS))
    cols.update(qualification="none", pql_kind="", queue="none", tier=1, stage="new")
    roll = rng.random()
    if roll >= 0.6:
        if roll >= 0.9:  # disqualified on sight by a criterion
            at = desk.qualified_at()
            cols["stage"] = "disqualified"
            story.transitions.append((lead_id, "new", "disqualified", "criterion", None, "Outside the ICP", at))  # fmt: skip
        return story
    queue = "mql" if rng.random() < 0.6 else "pql"
    tier = rng.choices((1, 2, 3, 4), weights=(20, 35, 30, 15))[0]
    qualified = desk.qualified_at()
    spec = policies[(queue, tier)]
    clock = clock_times(qualified, spec)
    cols.update(qualification=queue, pql_kind="usage" if queue == "pql" else "", queue=queue,
                tier=tier, stage=queue, qualified_at=qualified, sla_started_at=clock.started_at,
                sla_warn_at=clock.warn_at, sla_due_at=clock.due_at)  # fmt: skip
    story.transitions.append((lead_id, "new", queue, "criterion", None, f"Qualified as {queue.upper()}", qualified))  # fmt: skip
    rep = rng.randrange(REPS)
    if desk.now - qualified < timedelta(days=2) and rng.random() < 0.4:
        return story  # still waiting in the pool: a running clock
    slow = rep == SLOW_REP
    wait = rng.expovariate(1 / (200 if slow else 18))
    claimed = desk.working(qualified + timedelta(minutes=wait * 0.6))
    touched = desk.working(claimed + timedelta(minutes=wait * 0.4))
    if touched >= desk.now:
        return story
    owner = staff.reps[rep]
    minutes = business_minutes_between(clock.started_at, touched, spec)
    cols.update(owner_id=owner, claimed_at=claimed, first_touched_at=touched,
                first_touched_by_id=owner, sla_response_minutes=minutes,
                sla_met=touched < clock.due_at)  # fmt: skip
    story.activities += [(lead_id, "claimed", owner, "", claimed),
                         (lead_id, "first_touch", owner, "", touched)]  # fmt: skip
    _outcome(story, lead_id, rng, desk, owner, queue, (qualified, touched))
    return story


def _outcome(story: Story, lead_id: int, rng: random.Random, desk: _Desk, owner: int,
             stage: str, times: tuple[datetime, datetime]) -> None:  # fmt: skip
    """Feedback and the stage moves it causes, as far as ``now`` allows."""
    qualified, touched = times
    waited = (touched - qualified).total_seconds() / 60

    def move(to_stage: str, at: datetime, outcome: str, reason: str = "") -> None:
        nonlocal stage
        story.feedback.append((lead_id, outcome, reason, "", owner, at))
        if to_stage and to_stage != stage:
            story.transitions.append((lead_id, stage, to_stage, "feedback", owner, outcome, at))
            stage = to_stage

    if rng.random() < SQL_CHANCE[band_for(waited).key]:
        at = desk.after(touched, (0.3, 3))
        if at:
            move("sql", at, "accepted")
            at = desk.after(at, (2, 5)) if rng.random() < 0.5 else None
            if at:
                move("opportunity", at, "converted")
                end = desk.after(at, (6, 16))
                if end and rng.random() < 0.5:
                    move("customer", end, "won")
                elif end:
                    move("recycled", end, "lost", rng.choice(LOSSES))
    elif rng.random() < 0.55:
        at = desk.after(touched, (0.2, 2))
        if at:
            reason = rng.choice(REJECTIONS)
            move("disqualified" if reason in DISQUALIFYING else "recycled", at, "rejected", reason)
    else:
        at = desk.after(touched, (2, 4))
        if at:
            move("", at, "no_response")
            later = desk.after(at, (3, 5))
            if later and rng.random() < 0.5:
                move("recycled", later, "no_response")
    story.columns["stage"] = stage
    if stage not in ("mql", "pql", "active_user"):
        story.columns["queue"] = "none"


def stories(lead_ids: list[int], now: datetime, staff: Staff, policies: PolicyMap) -> Iterator[tuple[int, Story]]:  # fmt: skip
    rng = random.Random(SEED)
    desk = _Desk(now, rng)
    for lead_id in lead_ids:
        yield lead_id, _story(lead_id, rng, desk, staff, policies)


def _bench_leads():
    return Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX)


def update_lead_columns(rows: list[tuple], columns: tuple[str, ...]) -> None:
    """Set ``columns`` of many leads at once: (id, *values) rows."""
    table = Lead._meta.db_table
    if connection.vendor == "postgresql":
        cols = ", ".join(columns)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_lead_story")
            cursor.execute(
                f"CREATE TEMP TABLE bench_lead_story AS SELECT id, {cols} FROM {table} WITH NO DATA"
            )
        _write("bench_lead_story", ["id", *columns], iter(rows))
        assignments = ", ".join(f"{c} = s.{c}" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS l SET {assignments} FROM bench_lead_story s WHERE l.id = s.id"
            )
            cursor.execute("DROP TABLE bench_lead_story")
        return
    assignments = ", ".join(f"{c} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s", [(*r[1:], r[0]) for r in rows]
        )


def sales_layer_apply(now: datetime | None = None) -> dict[str, int]:
    """(Re)write every benchmark lead's sales history, owner and SLA figures; counts."""
    now = now or timezone.now()
    staff = staff_ensure()
    policies = policies_ensure()
    lead_ids = list(_bench_leads().order_by("pk").values_list("pk", flat=True))
    bench = _bench_leads().values("pk")
    counts = {"transitions": 0, "feedback": 0, "activities": 0}
    with transaction.atomic():
        for model in (StageTransition, Feedback, LeadActivity):
            model.objects.filter(lead_id__in=bench)._raw_delete(model.objects.db)
        rows, transitions, feedback, activities = [], [], [], []
        for lead_id, story in stories(lead_ids, now, staff, policies):
            rows.append((lead_id, *(story.columns[c] for c in LEAD_COLUMNS)))
            transitions += story.transitions
            feedback += story.feedback
            activities += story.activities
        update_lead_columns(rows, LEAD_COLUMNS)
        _write(StageTransition._meta.db_table,
               ["lead_id", "from_stage", "to_stage", "cause", "actor_id", "reason", "occurred_at"],
               iter(transitions))  # fmt: skip
        _write(Feedback._meta.db_table,
               ["lead_id", "outcome", "reason", "note", "author_id", "created_at"],
               iter(feedback))  # fmt: skip
        _write(LeadActivity._meta.db_table, ["lead_id", "kind", "actor_id", "note", "occurred_at"],
               iter(activities))  # fmt: skip
        sla_clocks_mark_refreshed(started=now)
    counts.update(transitions=len(transitions), feedback=len(feedback), activities=len(activities))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (Lead, StageTransition, Feedback, LeadActivity):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return counts
