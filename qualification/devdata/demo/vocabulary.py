"""The facts the demo catalog and the demo generator must agree on.

Criteria count events by name and read attributes by value; the generator emits those
names and values. Keeping both sides on these constants means a criterion in the demo
can always match something in the demo data.
"""

from __future__ import annotations

from qualification.models.choices import SignalSource

# Marketing signals (website, email and events tools).
PAGE_VIEWED = "Page Viewed"
PRICING_PAGE_VIEWED = "Pricing Page Viewed"
CONTENT_DOWNLOADED = "Content Downloaded"
EMAIL_CLICKED = "Email Clicked"
WEBINAR_REGISTERED = "Webinar Registered"
WEBINAR_ATTENDED = "Webinar Attended"
DEMO_REQUESTED = "Demo Requested"
EMAIL_UNSUBSCRIBED = "Email Unsubscribed"

# Product signals (the product's own tracking).
SIGNED_UP = "Signed Up"
SESSION_STARTED = "Session Started"
ACTIVATION_STEP_COMPLETED = "Activation Step Completed"
FEATURE_USED = "Feature Used"
TEAMMATE_INVITED = "Teammate Invited"
INTEGRATION_CONNECTED = "Integration Connected"
USAGE_LIMIT_REACHED = "Usage Limit Reached"
UPGRADE_PAGE_VIEWED = "Upgrade Page Viewed"
CONTACT_SALES_REQUESTED = "Contact Sales Requested"
CHECKOUT_STARTED = "Checkout Started"
ORDER_COMPLETED = "Order Completed"
TRIAL_WENT_QUIET = "Trial Went Quiet"

MARKETING_EVENTS = frozenset(
    {
        PAGE_VIEWED,
        PRICING_PAGE_VIEWED,
        CONTENT_DOWNLOADED,
        EMAIL_CLICKED,
        WEBINAR_REGISTERED,
        WEBINAR_ATTENDED,
        DEMO_REQUESTED,
        EMAIL_UNSUBSCRIBED,
    }
)
PRODUCT_EVENTS = frozenset(
    {
        SIGNED_UP,
        SESSION_STARTED,
        ACTIVATION_STEP_COMPLETED,
        FEATURE_USED,
        TEAMMATE_INVITED,
        INTEGRATION_CONNECTED,
        USAGE_LIMIT_REACHED,
        UPGRADE_PAGE_VIEWED,
        CONTACT_SALES_REQUESTED,
        CHECKOUT_STARTED,
        ORDER_COMPLETED,
        TRIAL_WENT_QUIET,
    }
)


def source_of(event_name: str) -> str:
    """The source an event arrives from: the tool that emits it decides, never the lead."""
    return SignalSource.PRODUCT if event_name in PRODUCT_EVENTS else SignalSource.MARKETING


# The three steps that make an account "activated" (see the glossary term).
ACTIVATION_STEPS = ("workspace_created", "data_source_connected", "first_report_shared")
FEATURES = ("reports", "dashboards", "automations", "exports", "alerts")
INTEGRATIONS = ("salesforce", "hubspot", "slack", "snowflake", "google_sheets", "zapier")
# Free-plan limits: what runs out, and how much the free plan allows.
FREE_PLAN_LIMITS = {"projects": 3, "seats": 5, "monthly_exports": 10}
PAID_PLANS = {"team": 49, "business": 99}  # price per seat per month, USD

# The ideal customer profile, as the fit and disqualifier criteria spell it out.
ICP_INDUSTRIES = (
    "Software",
    "Financial services",
    "E-commerce",
    "Marketing agency",
    "Professional services",
    "Healthcare technology",
)
OTHER_B2B_INDUSTRIES = ("Construction", "Logistics", "Manufacturing", "Nonprofit")
B2C_INDUSTRIES = ("Consumer retail", "Fitness", "Restaurants", "Travel")
ICP_MIN_EMPLOYEES = 50
ICP_MAX_EMPLOYEES = 5000
MIN_EMPLOYEES = 10  # below this, too small to buy a team plan
SERVED_COUNTRIES = ("US", "CA", "GB", "IE", "DE", "FR", "NL", "SE", "DK", "ES", "AU")
UNSERVED_COUNTRIES = ("BR", "IN", "ZA", "JP", "MX")
# Rough UTC offsets, so that people act during their own working day.
UTC_OFFSET_HOURS = {
    "US": -5,
    "CA": -5,
    "GB": 0,
    "IE": 0,
    "DE": 1,
    "FR": 1,
    "NL": 1,
    "SE": 1,
    "DK": 1,
    "ES": 1,
    "AU": 10,
    "BR": -3,
    "IN": 5.5,
    "ZA": 2,
    "JP": 9,
    "MX": -6,
}
SENIOR_LEVELS = ("director", "vp", "c_level")
BUYER_ROLES = ("revenue_operations", "sales", "marketing", "data")
SUPPORTED_CRMS = ("salesforce", "hubspot")

COMPETITOR_DOMAINS = ("pipewise.io", "leadlens.com")
PERSONAL_EMAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "hotmail.com",
    "icloud.com",
    "proton.me",
)
STUDENT_EMAIL_DOMAINS = ("students.northfield.edu", "mail.lakeshore.edu", "alumni.westbrook.edu")
