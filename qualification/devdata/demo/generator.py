"""The demo data set, generated in memory: accounts, leads, their journeys and events.

Pure Python (no ORM), so it is fast and testable on its own. Who exists (companies,
people, emails) depends only on the seed; *when* things happened is anchored to ``now``
so that "in the last 7 days" windows always have something in them. Each account's
journeys use their own seeded dice, so one account's story never shifts another's.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from qualification.devdata.demo import marketing, product
from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.companies import AccountSeed, generate_accounts
from qualification.devdata.demo.history import write_history
from qualification.devdata.demo.people import (
    FIRST_NAMES,
    LAST_NAMES,
    ROLE_WEIGHTS,
    SDR_USERNAMES,
    TITLES,
)
from qualification.devdata.demo.seeds import DemoData, EventSeed, LeadSeed
from qualification.devdata.demo.timeline import Person, Timeline
from qualification.models.choices import Plan

SEED = 20250101
PERSONAL_LEADS = 110
STUDENT_LEADS = 45
ANONYMOUS_VISITORS = 1500
MARKETING_SOURCES = ("organic_search", "paid_search", "linkedin_ads", "webinar", "content",
                     "referral", "g2", "event")  # fmt: skip

# segment -> (fewest, most) people we know at one company
LEADS_PER_ACCOUNT = {"icp": (5, 17), "enterprise": (12, 26), "startup": (2, 6), "tiny": (1, 3),
                     "off_industry": (3, 8), "consumer": (2, 6), "unserved": (3, 9),
                     "competitor": (2, 3)}  # fmt: skip
# segment -> how the company's story goes, with weights
MOTIONS = {
    "icp": {
        "marketing": 30,
        "trial": 30,
        "free": 15,
        "hand_raise": 10,
        "self_serve": 8,
        "quiet": 7,
    },
    "enterprise": {"marketing": 50, "trial": 25, "hand_raise": 25},
    "startup": {"marketing": 20, "trial": 20, "free": 30, "self_serve": 20, "quiet": 10},
    "tiny": {"marketing": 30, "free": 40, "quiet": 30},
    "off_industry": {"marketing": 50, "free": 25, "quiet": 25},
    "consumer": {"marketing": 40, "free": 40, "self_serve": 20},
    "unserved": {"marketing": 30, "trial": 25, "free": 25, "hand_raise": 20},
}
# motion -> (champion's journey, how many teammates they bring in)
CHAMPIONS = {"trial": (product.trial_champion, (2, 5)), "free": (product.limit_hitter, (0, 3)),
             "hand_raise": (product.hand_raiser, (0, 2)),
             "self_serve": (product.self_serve_buyer, (2, 6))}  # fmt: skip


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _People:
    """Draws unique names and emails for leads."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()
        self.leads: list[LeadSeed] = []

    def _email(self, first: str, last: str, domain: str, personal: bool) -> str:
        rng = self.rng
        patterns = [f"{_slug(first)}.{_slug(last)}", f"{_slug(first)[0]}{_slug(last)}",
                    _slug(first)]  # fmt: skip
        local = rng.choices(patterns, weights=[6, 3, 1])[0]
        if personal and rng.random() < 0.5:
            local += str(rng.randint(1, 99))
        while f"{local}@{domain}" in self.emails:
            local += str(rng.randint(0, 9))
        self.emails.add(f"{local}@{domain}")
        return f"{local}@{domain}"

    def add(self, account: AccountSeed | None, domain: str, role: str, kind: str = "") -> LeadSeed:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if kind == "student":
            title, seniority = rng.choice((("Student", "student"), ("MBA Candidate", "student")))
        elif kind == "personal":
            title = rng.choice(("Independent Consultant", "Freelance Marketer", "Founder",
                                "Sales Consultant", "Fractional RevOps Lead"))  # fmt: skip
            seniority = "c_level" if title == "Founder" else "individual"
        else:
            options = TITLES[role]
            title, seniority = rng.choices(options, weights=range(len(options) + 1, 1, -1))[0]
        lead = LeadSeed(
            key=len(self.leads),
            email=self._email(first, last, domain, personal=bool(kind)),
            first_name=first,
            last_name=last,
            title=title,
            traits={"role": kind or role, "seniority": seniority},
            account=account,
        )
        self.leads.append(lead)
        return lead


