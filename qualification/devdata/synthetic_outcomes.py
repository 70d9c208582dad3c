"""A synthetic outcome set whose true drivers are known, for testing what learning finds.

Pure Python (no Django): ``synthetic_rows(n, seed)`` returns outcome rows and the
criteria they were scored with. The truth behind the labels:

- ``demo_request`` (an event criterion, 10 points) truly raises conversion a lot: the
  points are too low, so learning should suggest more;
- ``pricing_page`` (25 points) barely matters: over-rated;
- ``free_email`` (a negative criterion, -5 points) fires on leads that sales rejects
  (reason ``spam`` or ``student``): learning should suggest fewer (more negative) points;
- a hidden trait, ``occupation`` = "Working Professional", drives conversion while no
  criterion reads it: it should be suggested as a new fit criterion;
- ``saas_industry`` (fit) helps a little; ``competitor_domain`` never fires;
- noise: a ``favorite_color`` trait, a ``newsletter`` flag, ``webinar_attended`` and
  ``content_downloaded`` events, an ``age`` number (sometimes missing), and a ``segment``
  trait with a single value (a constant feature to be dropped).

The published score is the sum of the published points of the fired criteria.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from qualification.core.learning.inputs import CriterionInfo, LeadInputs, TrainingRow

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
DAYS = 84
OCCUPATIONS = ("Working Professional", "Student", "Unemployed", "Business Owner")
INDUSTRIES = ("saas", "retail", "finance", "education")
COLORS = ("red", "green", "blue", "yellow")
SOURCES = ("webinar", "organic", "paid_search", "referral")
NEGATIVE_REASONS = ("not_icp", "no_budget", "bad_timing", "no_need", "price", "went_dark")


def _criterion(
    key, name, kind, points, *, event="", attribute="", operator="", value=None, team="marketing"
) -> CriterionInfo:
    return CriterionInfo(
        key=key,
        name=name,
        kind=kind,
        signal_type="event" if event else "attribute",
        event_name=event,
        attribute=attribute,
        operator=operator,
        value=value,
        points=points,
        owner_team=team,
        glossary_term="",
        is_active=True,
    )


CRITERIA = (
    _criterion("demo_request", "Asked for a demo", "intent", 10, event="demo_requested"),
    _criterion("pricing_page", "Viewed the pricing page", "intent", 25, event="pricing_viewed"),
    _criterion(
        "free_email",
        "Uses a free email address",
        "negative",
        -5,
        attribute="lead.email_domain",
        operator="in",
        value=["gmail.com", "yahoo.com"],
        team="ops",
    ),
    _criterion(
        "saas_industry",
        "Software company",
        "fit",
        15,
        attribute="account.industry",
        operator="eq",
        value="saas",
        team="ops",
    ),
    _criterion(
        "invited_teammate",
        "Invited a teammate",
        "usage",
        20,
        event="teammate_invited",
        team="product",
    ),
    _criterion(
        "competitor_domain",
        "Works at a competitor",
        "negative",
        -30,
        attribute="lead.email_domain",
        operator="eq",
        value="rival.example",
        team="ops",
    ),
)
POINTS = {c.key: c.points for c in CRITERIA}


def _counts(rng: random.Random, rate: float) -> tuple[int, int, int]:
    """Counts in the 7/30/90-day windows (nested: each window holds the shorter ones)."""
    n90 = 0
    while rng.random() < rate and n90 < 12:
        n90 += 1
    n30 = sum(rng.random() < 0.5 for _ in range(n90))
    n7 = sum(rng.random() < 0.4 for _ in range(n30))
    return (n7, n30, n90)


def synthetic_rows(n: int, seed: int = 0) -> tuple[list[TrainingRow], list[CriterionInfo]]:
    """``n`` outcome rows with the known drivers above, reproducible from ``seed``."""
    rng = random.Random(seed)
    rows = []
    for lead_id in range(1, n + 1):
        occupation = rng.choice(OCCUPATIONS)
        industry = rng.choice(INDUSTRIES)
        free = rng.random() < 0.25
        domain = rng.choice(("gmail.com", "yahoo.com")) if free else f"co{lead_id % 50}.example"
        events = {}
        for name, rate in (
            ("demo_requested", 0.3),
            ("pricing_viewed", 0.6),
            ("teammate_invited", 0.35),
            ("webinar_attended", 0.4),
            ("content_downloaded", 0.5),
        ):
            counts = _counts(rng, rate)
            if counts[2]:
                events[name] = counts
        fired: dict[str, int] = {}
        if events.get("demo_requested", (0, 0, 0))[1]:
            fired["demo_request"] = events["demo_requested"][1]
        if events.get("pricing_viewed", (0, 0, 0))[1]:
            fired["pricing_page"] = events["pricing_viewed"][1]
        if events.get("teammate_invited", (0, 0, 0))[2]:
            fired["invited_teammate"] = events["teammate_invited"][2]
        if free:
            fired["free_email"] = 1
        if industry == "saas":
            fired["saas_industry"] = 1
        logit = (
            -1.3
            + 1.8 * ("demo_request" in fired)
            + 0.15 * ("pricing_page" in fired)
            - 2.0 * free
            + 1.5 * (occupation == "Working Professional")
            + 0.4 * (industry == "saas")
            + 0.5 * ("invited_teammate" in fired)
        )
        positive = rng.random() < 1 / (1 + math.exp(-logit))
        if positive:
            reason = ""
        elif free and rng.random() < 0.8:
            reason = rng.choice(("spam", "student"))
        else:
            reason = rng.choice(NEGATIVE_REASONS)
        age = rng.randint(18, 70) if rng.random() < 0.8 else None
        inputs = LeadInputs(
            criteria=fired,
            events=events,
            lead={
                "source": rng.choice(SOURCES),
                "email_domain": domain,
                "trait.occupation": occupation,
                "trait.favorite_color": rng.choice(COLORS),
                "trait.newsletter": rng.random() < 0.5,
                "trait.age": age,
                "trait.segment": "default",
            },
            account={"industry": industry, "employee_count": int(rng.lognormvariate(4, 1.5))},
            score=sum(POINTS[key] for key in fired),
            qualification=rng.choice(("mql", "mql", "mql", "pql", "none")),
            pql_kind=rng.choice(("", "", "usage", "hand_raiser")),
        )
        rows.append(
            TrainingRow(
                lead_id=lead_id,
                inputs=inputs,
                positive=positive,
                reason=reason,
                recorded_at=START + timedelta(minutes=rng.randrange(DAYS * 24 * 60)),
                source=inputs.lead["source"],
            )
        )
    return rows, list(CRITERIA)
