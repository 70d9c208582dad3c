"""After scoring: the stored leads take the story's times instead of the load's moment.

The scoring engine records what it sees when it runs: a lead it finds qualified gets
``qualified_at = now`` and its stage transitions happen "now". Loading the demo scores
every lead at once, so without this pass every lead would qualify at the same second and
no clock could ever be overdue. Here, for the leads this load added:

1. leads only the engine found qualified (no journey fact says when) qualified when a
   replay of the engine says (``replay``), and the desk works them like the others;
2. the engine's transitions move to the story's moments (qualification at ``qualified_at``,
   a disqualification minutes after the lead first appeared), in order;
3. every lead's SLA clock is computed from the demo's policies and Berlin calendar: running
   clocks through ``sla_clocks_refresh``, and for touched leads the clock they were touched
   against and its figures (``touch_figures``), as the first touch would have stored them;
4. should the day's timing leave fewer than a few clocks in warning or overdue, the
   untouched leads closest to that state are moved to it, so the demo always shows both.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q

from qualification.core.sla import latest_start_due_by
from qualification.core.vocabulary import SDR_QUEUES, SDR_WORKABLE_STAGES
from qualification.devdata.demo.history import outside_icp, sales_desk
from qualification.devdata.demo.people import SDR_USERNAMES
from qualification.devdata.demo.records import SalesRecords, sales_records_write
from qualification.devdata.demo.replay import qualified_since
from qualification.devdata.demo.seeds import LeadSeed, TransitionSeed
from qualification.models import Criterion, Lead, StageTransition
from qualification.models.accounts import CLOCK_RUNNING
from qualification.models.choices import TransitionCause
from qualification.selectors.sla import PolicyMap, sla_policies_read
from qualification.services.sla_clocks import lead_clock, sla_clocks_refresh, touch_figures

QUALIFIED_STAGES = ("mql", "pql")
# At least this many untouched clocks in each state right after loading: a few, as on a
# busy desk, not a crisis.
WANTED_WARNINGS = 3
WANTED_BREACHES = 4
_ROW = ("id", "qualification", "queue", "tier", "stage", "last_signal_at", "created_at")


@dataclass
class StoryReport:
    """What the pass did, for the command's summary and the tests."""

    worked_after_scoring: int = 0
    transitions_retimed: int = 0
    warnings_now: int = 0
    breaches_now: int = 0


def _engine_transitions(ids: Sequence[int], since: datetime) -> dict[int, list[StageTransition]]:
    """The transitions scoring made during this load, per lead, in the order it made them."""
    found: dict[int, list[StageTransition]] = {}
    rows = StageTransition.objects.filter(
        lead_id__in=ids, occurred_at__gte=since, cause=TransitionCause.CRITERION, actor=None
    ).order_by("lead_id", "occurred_at", "pk")
    for row in rows:
        found.setdefault(row.lead_id, []).append(row)
    return found


def _retime(
    seed: LeadSeed, row: dict, made: list[StageTransition], now: datetime, rng: random.Random
) -> None:
    """Give the engine's transitions story times after the seed's own, and mirror them on
    the seed so the desk continues from the stage they reached."""
    latest = now - timedelta(minutes=1)
    previous = seed.transitions[-1].occurred_at if seed.transitions else row["created_at"]
    qualified = any(t.to_stage in QUALIFIED_STAGES for t in seed.transitions)
    for transition in made:
        if transition.to_stage in QUALIFIED_STAGES and not qualified:
            at = seed.facts.get("qualified_at") or row["last_signal_at"] or previous
            qualified = True
        elif transition.to_stage in QUALIFIED_STAGES:
            at = max(row["last_signal_at"] or previous, previous)
        else:
            at = previous + timedelta(minutes=rng.uniform(1, 20))
        at = min(max(at, previous + timedelta(seconds=30)), latest)
        transition.occurred_at = previous = at
        seed.transitions.append(
            TransitionSeed(transition.from_stage, transition.to_stage, transition.cause, at)
        )
    seed.stage = seed.transitions[-1].to_stage if seed.transitions else seed.stage


def _touched_clock(lead: Lead, seed: LeadSeed, policies: PolicyMap) -> None:
    """The clock a touched lead ran on (its queue when qualified) and the touch's figures."""
    queue = lead.queue if lead.queue in SDR_QUEUES else seed.facts.get("qualification", "")
    clock = lead_clock(
        policies,
        queue=queue,
        tier=lead.tier,
        qualified_at=lead.qualified_at,
        claimed_at=lead.claimed_at,
    )
    if clock is None:
        return
    lead.sla_started_at, lead.sla_warn_at, lead.sla_due_at = (
        clock.started_at,
        clock.warn_at,
        clock.due_at,
    )
    as_queued = Lead(
        queue=queue, tier=lead.tier, sla_started_at=clock.started_at, sla_due_at=clock.due_at
    )
    figures = touch_figures(as_queued, lead.first_touched_at, policies)
    lead.sla_response_minutes, lead.sla_met = figures.business_minutes, figures.met


def _running(ids: Sequence[int], now: datetime) -> tuple[Q, Q]:
    base = CLOCK_RUNNING & Q(pk__in=ids, stage__in=SDR_WORKABLE_STAGES)
    return base & Q(sla_warn_at__lte=now, sla_due_at__gt=now), base & Q(sla_due_at__lte=now)


