"""What already happened to the demo's leads: lifecycle moves, claims, touches and feedback.

Runs on the generated journeys (pure, seeded). Product facts move stages by themselves
(sign-up makes an active user, a self-serve purchase a customer); everything past
qualification is sales work: an SDR claims the lead, touches it, and logs feedback whose
reason fits the person (a student is rejected as "student", a lost deal says why).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.criteria import CRITERIA
from qualification.devdata.demo.people import DEMO_USERS
from qualification.devdata.demo.seeds import DemoData, FeedbackSeed, LeadSeed, TransitionSeed
from qualification.models.choices import FeedbackOutcome as Out
from qualification.models.choices import FeedbackReason as Why
from qualification.models.choices import LifecycleStage as Stage
from qualification.models.choices import TransitionCause as Cause

ZONES = {user.username: ZoneInfo(user.timezone) for user in DEMO_USERS}
CRITERION_NAMES = {c["key"]: c["name"] for c in CRITERIA}
OUTSIDE_ICP = {"tiny", "consumer", "unserved", "competitor"}
# path -> (how many leads, days that must have passed since qualifying)
PATHS = {
    "won": (7, 26),
    "lost": (7, 24),
    "converted": (8, 10),
    "accepted": (14, 5),
    "recycled": (14, 4),
    "no_response": (12, 9),
    "disqualified": (10, 2),
}
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


class _Desk:
    """The SDR team: hands out leads in turn and writes what each rep did."""

    def __init__(self, data: DemoData, sdrs: Sequence[str], rng: random.Random) -> None:
        self.now = data.now
        self.sdrs = list(sdrs)
        self.rng = rng
        self.turn = 0

    def _clock(self, moment: datetime, owner: str) -> datetime:
        """The moment moved into the rep's working hours, and never later than just now."""
        zone = ZONES[owner]
        local = moment.astimezone(zone)
        if local.weekday() >= 5 or not time(8, 30) <= local.time() <= time(18, 0):
            day = local.date() + timedelta(days=0 if local.time() < time(8, 30) else 1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            minutes = self.rng.uniform(0, 90)
            start = datetime.combine(day, time(8, 45), tzinfo=zone) + timedelta(minutes=minutes)
            moment = start if start < self.now - timedelta(hours=1) else moment
        return min(moment, self.now - timedelta(minutes=30))

    def claim(self, lead: LeadSeed, touch: bool, owner: str = "") -> datetime:
        """Qualify (criterion), claim and optionally first-touch; returns the last moment."""
        if not owner:
            owner = self.sdrs[self.turn % len(self.sdrs)]
            self.turn += 1
        qualified_at = lead.facts["qualified_at"]
        stage = lead.facts["qualification"]
        name = CRITERION_NAMES[lead.facts["criterion"]]
        lead.transitions.append(
            TransitionSeed(_stage(lead), stage, Cause.CRITERION, qualified_at,
                           f"Qualified as {stage.upper()}: {name.lower()}", lead.facts["criterion"])
        )  # fmt: skip
        lead.stage, lead.owner = stage, owner
        claimed = qualified_at + timedelta(minutes=self.rng.uniform(4, 200))
        lead.claimed_at = self._clock(claimed, owner)
        if not touch:
            return lead.claimed_at
        touched = lead.claimed_at + timedelta(minutes=self.rng.uniform(3, 90))
        lead.first_touched_at = self._clock(touched, owner)
        return lead.first_touched_at

    def log(self, lead: LeadSeed, after: datetime, days: tuple[float, float], outcome: str,
            reason: str = "", to_stage: str = "", why: str = "") -> datetime:  # fmt: skip
        """One feedback entry some days after ``after``, and the stage move it causes."""
        at = self._clock(after + timedelta(days=self.rng.uniform(*days)), lead.owner)
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


def _rejection(lead: LeadSeed, rng: random.Random) -> str:
    """The reason an SDR would give for turning down an in-ICP lead."""
    if lead.account and lead.account.plan == "paid":
        return Why.EXISTING_CUSTOMER
    if lead.traits.get("seniority") == "individual":
        return Why.NO_AUTHORITY
    if lead.account and lead.account.segment == "startup":
        return Why.NO_BUDGET
    return rng.choice((Why.BAD_TIMING, Why.NO_NEED, Why.NO_BUDGET))


def _disqualify(desk: _Desk, lead: LeadSeed, touched: datetime) -> None:
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
    desk.log(lead, touched, (0.05, 1), Out.REJECTED, reason, Stage.DISQUALIFIED, why)


def _work(desk: _Desk, lead: LeadSeed, path: str) -> None:
    """Play one path of sales work on a qualified lead."""
    rng = desk.rng
    at = desk.claim(lead, touch=True)
    if path == "disqualified":
        _disqualify(desk, lead, at)
        return
    if path == "recycled":
        desk.log(lead, at, (0.2, 2), Out.REJECTED, _rejection(lead, rng), Stage.RECYCLED)
        return
    if path == "no_response":
        at = desk.log(lead, at, (2, 4), Out.NO_RESPONSE)
        if rng.random() < 0.5:
            desk.log(lead, at, (3, 5), Out.NO_RESPONSE, to_stage=Stage.RECYCLED)
        return
    at = desk.log(lead, at, (0.5, 3), Out.ACCEPTED, to_stage=Stage.SQL)
    if path == "accepted":
        return
    at = desk.log(lead, at, (2, 5), Out.CONVERTED, to_stage=Stage.OPPORTUNITY)
    if path == "won":
        desk.log(lead, at, (6, 16), Out.WON, to_stage=Stage.CUSTOMER)
        if lead.account:
            lead.account.plan = "paid"
    elif path == "lost":
        desk.log(lead, at, (5, 14), Out.LOST, rng.choice(LOSS_CHOICES), Stage.RECYCLED)


def write_history(data: DemoData, sdrs: Sequence[str], seed: int) -> None:
    """Fill stages, owners, claims, touches, transitions and feedback on the leads."""
    rng = random.Random(f"{seed}:sales")
    for lead in data.leads:
        _lifecycle(lead)
        lead.stage = _stage(lead)
    desk = _Desk(data, sdrs, rng)
    qualified = [
        lead
        for lead in data.leads
        if "qualified_at" in lead.facts and "purchased_at" not in lead.facts
    ]
    rng.shuffle(qualified)

    def outside(lead: LeadSeed) -> bool:
        return lead.account is None or lead.account.segment in OUTSIDE_ICP

    def take(
        days: float, fits: Callable[[LeadSeed], bool], turn: int, newer_than: float = 90
    ) -> LeadSeed | None:
        """The first fitting lead of the right age; every other turn prefers a PQL."""
        kind = "pql" if turn % 2 == 0 else "mql"
        matches = [
            lead
            for lead in qualified
            if days <= (data.now - lead.facts["qualified_at"]).total_seconds() / 86400 <= newer_than
            and fits(lead)
        ]
        preferred = [lead for lead in matches if lead.facts["qualification"] == kind]
        chosen = (preferred or matches or [None])[0]
        if chosen is not None:
            qualified.remove(chosen)
        return chosen

    for path, (count, min_age) in PATHS.items():
        wanted_outside = path == "disqualified"
        for turn in range(count):
            lead = take(min_age, lambda lead, w=wanted_outside: outside(lead) == w, turn)
            if lead is not None:
                _work(desk, lead, path)
    # Today's desk: a couple of fresh claims per rep, and a couple touched but not yet judged.
    for sdr in sdrs:
        for touch, (oldest, newest) in ((False, (0.05, 3)), (True, (0.5, 6))):
            for turn in range(2):
                lead = take(oldest, lambda lead: not outside(lead), turn, newer_than=newest)
                if lead is not None:
                    desk.claim(lead, touch=touch, owner=sdr)
