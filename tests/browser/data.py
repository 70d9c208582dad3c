"""A small, realistic data set so the screenshots show what users will see."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from qualification.models import Account, Feedback, GlossaryTerm, Lead
from tests.factories import criterion, known_event

TERMS = [
    (
        "MQL",
        "mql",
        "marketing",
        "Marketing qualified lead: a lead whose marketing engagement (intent) and fit together "
        "reach the MQL threshold. Sales works MQLs from the MQL queue.",
        "Downloaded the pricing guide and attended a webinar, at a 200-person SaaS company\n"
        "Requested a demo from a company in a served country",
    ),
    (
        "PQL",
        "pql",
        "product",
        "Product qualified lead: a user or account whose use of the product shows buying "
        "intent — usage criteria met, a hand-raise, a free-plan limit reached, or a "
        "self-serve purchase.",
        "Invited 3 teammates and connected an integration in the first week\n"
        "Hit the 5-project limit on the free plan",
    ),
    (
        "Ideal customer profile",
        "ideal-customer-profile",
        "ops",
        "The companies we sell to: B2B software and services firms with 50 to 2,000 "
        "employees in the countries we serve.",
        "",
    ),
    (
        "Hand-raiser",
        "hand-raiser",
        "product",
        "A user who asks to talk to sales from inside the product (contact sales, request a "
        "quote). Always a PQL, whatever the score.",
        "",
    ),
]

CRITERIA = [
    {
        "key": "pricing-page-views",
        "name": "Pricing page interest",
        "kind": "intent",
        "signal_type": "event",
        "event_name": "Pricing Page Viewed",
        "measure": "count",
        "threshold": 3,
        "window_days": 7,
        "points": 15,
        "half_life_days": 14,
        "reason_template": "Viewed the pricing page {times} {window}",
        "owner_team": "marketing",
        "term": "mql",
    },
    {
        "key": "demo-request",
        "name": "Demo requested",
        "kind": "intent",
        "signal_type": "event",
        "event_name": "Demo Requested",
        "measure": "count",
        "threshold": 1,
        "window_days": 30,
        "points": 30,
        "reason_template": "Requested a demo {last_seen}",
        "owner_team": "marketing",
        "term": "mql",
    },
    {
        "key": "teammates-invited",
        "name": "Invited teammates",
        "kind": "usage",
        "signal_type": "event",
        "event_name": "Teammate Invited",
        "measure": "count",
        "threshold": 3,
        "window_days": 14,
        "points": 10,
        "points_mode": "per_occurrence",
        "max_occurrences": 3,
        "reason_template": "Invited {count} teammates {window}",
        "owner_team": "product",
        "term": "pql",
    },
    {
        "key": "active-days",
        "name": "Regular use",
        "kind": "usage",
        "signal_type": "event",
        "event_name": "Feature Used",
        "measure": "distinct_days",
        "threshold": 4,
        "window_days": 14,
        "points": 20,
        "reason_template": "Active on {days} days {window}",
        "owner_team": "product",
        "term": "pql",
    },
    {
        "key": "company-size",
        "name": "Company size in ICP",
        "kind": "fit",
        "signal_type": "attribute",
        "attribute": "account.employee_count",
        "operator": "between",
        "value": [50, 2000],
        "points": 20,
        "reason_template": "{account} has {employees} employees",
        "owner_team": "ops",
        "term": "ideal-customer-profile",
    },
    {
        "key": "served-country",
        "name": "Served country",
        "kind": "disqualifier",
        "signal_type": "attribute",
        "attribute": "account.country",
        "operator": "not_in",
        "value": ["US", "GB", "DE", "FR", "NL"],
        "points": 0,
        "reason_template": "Based in {country}, which we do not serve",
        "owner_team": "ops",
        "term": "ideal-customer-profile",
    },
    {
        "key": "student-email",
        "name": "Student email",
        "kind": "negative",
        "signal_type": "attribute",
        "attribute": "lead.email_domain",
        "operator": "contains",
        "value": ".edu",
        "points": -25,
        "reason_template": "Signed up with a student address",
        "owner_team": "marketing",
        "is_active": False,
    },
]


def seed(editor: User) -> dict[str, GlossaryTerm]:
    """Terms (last edited by ``editor``), criteria, 40 leads and some recent feedback."""
    terms: dict[str, GlossaryTerm] = {}
    for term, slug, team, definition, examples in TERMS:
        obj = GlossaryTerm(
            term=term, slug=slug, owner_team=team, definition=definition, examples=examples
        )
        obj._history_user = editor
        obj.save()
        terms[slug] = obj
    for spec in CRITERIA:
        spec = dict(spec)
        term = spec.pop("term", None)
        if spec["signal_type"] == "event":
            # Intent is marketing engagement, usage is product engagement.
            known_event(spec["event_name"], "marketing" if spec["kind"] == "intent" else "product")
        criterion(glossary_term=terms.get(term) if term else None, **spec)

    account = Account.objects.create(
        name="Acme Analytics", domain="acme.example", employee_count=240, country="DE"
    )
    now = timezone.now()
    mix = (
        [("new", "none", "none", 1)] * 12
        + [("new", "none", "none", 2)] * 5
        + [("mql", "mql", "mql", 3)] * 6
        + [("mql", "mql", "mql", 4)] * 3
        + [("active_user", "none", "none", 2)] * 4
        + [("pql", "pql", "pql", 4)] * 4
        + [("sql", "none", "none", 3)] * 3
        + [("opportunity", "none", "none", 4)] * 1
        + [("disqualified", "none", "none", 1)] * 2
    )
    leads = []
    for i, (stage, qualification, queue, tier) in enumerate(mix):
        leads.append(
            Lead(
                account=account,
                email=f"person{i}@acme.example",
                first_name=f"Person{i}",
                stage=stage,
                qualification=qualification,
                pql_kind="usage" if qualification == "pql" else "",
                queue=queue,
                tier=tier,
                owner=editor if i % 3 == 0 and queue != "none" else None,
                claimed_at=now if i % 3 == 0 and queue != "none" else None,
            )
        )
    Lead.objects.bulk_create(leads)
    saved = list(Lead.objects.order_by("id")[:6])
    for lead, outcome in zip(
        saved, ["accepted", "accepted", "rejected", "accepted", "no_response", "won"], strict=True
    ):
        Feedback.objects.create(
            lead=lead,
            outcome=outcome,
            reason="no_budget" if outcome == "rejected" else "",
            author=editor,
        )
    Feedback.objects.filter(outcome="won").update(created_at=now - timedelta(days=20))
    return terms