def _lead_count(rng: random.Random, account: AccountSeed) -> int:
    low, high = LEADS_PER_ACCOUNT[account.segment]
    if account.segment == "icp":  # bigger companies: more people engage
        share = min(1.0, math.log(account.employee_count / 50) / math.log(100))
        return max(low, min(high, round(low + (high - low) * share + rng.randint(-2, 2))))
    return rng.randint(low, high)


def _marketing_mix(p: Person, casual: int) -> str:
    """Colleagues of the champion: mostly readers; ``casual`` percent try the product alone."""
    journeys = {"reader": marketing.reader, "evaluator": marketing.evaluator,
                "unsubscriber": marketing.unsubscriber, "casual": product.casual_user}  # fmt: skip
    journey = p.rng.choices(list(journeys), weights=(70 - casual, 15, 15, casual))[0]
    journeys[journey](p)
    return journey


def _account_journeys(account: AccountSeed, leads: list[LeadSeed], now: datetime) -> None:
    """One company's story: who champions the product, who follows, who only reads."""
    rng = random.Random(f"{SEED}:{account.domain}")
    people = {
        lead.key: Person(
            timeline=Timeline(now=now, utc_offset_hours=account.utc_offset, rng=rng),
            rng=rng,
            email=lead.email,
            company_domain=account.domain,
            crm=account.traits.get("crm", ""),
            facts=lead.facts,
        )
        for lead in leads
    }
    if account.segment == "competitor":
        for lead in leads:
            product.competitor(people[lead.key])
            lead.journey = "competitor"
            _finish(lead, people[lead.key].timeline, rng)
        account.plan = _account_plan(leads)
        return
    weights = MOTIONS[account.segment]
    motion = rng.choices(list(weights), weights=list(weights.values()))[0]
    champion, rest = leads[0], leads[1:]
    teammates: list[LeadSeed] = []
    if motion == "marketing":
        marketing.evaluator(people[champion.key])
        champion.journey = "evaluator"
    elif motion == "quiet":
        product.quiet_trial(people[champion.key])
        champion.journey = "quiet_trial"
    else:
        journey, (low, high) = CHAMPIONS[motion]
        count = rng.randint(low, high)
        teammates, rest = rest[:count], rest[count:]
        journey(people[champion.key], [t.email for t in teammates])
        champion.journey = journey.__name__
    invited = {email: day for day, email in champion.facts.get("invites", [])}
    plan = champion.facts.get("signup_plan", Plan.FREE)  # invites come before any purchase
    for lead in teammates:
        p = people[lead.key]
        if lead.email in invited and product.teammate(p, invited[lead.email], champion.email, plan):
            lead.journey = "teammate"
        else:
            lead.journey = _marketing_mix(p, casual=12)
    for lead in rest:
        lead.journey = _marketing_mix(people[lead.key], casual=4 if motion == "marketing" else 12)
    for lead in leads:
        _finish(lead, people[lead.key].timeline, rng)
    account.plan = _account_plan(leads)


def _solo_journey(lead: LeadSeed, now: datetime, kind: str) -> None:
    """People with a personal or school address: no company behind them."""
    rng = random.Random(f"{SEED}:lead:{lead.key}")
    offset = v.UTC_OFFSET_HOURS[rng.choice(v.SERVED_COUNTRIES + v.UNSERVED_COUNTRIES)]
    p = Person(
        timeline=Timeline(now=now, utc_offset_hours=offset, rng=rng),
        rng=rng,
        email=lead.email,
        company_domain=lead.email.split("@")[1],
        facts=lead.facts,
    )
    weights = {
        "reader": 40,
        "casual": 30,
        "limit": 10,
        "unsubscriber": 8,
        "hand_raise": 5,
        "quiet": 7,
    }
    if kind == "student":
        weights = {"reader": 60, "casual": 40}
    lead.journey = rng.choices(list(weights), weights=list(weights.values()))[0]
    {"reader": marketing.reader, "casual": product.casual_user,
     "unsubscriber": marketing.unsubscriber, "quiet": product.quiet_trial,
     "limit": lambda person: product.limit_hitter(person, []),
     "hand_raise": lambda person: product.hand_raiser(person, [])}[lead.journey](p)  # fmt: skip
    _finish(lead, p.timeline, rng)


