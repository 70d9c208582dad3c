"""Marketing journeys: people who read, click, attend and sometimes ask for a demo.

Each journey writes events on a person's timeline, oldest first. The content catalog
below is what the demo company publishes; the events carry the properties a website or
email tool would send (path, campaign, title), so the property filters in the criteria
(e.g. {"category": "case-study"}) have something to match.
"""

from __future__ import annotations

from typing import Any

from qualification.devdata.demo import vocabulary as v
from qualification.devdata.demo.timeline import Person, Step

BLOG_POSTS = (
    "/blog/mql-vs-pql",
    "/blog/speed-to-lead",
    "/blog/lead-scoring-sales-trusts",
    "/blog/revops-metrics-that-matter",
    "/blog/plg-sales-handoff",
    "/blog/running-an-icp-workshop",
    "/blog/what-counts-as-activation",
)
PRODUCT_PAGES = ("/product", "/product/reports", "/product/integrations", "/security")
CASE_STUDIES = ("/customers/northwind", "/customers/harbor-health", "/customers/brightline")
GUIDES = (
    ("The PLG Sales Playbook", "ebook"),
    ("RevOps Benchmark Report 2025", "report"),
    ("Lead Scoring Template", "template"),
    ("SLA Calculator", "spreadsheet"),
    ("Qualifying Leads Without the Spreadsheet", "ebook"),
)
WEBINARS = (
    "Building a PQL motion in 30 days",
    "Speed to lead: the first hour matters",
    "What sales wants from marketing",
)
CAMPAIGNS = (
    "monthly-newsletter",
    "plg-nurture-3",
    "webinar-invite",
    "benchmark-report-promo",
    "product-update",
)


def _page(path: str, category: str, referrer: str = "") -> Step:
    props: dict[str, Any] = {"path": path, "category": category}
    if referrer:
        props["referrer"] = referrer
    return (v.PAGE_VIEWED, props)


def visit(p: Person, day: int, *, pricing: int = 0, case_study: bool = False) -> None:
    """A website visit: a blog post or two, perhaps a product page, a story or pricing."""
    rng = p.rng
    referrer = rng.choice(("google", "linkedin", "newsletter", "direct", "g2"))
    steps = [_page(rng.choice(BLOG_POSTS), "blog", referrer)]
    if rng.random() < 0.6:
        steps.append(_page(rng.choice(BLOG_POSTS), "blog"))
    if rng.random() < 0.4:
        steps.append(_page(rng.choice(PRODUCT_PAGES), "product"))
    if case_study:
        steps.append(_page(rng.choice(CASE_STUDIES), "case-study"))
    steps.extend((v.PRICING_PAGE_VIEWED, {"path": "/pricing"}) for _ in range(pricing))
    p.session(day, steps, gap_minutes=(0.5, 5))


def email_click(p: Person, day: int) -> None:
    """Clicked a link in a campaign email and landed on the page it pointed to."""
    campaign = p.rng.choice(CAMPAIGNS)
    path = p.rng.choice(BLOG_POSTS + CASE_STUDIES)
    category = "case-study" if path.startswith("/customers") else "blog"
    p.session(
        day,
        [
            (v.EMAIL_CLICKED, {"campaign": campaign, "link": path}),
            _page(path, category, "email"),
        ],
    )


def download(p: Person, day: int) -> None:
    title, kind = p.rng.choice(GUIDES)
    slug = title.lower().replace(" ", "-").replace(":", "")
    p.session(
        day,
        [
            _page(f"/resources/{slug}", "resources"),
            (v.CONTENT_DOWNLOADED, {"title": title, "format": kind}),
        ],
    )
    p.facts.setdefault("content", title)


