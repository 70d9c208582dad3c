"""Product journeys: sign-ups who activate, invite, hit limits, ask for sales, buy or go quiet.

Every product journey starts with "Signed Up"; everything else the product emits for that
person happens on later days or later in the sign-up session. That is the ordering the
believability tests check, and the one a real product's tracking would show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qualification.devdata.demo import marketing
from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.timeline import Person, Step
from qualification.models.choices import Plan

FEATURE_WEIGHTS = {"reports": 40, "dashboards": 25, "automations": 12, "exports": 13, "alerts": 10}
HAND_RAISE_TOPICS = ("SSO and user provisioning", "volume pricing", "a security review",
                     "annual invoicing", "a custom data retention policy")  # fmt: skip
SIGNUP_SOURCES = ("organic", "google_ads", "g2_review", "partner", "blog_cta", "webinar")


def _features(p: Person, low: int, high: int, heavy: str = "") -> list[Step]:
    names = list(FEATURE_WEIGHTS)
    weights = [w * (3 if n == heavy else 1) for n, w in FEATURE_WEIGHTS.items()]
    picks = p.rng.choices(names, weights=weights, k=p.rng.randint(low, high))
    return [(v.FEATURE_USED, {"feature": f, "plan": p.facts.get("plan", "")}) for f in picks]


def use(p: Person, day: int, low: int = 2, high: int = 7, extra: list[Step] | None = None) -> None:
    """One working session: open the app, use a few features, maybe something more."""
    steps: list[Step] = [(v.SESSION_STARTED, {"platform": p.rng.choice(("web", "web", "desktop"))})]
    steps += _features(p, low, high, heavy=p.facts.get("heavy_feature", ""))
    p.session(day, steps + (extra or []), gap_minutes=(1, 6))


def sign_up(p: Person, day: int, plan: str, source: str = "") -> datetime:
    """The sign-up session; a few people look around before signing up."""
    rng = p.rng
    if rng.random() < 0.4 and day < 80:
        marketing.nurture(p, min(89, day + rng.randint(5, 40)), day + 1, rng.randint(1, 4))
    p.facts.update(
        plan=plan, signup_plan=plan, heavy_feature=rng.choice(("reports", "reports", "dashboards"))
    )
    source = source or rng.choice(SIGNUP_SOURCES)
    at = p.session(
        day,
        [
            (v.SIGNED_UP, {"plan": plan, "signup_source": source,
                           "method": rng.choice(("google_sso", "email", "microsoft_sso"))}),
            (v.SESSION_STARTED, {"platform": "web"}),
            (v.ACTIVATION_STEP_COMPLETED, {"step": v.ACTIVATION_STEPS[0]}),
        ],
    )  # fmt: skip
    p.facts.update(signed_up_at=at, signup_source=source, signup_day=day)
    return at


def _activate(p: Person, days: list[int]) -> None:
    """The two remaining activation steps, on the first active days after sign-up."""
    integration = p.crm if p.crm in v.INTEGRATIONS else p.rng.choice(v.INTEGRATIONS)
    if days:
        use(p, days[0], 1, 3, [
            (v.INTEGRATION_CONNECTED, {"integration": integration}),
            (v.ACTIVATION_STEP_COMPLETED, {"step": v.ACTIVATION_STEPS[1]}),
        ])  # fmt: skip
    if len(days) > 1:
        use(p, days[1], 2, 4, [(v.ACTIVATION_STEP_COMPLETED, {"step": v.ACTIVATION_STEPS[2]})])


def _invite(p: Person, day: int, invitees: list[str]) -> None:
    steps: list[Step] = [
        (v.TEAMMATE_INVITED, {"invitee_email": email, "role": "member"}) for email in invitees
    ]
    use(p, day, 1, 2, steps)
    p.facts.setdefault("invites", []).extend((day, email) for email in invitees)


def _extra_invitees(p: Person, count: int) -> list[str]:
    return [f"teammate{p.rng.randint(100, 999)}@{p.company_domain}" for _ in range(count)]


def trial_champion(p: Person, teammates: list[str]) -> None:
    """Signs up for a trial, activates, connects the CRM, invites the team and uses it daily."""
    rng = p.rng
    start = rng.randint(5, 35)
    sign_up(p, start, Plan.TRIAL)
    days = p.timeline.working_days(start - 1, 0, 0.8)
    _activate(p, days[:2])
    invite_day = days[2] if len(days) > 2 else None
    invitees = teammates + _extra_invitees(p, rng.randint(0, 2))
    if invite_day is not None and len(invitees) >= 2:
        _invite(p, invite_day, invitees)
        p.qualify(p.timeline.last(v.TEAMMATE_INVITED), "pql", "teammates-invited")
    for day in days[3:]:
        extra: list[Step] = []
        if rng.random() < 0.08:
            extra.append((v.UPGRADE_PAGE_VIEWED, {"from": rng.choice(("billing", "nav"))}))
        use(p, day, 3, 9, extra)


def limit_hitter(p: Person, teammates: list[str]) -> None:
    """A free-plan team that keeps using the product until it runs into a plan limit."""
    rng = p.rng
    start = rng.randint(20, 85)
    sign_up(p, start, Plan.FREE)
    days = p.timeline.working_days(start - 1, 0, 0.55)
    _activate(p, days[:2])
    recent = [d for d in days[2:] if d <= 25]
    limit_day = rng.choice(recent) if recent else (days[-1] if days[2:] else 0)
    limit = rng.choice(list(v.FREE_PLAN_LIMITS))
    if teammates and days[2:] and days[2] > limit_day:
        _invite(p, days[2], teammates)
    for day in [d for d in days[2:] if d > limit_day]:
        use(p, day, 2, 6)
    allowed = v.FREE_PLAN_LIMITS[limit]
    use(p, limit_day, 2, 4, [
        (v.USAGE_LIMIT_REACHED, {"limit": limit, "used": allowed, "allowed": allowed,
                                 "plan": Plan.FREE}),
        (v.UPGRADE_PAGE_VIEWED, {"from": "limit_banner", "limit": limit}),
    ])  # fmt: skip
    p.qualify(p.timeline.last(v.USAGE_LIMIT_REACHED), "pql", "usage-limit-reached")
    p.facts["limit"] = limit
    for day in [d for d in days if d < limit_day]:
        extra: list[Step] = []
        if rng.random() < 0.3:
            extra.append((v.UPGRADE_PAGE_VIEWED, {"from": "nav"}))
        use(p, day, 1, 4, extra)


def hand_raiser(p: Person, teammates: list[str]) -> None:
    """A trial user who asks for sales from inside the product after a few sessions."""
    rng = p.rng
    start = rng.randint(3, 30)
    sign_up(p, start, Plan.TRIAL)
    days = p.timeline.working_days(start - 1, 0, 0.6) or [max(start - 1, 0)]
    _activate(p, days[:1])
    if teammates and len(days) > 1:
        _invite(p, days[1], teammates)
    raise_day = days[min(len(days) - 1, rng.randint(1, 4))]
    for day in days[1:]:
        use(p, day, 2, 7 if day > raise_day else 5)
    use(p, raise_day, 1, 3, [
        (v.UPGRADE_PAGE_VIEWED, {"from": "nav"}),
        (v.CONTACT_SALES_REQUESTED, {
            "location": rng.choice(("pricing_modal", "help_widget", "seats_page")),
            "topic": rng.choice(HAND_RAISE_TOPICS),
            "seats": rng.choice((10, 15, 25, 40, 60)),
        }),
    ])  # fmt: skip
    p.qualify(p.timeline.last(v.CONTACT_SALES_REQUESTED), "pql", "contact-sales")
    p.facts["topic"] = p.timeline.events[-1][2]["topic"]


def self_serve_buyer(p: Person, teammates: list[str]) -> None:
    """Tries the product, brings the team in and buys by card without talking to anyone."""
    rng = p.rng
    start = rng.randint(20, 85)
    sign_up(p, start, Plan.TRIAL)
    buy_day = start - rng.randint(6, 16)
    days = p.timeline.working_days(start - 1, 0, 0.7)
    before = [d for d in days if d > buy_day]
    after = [d for d in days if d < buy_day]
    _activate(p, before[:2])
    if teammates and len(before) > 2:
        _invite(p, before[2], teammates)
    for day in before[3:]:
        use(p, day, 2, 7)
    plan = rng.choice(list(v.PAID_PLANS))
    seats = len(teammates) + 1 + rng.randint(0, 6)
    at = p.session(buy_day, [
        (v.UPGRADE_PAGE_VIEWED, {"from": "trial_banner"}),
        (v.CHECKOUT_STARTED, {"plan": plan, "seats": seats}),
        (v.ORDER_COMPLETED, {"order_id": f"ord_{rng.getrandbits(32):08x}", "plan": plan,
                             "seats": seats, "revenue": seats * v.PAID_PLANS[plan],
                             "currency": "USD", "billing": "monthly"}),
    ])  # fmt: skip
    p.facts.update(purchased_at=at, plan=Plan.PAID, paid_plan=plan, seats=seats)
    for day in after:
        use(p, day, 3, 8)


def quiet_trial(p: Person) -> None:
    """Signs up, pokes around for a day or two, never returns; the product notices."""
    rng = p.rng
    start = rng.randint(18, 88)
    sign_up(p, start, Plan.TRIAL)
    last_day = start
    for day in range(start - 1, max(start - 4, 15), -1):
        if rng.random() < 0.5:
            use(p, day, 1, 3)
            last_day = day
    # The nightly job flags 14 full days without activity the morning after.
    quiet_day = last_day - 15
    p.session(quiet_day, [(v.TRIAL_WENT_QUIET, {"days_inactive": 14, "plan": Plan.TRIAL})])
    p.facts["went_quiet_day"] = quiet_day
    if rng.random() < 0.3 and quiet_day > 2:
        marketing.email_click(p, rng.randint(0, quiet_day - 1))  # the "we miss you" email


def casual_user(p: Person, plan: str = Plan.FREE, share: float = 0.2) -> None:
    """Signs up and uses the product now and then; nothing that qualifies."""
    start = p.rng.randint(3, 88)
    sign_up(p, start, plan)
    for day in p.timeline.working_days(start - 1, 0, share):
        use(p, day, 1, 3)


def teammate(p: Person, invited_day: int, inviter: str, plan: str) -> bool:
    """Accepts an invite a day or three later and becomes a regular user. False: not yet."""
    rng = p.rng
    day = invited_day - rng.randint(1, 3)
    # Not today: a session too early in the local day moves to yesterday, which could put
    # the sign-up before the invite (or the first use before the sign-up).
    if day < 1:
        return False
    p.facts["plan"] = plan
    at = p.session(day, [
        (v.SIGNED_UP, {"plan": plan, "signup_source": "invite", "invited_by": inviter,
                       "method": rng.choice(("google_sso", "email"))}),
        (v.SESSION_STARTED, {"platform": "web"}),
    ])  # fmt: skip
    p.facts.update(signed_up_at=at, signup_source="invite", signup_day=day)
    share = rng.choice((0.3, 0.5, 0.7, 0.85))
    for active in p.timeline.working_days(day - 1, 0, share):
        use(p, active, 2, 7)
    return True


def competitor(p: Person) -> None:
    """Someone from a competitor: signs up, clicks through every feature, studies pricing."""
    casual_user(p, Plan.TRIAL, share=0.35)
    for _ in range(p.rng.randint(1, 3)):
        marketing.visit(p, p.rng.randint(0, 20), pricing=p.rng.randint(1, 2))


def anonymous_steps(rng: Any) -> list[Step]:
    """A visitor we cannot name yet: a few pages, sometimes pricing."""
    steps = [marketing._page(rng.choice(marketing.BLOG_POSTS), "blog", "google")]
    if rng.random() < 0.3:
        steps.append((v.PRICING_PAGE_VIEWED, {"path": "/pricing"}))
    return steps