def _finish(lead: LeadSeed, timeline: Timeline, rng: random.Random) -> None:
    """Turn the timeline into events with stable message ids, and fill what the journey implies."""
    latest = timeline.now - timedelta(minutes=1)
    ordered = sorted(timeline.events, key=lambda item: item[0])
    for index, (moment, name, properties) in enumerate(ordered):
        lead.events.append(
            EventSeed(
                message_id=f"demo-{lead.key}-{index}",
                name=name,
                source=v.source_of(name),
                properties=properties,
                occurred_at=min(moment, latest),
                lead_key=lead.key,
                account_domain=lead.account.domain if lead.account else None,
            )
        )
    signed_up = "signed_up_at" in lead.facts
    first_product = bool(lead.events) and lead.events[0].name == v.SIGNED_UP
    if lead.facts.get("signup_source") == "invite":
        lead.source = "product_invite"
    elif first_product:
        lead.source = "product_signup"
    else:
        lead.source = rng.choice(MARKETING_SOURCES)
    if any(e.source == "marketing" for e in lead.events):
        lead.external_ids["hubspot"] = str(rng.randint(10_000_000, 99_999_999))
    if signed_up:
        lead.user_id = f"usr_{rng.getrandbits(48):012x}"
        lead.external_ids["amplitude"] = lead.user_id
        lead.traits["signup_source"] = lead.facts["signup_source"]
        lead.traits["plan"] = lead.facts.get("plan", Plan.FREE)
    if "unsubscribed_at" in lead.facts:
        lead.traits["email_opt_in"] = False


def _account_plan(leads: list[LeadSeed]) -> str:
    plans = {lead.facts.get("plan") for lead in leads}
    if Plan.PAID in plans:
        return Plan.PAID
    if Plan.TRIAL in plans:
        return Plan.TRIAL
    if Plan.FREE in plans:
        return Plan.FREE
    return Plan.NONE


def _anonymous_events(now: datetime) -> list[EventSeed]:
    """Visitors who never told us who they are: blog readers, the odd pricing look."""
    rng = random.Random(f"{SEED}:anonymous")
    events: list[EventSeed] = []
    for visitor in range(ANONYMOUS_VISITORS):
        anonymous_id = f"anon-{rng.getrandbits(64):016x}"
        offset = v.UTC_OFFSET_HOURS[rng.choice(v.SERVED_COUNTRIES)]
        timeline = Timeline(now=now, utc_offset_hours=offset, rng=rng)
        for day in sorted(rng.sample(range(90), rng.randint(1, 4)), reverse=True):
            timeline.session(day, product.anonymous_steps(rng), gap_minutes=(0.5, 4))
        ordered = sorted(timeline.events, key=lambda item: item[0])
        for index, (moment, name, properties) in enumerate(ordered):
            events.append(
                EventSeed(
                    message_id=f"demo-anon-{visitor}-{index}",
                    name=name,
                    source=v.source_of(name),
                    properties=properties,
                    occurred_at=min(moment, now - timedelta(minutes=1)),
                    anonymous_id=anonymous_id,
                )
            )
    return events


def generate(now: datetime) -> DemoData:
    """The whole demo data set, with its sales history, anchored at ``now`` (timezone-aware)."""
    rng = random.Random(SEED)
    accounts = generate_accounts(rng)
    people = _People(rng)
    by_account: list[tuple[AccountSeed, list[LeadSeed]]] = []
    roles, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    for account in accounts:
        count = _lead_count(rng, account)
        staff = [people.add(account, account.domain, rng.choices(roles, weights)[0])
                 for _ in range(count)]  # fmt: skip
        by_account.append((account, staff))
    solo: list[tuple[LeadSeed, str]] = []
    for kind, count, domains in (
        ("personal", PERSONAL_LEADS, v.PERSONAL_EMAIL_DOMAINS),
        ("student", STUDENT_LEADS, v.STUDENT_EMAIL_DOMAINS),
    ):
        for _ in range(count):
            solo.append((people.add(None, rng.choice(domains), "", kind), kind))
    for account, staff in by_account:
        _account_journeys(account, staff, now)
    for lead, kind in solo:
        _solo_journey(lead, now, kind)
    data = DemoData(
        now=now, accounts=accounts, leads=people.leads, anonymous_events=_anonymous_events(now)
    )
    write_history(data, SDR_USERNAMES, SEED)
    return data
