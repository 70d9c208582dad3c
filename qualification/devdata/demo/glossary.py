"""The demo glossary: the shared definitions marketing, product and sales agree on.

Each entry is written the way the owning team would explain it to a new colleague, with
examples taken from the demo data, so the glossary page reads like a real team's.
"""

from __future__ import annotations

from typing import TypedDict

from qualification.models.choices import Team


class TermSpec(TypedDict):
    slug: str
    term: str
    owner_team: str
    definition: str
    examples: str


TERMS: tuple[TermSpec, ...] = (
    {
        "slug": "mql",
        "term": "MQL (marketing qualified lead)",
        "owner_team": Team.MARKETING,
        "definition": (
            "A person who fits our ideal customer profile and has shown enough interest in our "
            "marketing to be worth a conversation: their fit and intent points together reach "
            "the MQL threshold. An MQL has not necessarily used the product."
        ),
        "examples": (
            "A VP of Sales at a 400-person software company who requested a demo\n"
            "A RevOps manager who viewed the pricing page four times this week and attended "
            "a webinar"
        ),
    },
    {
        "slug": "pql",
        "term": "PQL (product qualified lead)",
        "owner_team": Team.PRODUCT,
        "definition": (
            "A person or account that has seen real value in the product and is likely to buy. "
            "We recognise four kinds: usage criteria met, hand-raiser, limit reached and "
            "self-serve purchase. Self-serve buyers go to customer success, not to the SDRs."
        ),
        "examples": (
            "A trial user who connected Salesforce, invited three teammates and built reports "
            "on five days this fortnight\n"
            "A free-plan team that hit the project limit and opened the upgrade page"
        ),
    },
    {
        "slug": "sql",
        "term": "SQL (sales qualified lead)",
        "owner_team": Team.SALES,
        "definition": (
            "An MQL or PQL that a rep has spoken to and accepted: there is a real need, someone "
            "who can decide, and a reason to talk now. Only sales can make a lead an SQL, by "
            "logging 'accepted' feedback."
        ),
        "examples": "A hand-raiser who confirmed budget for 20 seats this quarter",
    },
    {
        "slug": "icp",
        "term": "ICP (ideal customer profile)",
        "owner_team": Team.SALES,
        "definition": (
            "The companies we win and keep: B2B companies of 50 to 5,000 people in software, "
            "financial services, e-commerce, agencies, professional services or healthcare "
            "technology, in a country we sell to. Fit criteria award points for each part of "
            "the profile; disqualifiers mark what is clearly outside it."
        ),
        "examples": (
            "In: a 250-person fintech in Dublin running Salesforce\n"
            "Out: a 6-person bakery chain, a consumer app, a company in a market we do not serve"
        ),
    },
    {
        "slug": "fit",
        "term": "Fit",
        "owner_team": Team.MARKETING,
        "definition": (
            "How closely a person and their company match the ICP, regardless of what they "
            "have done. Fit is about who they are: industry, size, country, role and seniority."
        ),
        "examples": "A director of revenue operations at a 900-person SaaS company: high fit",
    },
    {
        "slug": "intent",
        "term": "Intent signal",
        "owner_team": Team.MARKETING,
        "definition": (
            "Something a person did with our marketing that suggests they are evaluating a "
            "purchase: pricing page visits, demo requests, webinars, guides downloaded, email "
            "clicks. Recent signals count more than old ones."
        ),
        "examples": "Viewed pricing three times in a week\nDownloaded the RevOps benchmark report",
    },
    {
        "slug": "activation",
        "term": "Activation",
        "owner_team": Team.PRODUCT,
        "definition": (
            "The moment a new user has set up enough to see the product work for them. We count "
            "three steps: created a workspace, connected a data source, shared a first report. "
            "Users who complete all three in their first week convert far more often."
        ),
        "examples": "Signed up Monday, connected HubSpot Tuesday, shared a report Wednesday",
    },
    {
        "slug": "active-user",
        "term": "Active user",
        "owner_team": Team.PRODUCT,
        "definition": (
            "Someone who has signed up and uses the product but has not (yet) met a PQL "
            "criterion. An active day is a day with at least one session; we look at active "
            "days in the last 14 days rather than logins in total."
        ),
        "examples": "Active on 6 of the last 14 days",
    },
    {
        "slug": "hand-raiser",
        "term": "Hand-raiser",
        "owner_team": Team.PRODUCT,
        "definition": (
            "A user who asked to talk to sales from inside the product (the contact-sales "
            "button, the help widget, the pricing modal). A hand-raiser is a PQL at once and "
            "goes to the top of the PQL queue: they asked, so answer quickly."
        ),
        "examples": "Clicked 'Talk to sales' on the seats page: 'We need SSO for 40 people'",
    },
    {
        "slug": "usage-limit",
        "term": "Usage limit",
        "owner_team": Team.PRODUCT,
        "definition": (
            "A ceiling of the free plan: 3 projects, 5 seats or 10 exports a month. Reaching one "
            "means the team depends on the product enough to outgrow the free plan, so it makes "
            "them a PQL of the kind 'limit reached'."
        ),
        "examples": "Hit the 5-seat limit while inviting a sixth teammate",
    },
    {
        "slug": "self-serve-purchase",
        "term": "Self-serve purchase",
        "owner_team": Team.PRODUCT,
        "definition": (
            "A team that bought a paid plan on its own, without talking to sales. They become "
            "customers immediately and are routed to customer success for onboarding and "
            "expansion, not to an SDR."
        ),
        "examples": "Bought the Team plan for 8 seats by card after a 12-day trial",
    },
    {
        "slug": "trial-gone-quiet",
        "term": "Trial gone quiet",
        "owner_team": Team.PRODUCT,
        "definition": (
            "A trial with no product activity for 14 days. The product emits 'Trial Went Quiet' "
            "when it happens; it takes points away until the user comes back."
        ),
        "examples": "Signed up, created a workspace, never returned",
    },
    {
        "slug": "unsubscribed",
        "term": "Unsubscribed",
        "owner_team": Team.MARKETING,
        "definition": (
            "The person asked not to receive marketing email. We never email them again from "
            "nurture programs, and their intent score drops: they told us they are not "
            "interested right now."
        ),
        "examples": "Clicked 'unsubscribe' in the monthly newsletter",
    },
    {
        "slug": "recycled",
        "term": "Recycled",
        "owner_team": Team.SALES,
        "definition": (
            "A lead sales sent back to marketing nurture with a reason (bad timing, no budget, "
            "went dark, lost the deal). Recycled leads can qualify again later; the reason "
            "tells the next rep what happened."
        ),
        "examples": "Rejected for bad timing: 'budget opens in Q3, call back in June'",
    },
    {
        "slug": "disqualified",
        "term": "Disqualified",
        "owner_team": Team.SALES,
        "definition": (
            "A lead we will not work: outside the ICP (a market we do not serve, under 10 "
            "people, a consumer business), a competitor, or a personal or student address. "
            "Disqualified leads never enter a queue, whatever their score."
        ),
        "examples": "A student at a .edu address downloading our guides for coursework",
    },
    {
        "slug": "competitor",
        "term": "Competitor",
        "owner_team": Team.SALES,
        "definition": (
            "Someone from a company that sells a product like ours. They often sign up to look "
            "around; we do not spend sales time on them."
        ),
        "examples": "A product manager at pipewise.io starting a trial",
    },
    {
        "slug": "opportunity",
        "term": "Opportunity",
        "owner_team": Team.SALES,
        "definition": (
            "An SQL with a defined deal: an amount, a decision process and a close date. The "
            "rep logs 'converted to opportunity' when the first discovery call confirms them."
        ),
        "examples": "25 Business seats, security review in progress, close date end of month",
    },
    {
        "slug": "first-touch",
        "term": "First touch",
        "owner_team": Team.SALES,
        "definition": (
            "The first time a rep reaches a qualified lead personally (call, email or LinkedIn "
            "message). The SLA clock stops at the first touch, not at the claim."
        ),
        "examples": "Claimed at 10:02, called at 10:20: first touch 18 minutes after qualifying",
    },
    {
        "slug": "sla",
        "term": "SLA (response time)",
        "owner_team": Team.OPS,
        "definition": (
            "How soon a qualified lead must get a first touch, in business hours of the sales "
            "team. It depends on the queue and the tier: a hot PQL within one business hour, a "
            "cold MQL within two business days."
        ),
        "examples": "Hot PQL: 60 business minutes, warning at 15 minutes left",
    },
    {
        "slug": "tier",
        "term": "Tier",
        "owner_team": Team.OPS,
        "definition": (
            "Hot, warm, cool or cold, from the total score and the thresholds in the active "
            "qualification policy. Queues sort by tier first, then score, then the most recent "
            "signal."
        ),
        "examples": "Hot: 100 points and above\nWarm: 75 to 99\nCool: 50 to 74",
    },
)
