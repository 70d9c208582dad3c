"""The demo's default criteria: how our demo company decides who is an MQL or a PQL.

Every entry is one rule ops can read aloud. Event names and attribute values come from
``vocabulary`` so each rule matches something the generator emits. Points follow a simple
budget: fit tops out at 45, so an MQL (70 in the demo policy) always needs real intent on
top; a single strong intent or usage signal is worth 20-40; a hand-raise alone is enough
for a PQL. Disqualifiers carry no points: they mark a lead as outside the ICP.
"""

from __future__ import annotations

from typing import Any

from qualification.devdata.demo import vocabulary as v
from qualification.models.choices import CriterionKind as K
from qualification.models.choices import CriterionScope as S
from qualification.models.choices import Team as T


def _attr(
    key: str,
    name: str,
    kind: str,
    scope: str,
    attribute: str,
    operator: str,
    value: Any,
    points: int,
    reason: str,
    term: str,
    owner: str,
    description: str = "",
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "applies_to": scope,
        "signal_type": "attribute",
        "attribute": attribute,
        "operator": operator,
        "value": value,
        "points": points,
        "reason_template": reason,
        "term": term,
        "owner_team": owner,
        "description": description,
    }


def _event(
    key: str,
    name: str,
    kind: str,
    scope: str,
    event_name: str,
    points: int,
    reason: str,
    term: str,
    owner: str,
    *,
    threshold: int = 1,
    window_days: int | None = None,
    measure: str = "count",
    property_filter: dict[str, Any] | None = None,
    points_mode: str = "once",
    max_occurrences: int | None = None,
    half_life_days: float | None = None,
    description: str = "",
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "applies_to": scope,
        "signal_type": "event",
        "event_name": event_name,
        "property_filter": property_filter or {},
        "measure": measure,
        "threshold": threshold,
        "window_days": window_days,
        "points": points,
        "points_mode": points_mode,
        "max_occurrences": max_occurrences,
        "half_life_days": half_life_days,
        "reason_template": reason,
        "term": term,
        "owner_team": owner,
        "description": description,
    }


