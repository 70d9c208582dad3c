"""What already happened to the demo's leads: lifecycle moves, claims, touches and feedback.

Runs on the generated journeys (pure, seeded). Product facts move stages by themselves
(sign-up makes an active user, a self-serve purchase a customer); everything past
qualification is sales work: an SDR claims the lead, touches it, and logs feedback whose
reason fits the person (a student is rejected as "student", a lost deal says why).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.catalog import CALENDAR, demo_holidays
from qualification.devdata.demo.criteria import CRITERIA
from qualification.devdata.demo.desk import Desk
from qualification.devdata.demo.seeds import DemoData, FeedbackSeed, LeadSeed, TransitionSeed
from qualification.models.choices import FeedbackOutcome as Out
from qualification.models.choices import FeedbackReason as Why
from qualification.models.choices import LifecycleStage as Stage
from qualification.models.choices import TransitionCause as Cause

SLA_ZONE = ZoneInfo(CALENDAR["timezone"])
CRITERION_NAMES = {c["key"]: c["name"] for c in CRITERIA}
OUTSIDE_ICP = {"tiny", "consumer", "unserved", "competitor"}
NOTES: dict[str, tuple[str, ...]] = {
    Out.ACCEPTED: (
        "Confirmed the need: {account} wants one queue for MQLs and PQLs. Discovery booked.",
        "Budget approved for this quarter; {first_name} reports to the decision maker.",
        "Three SDR pods tracking SLAs in spreadsheets today. Good fit, passing to an AE.",
        "Real project: replacing lead scoring in their CRM before the next planning cycle.",
    ),
    Out.CONVERTED: (
        "Discovery done: around 25 seats, decision by the end of the month.",
        "Opportunity created; security questionnaire sent to their IT team.",
        "Technical evaluation with their RevOps team next week.",
    ),
    Out.WON: (
        "Signed the annual Business plan.",
        "Closed: 18 seats, annual billing, onboarding starts Monday.",
        "Won after a two-week pilot with two SDR pods.",
    ),
    Out.NO_RESPONSE: (
        "Called twice and emailed three times; no reply.",
        "Left a voicemail and sent a LinkedIn message; nothing back.",
        "No answer after a week of attempts.",
    ),
}
REASON_NOTES = {
    Why.NOT_ICP: "Outside our ICP: {why}.",
    Why.STUDENT: "Personal or school address; using it for coursework, not buying.",
    Why.COMPETITOR: "Works at a competitor and was looking around.",
    Why.NO_BUDGET: "Interested, but no budget until next fiscal year.",
    Why.NO_AUTHORITY: "Individual contributor with no say in tooling; asked for an intro to the manager.",
    Why.NO_NEED: "Happy with their current setup; only wanted the benchmark report.",
    Why.BAD_TIMING: "In the middle of a CRM migration; call back in two months.",
    Why.EXISTING_CUSTOMER: "{account} is already a customer; passed to customer success.",
    Why.PRICE: "Liked it, but the price per seat was too high for their team.",
    Why.LOST_TO_COMPETITOR: "Went with a competitor that bundles a dialer.",
    Why.MISSING_FEATURE: "Needed a native Pipedrive sync; not on the roadmap this year.",
    Why.WENT_DARK: "Our champion left the company; no reply since.",
}
LOSS_CHOICES = (Why.PRICE, Why.LOST_TO_COMPETITOR, Why.MISSING_FEATURE, Why.WENT_DARK,
                Why.BAD_TIMING)  # fmt: skip


def _note(text: str, lead: LeadSeed, why: str = "") -> str:
    account = lead.account.name if lead.account else "Their company"
    return text.format(account=account, first_name=lead.first_name, why=why)


def _lifecycle(lead: LeadSeed) -> None:
    """Stage moves the product causes on its own: sign-up and self-serve purchase."""
    facts = lead.facts
    if "signed_up_at" in facts:
        lead.transitions.append(
            TransitionSeed(Stage.NEW, Stage.ACTIVE_USER, Cause.CRITERION, facts["signed_up_at"],
                           f"Signed up ({facts.get('plan', 'free')} plan)", "signed-up")
        )  # fmt: skip
    if "purchased_at" in facts:
        # Billing, not scoring, makes a customer: the purchase arrives as an imported fact.
        lead.transitions.append(
            TransitionSeed(Stage.ACTIVE_USER, Stage.CUSTOMER, Cause.IMPORT, facts["purchased_at"],
                           f"Billing: bought the {facts['paid_plan'].title()} plan for "
                           f"{facts['seats']} seats without sales (self-serve purchase)")
        )  # fmt: skip


def _stage(lead: LeadSeed) -> str:
    return lead.transitions[-1].to_stage if lead.transitions else Stage.NEW


class Sales:
    """The SDR desk's work on qualified leads, written into their seeds.

    Used twice: by the generator for the leads whose journey says when they qualified,
    and after scoring for the leads only the engine found qualified (``story``).
    """

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.rng = desk.rng

    def qualify(self, lead: LeadSeed) -> None:
        """The criterion transition at the moment the journey qualified the lead."""
        qualified_at = lead.facts["qualified_at"]
        stage = lead.facts["qualification"]
        name = CRITERION_NAMES[lead.facts["criterion"]]
        # Signing up after qualifying as an MQL moves no stage (the lifecycle keeps an MQL).
        lead.transitions = [t for t in lead.transitions if t.occurred_at <= qualified_at]
        lead.transitions.append(
            TransitionSeed(_stage(lead), stage, Cause.CRITERION, qualified_at,
                           f"Qualified as {stage.upper()}: {name.lower()}", lead.facts["criterion"])
        )  # fmt: skip
        lead.stage = stage

    def work(self, lead: LeadSeed, *, outside_icp: bool) -> None:
        """A rep claims, touches and judges the lead, as far as ``now`` allows."""
        qualified_at = lead.facts["qualified_at"]
        if self.desk.waiting(qualified_at):
            return  # nobody has picked it from the pool yet
        owner = self.desk.next_owner()
        claimed, touched = self.desk.respond(qualified_at, owner)
        if claimed is None:
            return  # still in the unassigned pool
        lead.owner, lead.claimed_at, lead.first_touched_at = owner, claimed, touched
        if touched is None:
            return
        if outside_icp:
            _disqualify(self, lead, touched)
        elif self.desk.accepted(qualified_at, touched, buyer_quality(lead)):
            self._sql(lead, touched)
        elif self.rng.random() < 0.5:
            self.log(lead, touched, (0.2, 2), Out.REJECTED, _rejection(lead, self.rng),
                     Stage.RECYCLED)  # fmt: skip
        else:
            at = self.log(lead, touched, (2, 4), Out.NO_RESPONSE)
            if at and self.rng.random() < 0.5:
                self.log(lead, at, (3, 5), Out.NO_RESPONSE, to_stage=Stage.RECYCLED)

    def _sql(self, lead: LeadSeed, touched: datetime) -> None:
        """Accepted; then, as time allows, an opportunity and a won or lost deal."""
        at = self.log(lead, touched, (0.3, 3), Out.ACCEPTED, to_stage=Stage.SQL)
        if at is None or self.rng.random() >= 0.65:
            return
        at = self.log(lead, at, (2, 5), Out.CONVERTED, to_stage=Stage.OPPORTUNITY)
        if at is None:
            return
        if self.rng.random() < 0.55:
            if self.log(lead, at, (6, 16), Out.WON, to_stage=Stage.CUSTOMER) and lead.account:
                lead.account.plan = "paid"
        else:
            self.log(lead, at, (5, 14), Out.LOST, self.rng.choice(LOSS_CHOICES), Stage.RECYCLED)

    def log(self, lead: LeadSeed, after: datetime, days: tuple[float, float], outcome: str,
            reason: str = "", to_stage: str = "", why: str = "") -> datetime | None:  # fmt: skip
        """One feedback entry some days after ``after`` and the stage move it causes
        (nothing, and None, when that day is still ahead)."""
        at = self.desk.later(after, days, lead.owner)
        if at is None:
            return None
        text = REASON_NOTES[reason] if reason else self.rng.choice(NOTES[outcome])
        note = _note(text, lead, why)
        lead.feedback.append(FeedbackSeed(outcome, reason, note, lead.owner, at))
        if to_stage and to_stage != _stage(lead):
            label = f"{Why(reason).label}: " if reason else ""
            lead.transitions.append(
                TransitionSeed(_stage(lead), to_stage, Cause.FEEDBACK, at, (label + note)[:300],
                               actor=lead.owner)
            )  # fmt: skip
            lead.stage = to_stage
        return at


# Drivers of acceptance the learning should find (``criteria health``): asking for a demo
# or for sales is a real buying signal, seniority brings budget, an individual contributor
# rarely has it, and one driver no criterion names: a company that just raised a Series B
# or C is buying.
HAND_RAISES = {"demo-requested": 1.7, "contact-sales": 1.6}
SENIORITY = {"c_level": 1.3, "vp": 1.3, "director": 1.2, "individual": 0.55}
FRESH_FUNDING = {"Series B": 1.9, "Series C": 1.9}


def buyer_quality(lead: LeadSeed) -> float:
    """How much likelier than usual sales is to accept this person (1.0: as likely)."""
    quality = HAND_RAISES.get(lead.facts.get("criterion", ""), 1.0)
    quality *= SENIORITY.get(lead.traits.get("seniority", ""), 1.0)
    if lead.account is not None:
        quality *= FRESH_FUNDING.get(lead.account.traits.get("funding", ""), 1.0)
    return quality


def _rejection(lead: LeadSeed, rng: random.Random) -> str:
    """The reason an SDR would give for turning down an in-ICP lead."""
    if lead.account and lead.account.plan == "paid":
        return Why.EXISTING_CUSTOMER
    if lead.traits.get("seniority") == "individual":
        return Why.NO_AUTHORITY
    if lead.account and lead.account.segment == "startup":
        return Why.NO_BUDGET
    return rng.choice((Why.BAD_TIMING, Why.NO_NEED, Why.NO_BUDGET))


def _disqualify(sales: Sales, lead: LeadSeed, touched: datetime) -> None:
    domain = lead.email.split("@")[1]
    account = lead.account
    if domain in v.COMPETITOR_DOMAINS:
        reason, why = Why.COMPETITOR, ""
    elif account is None:
        reason, why = Why.STUDENT, ""
    elif account.country in v.UNSERVED_COUNTRIES:
        reason, why = Why.NOT_ICP, f"based in {account.country}, where we do not sell yet"
    elif account.business_model == "b2c":
        reason, why = Why.NOT_ICP, "a consumer business"
    else:
        reason, why = Why.NOT_ICP, f"only {account.employee_count} people"
    sales.log(lead, touched, (0.05, 1), Out.REJECTED, reason, Stage.DISQUALIFIED, why)


def outside_icp(lead: LeadSeed) -> bool:
    return lead.account is None or lead.account.segment in OUTSIDE_ICP


def sales_desk(now: datetime, sdrs: Sequence[str], rng: random.Random) -> Sales:
    """The desk for ``now``: reps off on the company's holidays around then."""
    days_off = {day for day, _name in demo_holidays(now.astimezone(SLA_ZONE).date())}
    return Sales(Desk(now, sdrs, rng, days_off))


def write_history(data: DemoData, sdrs: Sequence[str], seed: int) -> None:
    """Fill stages, owners, claims, touches, transitions and feedback on the leads.

    Every lead the journey qualified gets its qualification transition; then the desk
    takes them in the order they qualified, so the reps share the work evenly over time.
    """
    rng = random.Random(f"{seed}:sales")
    for lead in data.leads:
        _lifecycle(lead)
        lead.stage = _stage(lead)
    sales = sales_desk(data.now, sdrs, rng)
    qualified = sorted(
        (
            lead
            for lead in data.leads
            if "qualified_at" in lead.facts and "purchased_at" not in lead.facts
        ),
        key=lambda lead: (lead.facts["qualified_at"], lead.key),
    )
    for lead in qualified:
        sales.qualify(lead)
        sales.work(lead, outside_icp=outside_icp(lead))