def _ensure_state(ids: Sequence[int], now: datetime, policies: PolicyMap, kind: str) -> bool:
    """Move the untouched queued lead nearest to it into warning (or breach) now.

    Only a lead in neither state is moved, and only its clock start (qualification time
    and transition) changes; returns False when no lead can be moved.
    """
    share = 0.88 if kind == "warning" else 1.6
    warning, breach = _running(ids, now)
    best: tuple[float, Lead, datetime] | None = None
    candidates = (
        Lead.objects.filter(pk__in=ids, first_touched_at=None, stage__in=SDR_WORKABLE_STAGES)
        .filter(queue__in=SDR_QUEUES)
        .exclude(qualified_at=None)
        .exclude(warning | breach)
    )
    for lead in candidates:
        spec = policies.get((lead.queue, lead.tier))
        if spec is None:
            continue
        start = latest_start_due_by(now, math.ceil(spec.response_minutes * share), spec)
        distance = abs((start - lead.qualified_at).total_seconds())
        if best is None or distance < best[0]:
            best = (distance, lead, start)
    if best is None:
        return False
    _distance, lead, start = best
    StageTransition.objects.filter(
        lead=lead, occurred_at=lead.qualified_at, to_stage__in=QUALIFIED_STAGES
    ).update(occurred_at=start)
    Lead.objects.filter(pk=lead.pk).update(qualified_at=start)
    sla_clocks_refresh(lead_ids=[lead.pk], policies=policies)
    return True


def _story_time(seed: LeadSeed, row: dict) -> datetime | None:
    """When the lead qualified in the story: its first qualification transition."""
    for transition in seed.transitions:
        if transition.to_stage in QUALIFIED_STAGES:
            return transition.occurred_at
    return row["last_signal_at"]  # e.g. a self-serve buyer, routed to customer success


def story_settle(
    *,
    seeds: Sequence[LeadSeed],
    leads: dict[int, Lead],
    users: dict[str, User],
    criteria: dict[str, Criterion],
    now: datetime,
    since: datetime,
) -> StoryReport:
    """Settle the leads this load added (``leads``: seed key -> saved lead); see the module."""
    report = StoryReport()
    by_id = {leads[s.key].pk: s for s in seeds if s.key in leads}
    ids = list(by_id)
    rows = {row["id"]: row for row in Lead.objects.filter(pk__in=ids).values(*_ROW)}
    made = _engine_transitions(ids, since)
    rng = random.Random(f"{now.date()}:story")
    sales = sales_desk(now, SDR_USERNAMES, random.Random("story-desk"))
    records: list[SalesRecords] = []
    unknown = {
        lead_id
        for lead_id, seed in by_id.items()
        if rows[lead_id]["qualification"] != "none"
        and "qualified_at" not in seed.facts
        and "purchased_at" not in seed.facts
    }
    for lead_id, moment in qualified_since(sorted(unknown), now).items():
        seed = by_id[lead_id]
        seed.facts.update(qualified_at=moment, qualification=rows[lead_id]["qualification"])
    for lead_id, seed in by_id.items():
        row = rows[lead_id]
        _retime(seed, row, made.get(lead_id, []), now, rng)
        report.transitions_retimed += len(made.get(lead_id, []))
        fresh_work = (
            lead_id in unknown
            and row["queue"] in SDR_QUEUES
            and row["stage"] in SDR_WORKABLE_STAGES
            and not seed.owner
        )
        if fresh_work:
            seed.facts["qualified_at"] = _story_time(seed, row)
            written = len(seed.transitions)
            sales.work(seed, outside_icp=outside_icp(seed))
            records.append(
                SalesRecords(leads[seed.key], seed, seed.transitions[written:], seed.feedback)
            )
            report.worked_after_scoring += 1
    StageTransition.objects.bulk_update(
        [t for group in made.values() for t in group], ["occurred_at"], batch_size=500
    )
    sales_records_write(records, users, criteria)
    _save_leads(by_id, rows, users, sla_policies_read())
    policies = sla_policies_read()
    for kind, wanted in (("warning", WANTED_WARNINGS), ("breach", WANTED_BREACHES)):
        for _ in range(wanted):
            warning, breach = _running(ids, now)
            have = Lead.objects.filter(warning if kind == "warning" else breach).count()
            if have >= wanted or not _ensure_state(ids, now, policies, kind):
                break
    warning, breach = _running(ids, now)
    report.warnings_now = Lead.objects.filter(warning).count()
    report.breaches_now = Lead.objects.filter(breach).count()
    return report


def _save_leads(
    by_id: dict[int, LeadSeed], rows: dict[int, dict], users: dict[str, User], policies: PolicyMap
) -> None:
    """Stage, owner, claim, touch and qualification time as the story has them; clocks."""
    changed: list[Lead] = []
    for lead in Lead.objects.filter(pk__in=list(by_id)):
        seed = by_id[lead.pk]
        row = rows[lead.pk]
        lead.stage = seed.stage
        lead.owner = users.get(seed.owner)
        lead.claimed_at, lead.first_touched_at = seed.claimed_at, seed.first_touched_at
        lead.first_touched_by = lead.owner if seed.first_touched_at else None
        if lead.stage not in SDR_WORKABLE_STAGES and lead.queue in SDR_QUEUES:
            lead.queue = "none"  # sales took it (or it left the funnel) after scoring
        qualified = row["qualification"] != "none" or seed.first_touched_at is not None
        lead.qualified_at = _story_time(seed, row) if qualified else None
        if lead.first_touched_at is not None:
            _touched_clock(lead, seed, policies)
        changed.append(lead)
    Lead.objects.bulk_update(
        changed,
        ["stage", "queue", "owner", "claimed_at", "first_touched_at", "first_touched_by",
         "qualified_at", "sla_started_at", "sla_warn_at", "sla_due_at", "sla_response_minutes",
         "sla_met"],
        batch_size=500,
    )  # fmt: skip
    sla_clocks_refresh(lead_ids=[lead.pk for lead in changed if lead.first_touched_at is None])
