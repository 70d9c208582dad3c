"""What ops would have configured on day one: the policy, SLA policies and outreach templates.

Glossary terms and criteria live in their own modules; this one holds the rest of the
catalog the demo loads. The policy's event lists name exactly the events the generator
emits for hand-raisers, limits and purchases, so all four PQL kinds appear in the demo.
"""

from __future__ import annotations

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

# The SDR team works from Berlin; every clock runs in its business hours.
SLA_TIMEZONE = "Europe/Berlin"
SLA_WORKDAYS = ["mon", "tue", "wed", "thu", "fri"]
BUSINESS_DAY = 8 * 60  # minutes, 09:00-17:00

# (queue, tier) -> (response business minutes, warn when this many remain).
# Product-qualified leads asked or used; they expect an answer the same morning.
SLA_MINUTES: dict[tuple[str, int], tuple[int, int]] = {
    (Queue.PQL, Tier.HOT): (60, 15),
    (Queue.PQL, Tier.WARM): (4 * 60, 60),
    (Queue.PQL, Tier.COOL): (BUSINESS_DAY, 2 * 60),
    (Queue.PQL, Tier.COLD): (2 * BUSINESS_DAY, 4 * 60),
    (Queue.MQL, Tier.HOT): (2 * 60, 30),
    (Queue.MQL, Tier.WARM): (BUSINESS_DAY, 2 * 60),
    (Queue.MQL, Tier.COOL): (2 * BUSINESS_DAY, 4 * 60),
    (Queue.MQL, Tier.COLD): (5 * BUSINESS_DAY, BUSINESS_DAY),
}


def sla_policies() -> list[dict[str, Any]]:
    """One policy per queue and tier, in the SDR team's business hours."""
    return [
        {
            "queue": queue,
            "tier": tier,
            "response_minutes": response,
            "warning_minutes": warning,
            "timezone": SLA_TIMEZONE,
            "business_day_start": "09:00",
            "business_day_end": "17:00",
            "workdays": list(SLA_WORKDAYS),
        }
        for (queue, tier), (response, warning) in SLA_MINUTES.items()
    ]


# Opening messages an SDR can adapt; placeholders are MessageTemplate.PLACEHOLDERS.
MESSAGE_TEMPLATES: tuple[dict[str, str], ...] = (
    {
        "name": "Free-plan limit reached",
        "trigger": OutreachTrigger.USAGE_LIMIT,
        "subject": "You've outgrown the free plan's {limit}",
        "body": (
            "Hi {first_name},\n\n"
            "I noticed {account} just reached the free plan's {limit} limit in {product}. "
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
            "Your team has been using {feature} in {product} a lot this week. I work with "
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
        "subject": "Re: your question about {product}",
        "body": (
            "Hi {first_name},\n\n"
            "Thanks for reaching out from inside {product}. I'm {sender}, and I look after "
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