# One line per argument would triple this table; keep each rule readable as a block.
# fmt: off
CRITERIA: tuple[dict[str, Any], ...] = (
    # --- Fit: who they are -------------------------------------------------------------
    _attr("icp-industry", "ICP industry", K.FIT, S.BOTH, "account.industry", "in",
          list(v.ICP_INDUSTRIES), 10, "Works in {industry}, one of our core industries",
          "icp", T.SALES),
    _attr("icp-company-size", "Company size 50-5,000", K.FIT, S.BOTH, "account.employee_count",
          "between", [v.ICP_MIN_EMPLOYEES, v.ICP_MAX_EMPLOYEES], 10,
          "{account} has {employees} employees, the size we win most often", "icp", T.SALES),
    _attr("served-country", "Country we sell to", K.FIT, S.BOTH, "account.country", "in",
          list(v.SERVED_COUNTRIES), 5, "Based in {country}, where we have a sales team",
          "icp", T.SALES),
    _attr("b2b-company", "Sells to businesses", K.FIT, S.BOTH, "account.business_model", "eq",
          "b2b", 5, "{account} sells to businesses", "icp", T.MARKETING),
    _attr("senior-title", "Senior decision maker", K.FIT, S.BOTH, "lead.traits.seniority", "in",
          list(v.SENIOR_LEVELS), 8, "Holds a senior role ({value}) and can sign off a purchase",
          "fit", T.MARKETING),
    _attr("buyer-role", "Works in a buying team", K.FIT, S.BOTH, "lead.traits.role", "in",
          list(v.BUYER_ROLES), 4, "Works in {value}, the team that owns pipeline reporting",
          "fit", T.MARKETING),
    _attr("supported-crm", "Runs a CRM we connect to", K.FIT, S.BOTH, "account.traits.crm", "in",
          list(v.SUPPORTED_CRMS), 3, "Runs {value}, which connects in one click", "fit",
          T.MARKETING),
    # --- Intent: marketing engagement --------------------------------------------------
    _event("pricing-page-views", "Pricing page views", K.INTENT, S.MQL, v.PRICING_PAGE_VIEWED,
           20, "Viewed the pricing page {times} {window}", "intent", T.MARKETING,
           threshold=3, window_days=7, half_life_days=7),
    _event("demo-requested", "Demo requested", K.INTENT, S.MQL, v.DEMO_REQUESTED, 35,
           "Asked for a demo {last_seen}", "mql", T.MARKETING, window_days=30),
    _event("webinar-attended", "Webinar attended", K.INTENT, S.MQL, v.WEBINAR_ATTENDED, 10,
           "Attended a webinar {window}", "intent", T.MARKETING, window_days=60,
           half_life_days=30),
    _event("content-downloads", "Guides downloaded", K.INTENT, S.MQL, v.CONTENT_DOWNLOADED, 5,
           "Downloaded {count} guides {window}", "intent", T.MARKETING, window_days=30,
           points_mode="per_occurrence", max_occurrences=4, half_life_days=14),
    _event("email-clicks", "Email clicks", K.INTENT, S.MQL, v.EMAIL_CLICKED, 5,
           "Clicked through our emails {times} {window}", "intent", T.MARKETING,
           threshold=2, window_days=30),
    _event("case-study-reads", "Case studies read", K.INTENT, S.MQL, v.PAGE_VIEWED, 10,
           "Read {count} customer stories {window}", "intent", T.MARKETING, threshold=2,
           window_days=30, property_filter={"category": "case-study"}),
    # --- Usage: product engagement -----------------------------------------------------
    _event("signed-up", "Signed up", K.USAGE, S.PQL, v.SIGNED_UP, 5, "Signed up {last_seen}",
           "active-user", T.PRODUCT),
    _event("activation-complete", "Activation complete", K.USAGE, S.PQL,
           v.ACTIVATION_STEP_COMPLETED, 15, "Completed all {count} activation steps",
           "activation", T.PRODUCT, threshold=len(v.ACTIVATION_STEPS)),
    _event("reports-built", "Builds reports", K.USAGE, S.PQL, v.FEATURE_USED, 10,
           "Built reports {times} {window}", "active-user", T.PRODUCT, threshold=5,
           window_days=14, property_filter={"feature": "reports"}, half_life_days=14),
    _event("automations-used", "Uses automations", K.USAGE, S.PQL, v.FEATURE_USED, 10,
           "Set up automations {times} {window}", "active-user", T.PRODUCT, threshold=2,
           window_days=30, property_filter={"feature": "automations"}),
    _event("teammates-invited", "Teammates invited", K.USAGE, S.PQL, v.TEAMMATE_INVITED, 15,
           "Invited {count} teammates {window}", "pql", T.PRODUCT, threshold=2, window_days=30),
    _event("integration-connected", "Integration connected", K.USAGE, S.PQL,
           v.INTEGRATION_CONNECTED, 15, "Connected an integration {last_seen}", "activation",
           T.PRODUCT),
    _event("active-days", "Active on many days", K.USAGE, S.PQL, v.SESSION_STARTED, 15,
           "Active on {days} of the last 14 days", "active-user", T.PRODUCT, threshold=5,
           window_days=14, measure="distinct_days"),
    _event("usage-limit-reached", "Usage limit reached", K.USAGE, S.PQL, v.USAGE_LIMIT_REACHED,
           25, "Hit a free-plan limit {last_seen}", "usage-limit", T.PRODUCT, window_days=30),
    _event("contact-sales", "Asked to talk to sales", K.USAGE, S.PQL, v.CONTACT_SALES_REQUESTED,
           40, "Asked to talk to sales from the product {last_seen}", "hand-raiser", T.PRODUCT,
           window_days=30),
    _event("upgrade-page-views", "Upgrade page views", K.USAGE, S.PQL, v.UPGRADE_PAGE_VIEWED, 10,
           "Looked at upgrade options {times} {window}", "usage-limit", T.PRODUCT, threshold=2,
           window_days=14),
    # --- Negative ----------------------------------------------------------------------
    _event("unsubscribed", "Unsubscribed from email", K.NEGATIVE, S.MQL, v.EMAIL_UNSUBSCRIBED,
           -20, "Unsubscribed from our emails {last_seen}", "unsubscribed", T.MARKETING),
    _event("trial-went-quiet", "Trial went quiet", K.NEGATIVE, S.PQL, v.TRIAL_WENT_QUIET, -15,
           "No product activity for 14 days (noticed {last_seen})", "trial-gone-quiet",
           T.PRODUCT, window_days=30),
    _event("careers-page", "Looked at job openings", K.NEGATIVE, S.MQL, v.PAGE_VIEWED, -10,
           "Visited our careers page {last_seen}: may be a job seeker", "fit", T.MARKETING,
           window_days=30, property_filter={"category": "careers"}),
    # --- Disqualifiers: outside the ICP ------------------------------------------------
    _attr("country-not-served", "Country we do not sell to", K.DISQUALIFIER, S.BOTH,
          "account.country", "not_in", list(v.SERVED_COUNTRIES), 0,
          "Based in {country}, a market we do not sell to", "disqualified", T.SALES),
    _attr("too-small", "Fewer than 10 employees", K.DISQUALIFIER, S.BOTH,
          "account.employee_count", "lte", v.MIN_EMPLOYEES - 1, 0,
          "{account} has only {employees} employees", "disqualified", T.SALES),
    _attr("competitor", "Works for a competitor", K.DISQUALIFIER, S.BOTH, "lead.email_domain",
          "in", list(v.COMPETITOR_DOMAINS), 0, "Works at a competitor ({value})", "competitor",
          T.SALES),
    _attr("personal-email", "Personal email address", K.DISQUALIFIER, S.BOTH,
          "lead.email_domain", "in", list(v.PERSONAL_EMAIL_DOMAINS), 0,
          "Signed up with a personal address ({value})", "disqualified", T.MARKETING),
    _attr("student-email", "Student email address", K.DISQUALIFIER, S.BOTH, "lead.email_domain",
          "contains", ".edu", 0, "Uses a school address ({value})", "disqualified",
          T.MARKETING),
    _attr("consumer-business", "Consumer business", K.DISQUALIFIER, S.BOTH,
          "account.business_model", "eq", "b2c", 0,
          "{account} sells to consumers, not businesses", "icp", T.SALES),
)
# fmt: on
