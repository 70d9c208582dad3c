"""What ops would have configured on day one: the policy, SLA policies and outreach templates.

Glossary terms and criteria live in their own modules; this one holds the rest of the
catalog the demo loads. The policy's event lists name exactly the events the generator
emits for hand-raisers, limits and purchases, so all four PQL kinds appear in the demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from qualification.devdata.demo import vocabulary as v
from qualification.models.choices import OutreachOrder, OutreachTrigger, Queue, Tier

POLICY: dict[str, Any] = {
    "mql_threshold": 70,
    "mql_min_fit": 20,
    "pql_usage_threshold": 45,
    # Fit alone reaches about 45; hot means strong fit *and* strong signals.
    "tier_hot": 100,
    "tier_warm": 75,
    "tier_cool": 50,
    "outreach_order": OutreachOrder.PQL_FIRST,
    "hand_raiser_events": [v.CONTACT_SALES_REQUESTED],
    "limit_events": [v.USAGE_LIMIT_REACHED],
    "purchase_events": [v.ORDER_COMPLETED],
    "account_pql_min_users": 3,
    "account_pql_window_days": 7,
}

# The SDR teams' clocks run on Berlin business hours, whatever time zone a rep works in.
CALENDAR: dict[str, Any] = {
    "name": "Sales Berlin",
    "timezone": "Europe/Berlin",
    "workdays": ["mon", "tue", "wed", "thu", "fri"],
    "day_start": "09:00",
    "day_end": "17:00",
}
BUSINESS_DAY = 8 * 60  # minutes, 09:00-17:00

# (queue, tier) -> (response business minutes, warn once this share of it is used).
# Product-qualified leads asked or used; they expect an answer the same morning.
SLA_MINUTES: dict[tuple[str, int], tuple[int, int]] = {
    (Queue.PQL, Tier.HOT): (60, 75),
    (Queue.PQL, Tier.WARM): (4 * 60, 75),
    (Queue.PQL, Tier.COOL): (BUSINESS_DAY, 75),
    (Queue.PQL, Tier.COLD): (2 * BUSINESS_DAY, 75),
    (Queue.MQL, Tier.HOT): (2 * 60, 75),
    (Queue.MQL, Tier.WARM): (BUSINESS_DAY, 75),
    (Queue.MQL, Tier.COOL): (2 * BUSINESS_DAY, 75),
    (Queue.MQL, Tier.COLD): (5 * BUSINESS_DAY, 80),
}


def sla_policies() -> list[dict[str, Any]]:
    """One policy per queue and tier, all on the ``CALENDAR`` (its ``calendar`` is set by
    the loader), the clock starting when the lead qualifies."""
    return [
        {
            "queue": queue,
            "tier": tier,
            "response_minutes": response,
            "warning_percent": warning,
            "clock_starts": "qualification",
        }
        for (queue, tier), (response, warning) in SLA_MINUTES.items()
    ]


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian; the anonymous algorithm in Meeus' *Astronomical Algorithms*)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def berlin_holidays(year: int) -> list[tuple[date, str]]:
    """Public holidays in Berlin for one year: the days the SDR teams' clocks stand still."""
    easter = _easter(year)
    return sorted(
        [
            (date(year, 1, 1), "New Year's Day"),
            (date(year, 3, 8), "International Women's Day"),
            (easter - timedelta(days=2), "Good Friday"),
            (easter + timedelta(days=1), "Easter Monday"),
            (date(year, 5, 1), "Labour Day"),
            (easter + timedelta(days=39), "Ascension Day"),
            (easter + timedelta(days=50), "Whit Monday"),
            (date(year, 10, 3), "German Unity Day"),
            (date(year, 12, 24), "Christmas Eve (office closed)"),
            (date(year, 12, 25), "Christmas Day"),
            (date(year, 12, 26), "Boxing Day"),
            (date(year, 12, 31), "New Year's Eve (office closed)"),
        ]
    )


COMPANY_DAY_OFF = "Company day off (team offsite)"


def demo_holidays(today: date) -> list[tuple[date, str]]:
    """Berlin's holidays for last year to next year, and one company day off two to three
    weeks ago (a Friday), so the demo always shows a clock that waited over a holiday."""
    days = dict(
        item
        for year in (today.year - 1, today.year, today.year + 1)
        for item in berlin_holidays(year)
    )
    friday = today - timedelta(days=14 + (today.weekday() - 4) % 7)
    while friday in days:
        friday -= timedelta(days=7)
    days[friday] = COMPANY_DAY_OFF
    return sorted(days.items())


# Opening messages an SDR can adapt; placeholders are MessageTemplate.PLACEHOLDERS.
MESSAGE_TEMPLATES: tuple[dict[str, str], ...] = (
    {
        "name": "Free-plan limit reached",
        "trigger": OutreachTrigger.USAGE_LIMIT,
        "subject": "You've outgrown the free plan's {limit}",
        "body": (
            "Hi {first_name},\n\n"
            "I noticed {account} reached the free plan's {limit} limit in {product} {when}. "
            "That usually means the team relies on it day to day.\n\n"
            "The Team plan lifts the limit and adds shared dashboards. If it helps, I can "
            "set up a 30-day trial of it so nothing stops while you decide.\n\n"
            "Best,\n{sender}"
        ),
    },
    {
        "name": "Heavy use of a feature",
        "trigger": OutreachTrigger.HEAVY_USAGE,
        "subject": "How {account} uses {feature}",
        "body": (
            "Hi {first_name},\n\n"
            "Your team has been using {feature} in {product} a lot lately. I work with "
            "teams who lean on it the same way, and there are two or three setups that save "
            "them hours.\n\n"
            "Would 20 minutes this week be useful?\n\n{sender}"
        ),
    },
    {
        "name": "Team milestone",
        "trigger": OutreachTrigger.MILESTONE,
        "subject": "{teammates} people at {account} are on {product} now",
        "body": (
            "Hi {first_name},\n\n"
            "Congratulations: {teammates} people at {account} now work in {product}. Teams "
            "at this point usually want single sign-on and shared permissions.\n\n"
            "Happy to show you how other teams rolled it out.\n\n{sender}"
        ),
    },
    {
        "name": "Asked to talk to sales",
        "trigger": OutreachTrigger.HAND_RAISE,
        "subject": "Your request for {request}",
        "body": (
            "Hi {first_name},\n\n"
            "Thanks for asking for {request} {when}. I'm {sender}, and I look after "
            "teams like {account}.\n\n"
            "What would you like to cover? I can share pricing for your team size or walk "
            "through the features you asked about.\n\n{sender}"
        ),
    },
    {
        "name": "Interested in our content",
        "trigger": OutreachTrigger.CONTENT_INTEREST,
        "subject": "A follow-up on {content}",
        "body": (
            "Hi {first_name},\n\n"
            'I saw you read "{content}". Many teams at companies like {account} pick it up '
            "when they are rethinking how leads get qualified.\n\n"
            "If it's useful, I can show how other teams put it into practice with "
            "{product}.\n\n{sender}"
        ),
    },
    {
        "name": "General introduction",
        "trigger": OutreachTrigger.GENERAL,
        "subject": "{product} for {account}",
        "body": (
            "Hi {first_name},\n\n"
            "I'm {sender} from the {product} team. We help revenue teams agree on which "
            "leads are ready and reach them first.\n\n"
            "Would a short call next week make sense?\n\n{sender}"
        ),
    },
)
