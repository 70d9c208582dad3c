"""The shared vocabulary, defined once: criterion kinds, stages and their groups, queues, tiers.

Plain values, no Django: the models' choices (``qualification/models/choices.py``) store
the same strings and numbers, and ``tests/core/test_vocabulary.py`` keeps the two equal.
Every other use (the queue selector and filters, claims, the SDR actions, the rescore, the
lifecycle table, the tier badges) derives from the groups here instead of listing stages.
"""

from __future__ import annotations

KIND_FIT = "fit"
KIND_INTENT = "intent"
KIND_USAGE = "usage"
KIND_NEGATIVE = "negative"
KIND_DISQUALIFIER = "disqualifier"
# Kinds whose points count in the sub-score of their own name; only these can nearly fire.
POSITIVE_KINDS = (KIND_FIT, KIND_INTENT, KIND_USAGE)

QUALIFICATION_NONE = "none"
QUALIFICATION_MQL = "mql"
QUALIFICATION_PQL = "pql"

PQL_USAGE = "usage"
PQL_HAND_RAISER = "hand_raiser"
PQL_LIMIT_REACHED = "limit_reached"
PQL_SELF_SERVE = "self_serve"

PQL_LEVEL_USER = "user"
PQL_LEVEL_ACCOUNT = "account"

ORDER_MQL_FIRST = "mql_first"
ORDER_PQL_FIRST = "pql_first"
ORDER_PARALLEL = "parallel"

# Lifecycle stages, in funnel order.
STAGE_NEW = "new"
STAGE_MQL = "mql"
STAGE_ACTIVE_USER = "active_user"
STAGE_PQL = "pql"
STAGE_SQL = "sql"
STAGE_OPPORTUNITY = "opportunity"
STAGE_CUSTOMER = "customer"
STAGE_RECYCLED = "recycled"
STAGE_DISQUALIFIED = "disqualified"
STAGES = (
    STAGE_NEW,
    STAGE_MQL,
    STAGE_ACTIVE_USER,
    STAGE_PQL,
    STAGE_SQL,
    STAGE_OPPORTUNITY,
    STAGE_CUSTOMER,
    STAGE_RECYCLED,
    STAGE_DISQUALIFIED,
)

# The stage groups. A lead is *open* before sales takes it: scoring moves it between these
# stages (``scoring/lifecycle.py``). Of those, the stages a qualified lead can have are the
# *SDR-workable* ones: what the queues hold and what an SDR may claim, be assigned or touch
# (a lead that qualifies leaves ``new`` in the same rescore, so ``new`` never sits in a queue).
# Every other stage is *closed*: sales owns the lead, or it left the funnel with a reason.
# Closed stages are terminal for scoring; only people move a lead out of them.
OPEN_STAGES = (STAGE_NEW, STAGE_MQL, STAGE_ACTIVE_USER, STAGE_PQL)
SDR_WORKABLE_STAGES = (STAGE_MQL, STAGE_ACTIVE_USER, STAGE_PQL)
SALES_STAGES = (STAGE_SQL, STAGE_OPPORTUNITY, STAGE_CUSTOMER)
EXIT_STAGES = (STAGE_RECYCLED, STAGE_DISQUALIFIED)
CLOSED_STAGES = (*SALES_STAGES, *EXIT_STAGES)

# What a criterion may read about a lead (``lead.<name>``) and its account
# (``account.<name>``), besides any trait; the aggregation pass fetches exactly these.
LEAD_ATTRIBUTES = ("email", "email_domain", "title", "source", "first_name", "last_name")
ACCOUNT_ATTRIBUTES = (
    "name",
    "domain",
    "industry",
    "employee_count",
    "country",
    "business_model",
    "plan",
)

QUEUE_NONE = "none"
QUEUE_MQL = "mql"
QUEUE_PQL = "pql"
QUEUE_CS = "cs"  # customer success: self-serve buyers, not an SDR queue
SDR_QUEUES = (QUEUE_MQL, QUEUE_PQL)
# The SDR queue pages and the stored queues each shows ("mine": the viewer's own leads).
QUEUE_SCOPES: dict[str, tuple[str, ...]] = {
    "mql": (QUEUE_MQL,),
    "pql": (QUEUE_PQL,),
    "all": SDR_QUEUES,
    "mine": SDR_QUEUES,
}
# The order every queue (page, tab, REST list) shows its leads in: hottest tier, then the
# score weighted by the freshness of its qualifying signal (``core.scoring.priority``),
# then score and latest signal; the id keeps the order total. The queue pages also put
# leads whose SLA is about to run out first within a tier (``selectors.queues``).
QUEUE_PRIORITY = ("-tier", "-priority", "-total_score", "-last_signal_at", "-id")

TIER_COLD = 1
TIER_COOL = 2
TIER_WARM = 3
TIER_HOT = 4
# The tier's name: its label in lower case, and the CSS class of its badges and dots.
TIER_NAMES = {TIER_COLD: "cold", TIER_COOL: "cool", TIER_WARM: "warm", TIER_HOT: "hot"}


def tier_name(tier: int | None) -> str:
    """ "hot" for 4; an unknown value reads as cold rather than failing a page."""
    return TIER_NAMES.get(tier or TIER_COLD, "cold")