def webinar(p: Person, registered_day: int) -> None:
    """Registered from an invite; about half attend, a few days later."""
    name = p.rng.choice(WEBINARS)
    p.session(
        registered_day,
        [
            (v.EMAIL_CLICKED, {"campaign": "webinar-invite", "link": "/webinars"}),
            (v.WEBINAR_REGISTERED, {"webinar": name}),
        ],
    )
    attend_day = registered_day - p.rng.randint(2, 9)
    if attend_day >= 1 and p.rng.random() < 0.55:
        p.session(attend_day, [(v.WEBINAR_ATTENDED, {"webinar": name, "minutes": 45})])


def nurture(p: Person, oldest: int, newest: int, sessions: int, *, emails: bool = True) -> None:
    """Ordinary content engagement on up to ``sessions`` days between oldest and newest."""
    if oldest < newest:
        return
    days = list(range(oldest, newest - 1, -1))
    weekdays = [d for d in days if not p.timeline.is_weekend(d)] or days
    chosen = sorted(p.rng.sample(weekdays, min(sessions, len(weekdays))), reverse=True)
    webinar_done = False
    for day in chosen:
        roll = p.rng.random()
        if emails and roll < 0.35:
            email_click(p, day)
        elif roll < 0.5:
            download(p, day)
        elif emails and roll < 0.56 and not webinar_done and day > 3:
            webinar(p, day)
            webinar_done = True
        else:
            visit(p, day, case_study=p.rng.random() < 0.15)


def reader(p: Person) -> None:
    """Reads the blog and clicks newsletters for months; never signs up, rarely looks at pricing."""
    rng = p.rng
    start = rng.randint(10, 89)
    nurture(p, start, 0, rng.randint(6, 26))
    if rng.random() < 0.2:
        visit(p, rng.randint(0, start), pricing=1)
    if rng.random() < 0.05:
        p.session(
            rng.randint(0, start), [_page("/careers", "careers"), _page("/careers", "careers")]
        )


def evaluator(p: Person) -> None:
    """Reads for a while, then a burst of evaluation: pricing, stories, often a demo request."""
    rng = p.rng
    burst_end = rng.choice((0, 0, 1, 2, 3, 5, 8, 12, 20, 30, 45))
    burst_start = burst_end + rng.randint(2, 6)
    nurture(p, min(89, burst_start + rng.randint(10, 50)), burst_start + 1, rng.randint(3, 10))
    burst_days = list(range(burst_start, burst_end - 1, -1))
    views = 0
    for index, day in enumerate(burst_days):
        last = index == len(burst_days) - 1
        if not last and rng.random() < 0.35:
            continue
        pricing = rng.randint(1, 2)
        visit(p, day, pricing=pricing, case_study=rng.random() < 0.6)
        views += pricing
        if views >= 3:
            p.qualify(p.timeline.last(v.PRICING_PAGE_VIEWED), "mql", "pricing-page-views")
    if rng.random() < 0.65:
        at = p.session(
            burst_end,
            [
                _page("/demo", "demo"),
                (
                    v.DEMO_REQUESTED,
                    {
                        "form": "book-a-demo",
                        "team_size": rng.choice(("11-50", "51-200", "201-1000", "1000+")),
                        "use_case": rng.choice(("lead scoring", "sla tracking", "plg handoff")),
                    },
                ),
            ],
        )
        p.facts.pop("qualified_at", None)  # the demo request is the stronger reason
        p.qualify(at, "mql", "demo-requested")


def unsubscriber(p: Person) -> None:
    """Engaged with email for a while, then unsubscribed; never clicks an email again."""
    rng = p.rng
    start = rng.randint(30, 89)
    unsubscribed = rng.randint(1, start - 10)
    nurture(p, start, unsubscribed + 1, rng.randint(4, 12))
    at = p.session(
        unsubscribed,
        [
            (v.EMAIL_CLICKED, {"campaign": "monthly-newsletter", "link": "/unsubscribe"}),
            (v.EMAIL_UNSUBSCRIBED, {"list": "newsletter", "campaign": "monthly-newsletter"}),
        ],
    )
    p.facts["unsubscribed_at"] = at
    # Some still find the blog through search afterwards, without any email.
    nurture(p, unsubscribed - 1, 0, rng.randint(0, 3), emails=False)
