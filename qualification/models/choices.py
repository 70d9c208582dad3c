"""Shared vocabulary (DESIGN.md): every enumerated value the models and the pure core agree on."""

from django.db import models


class Team(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    PRODUCT = "product", "Product"
    SALES = "sales", "Sales"
    OPS = "ops", "Revenue operations"


class BusinessModel(models.TextChoices):
    B2B = "b2b", "B2B"
    B2C = "b2c", "B2C"


class Plan(models.TextChoices):
    NONE = "none", "No plan"
    FREE = "free", "Free"
    TRIAL = "trial", "Trial"
    PAID = "paid", "Paid"


class SignalSource(models.TextChoices):
    """Where an event came from; the ingestion key's source decides it."""

    MARKETING = "marketing", "Marketing"
    PRODUCT = "product", "Product"


class LifecycleStage(models.TextChoices):
    NEW = "new", "New"
    MQL = "mql", "MQL"
    ACTIVE_USER = "active_user", "Active user"
    PQL = "pql", "PQL"
    SQL = "sql", "SQL"
    OPPORTUNITY = "opportunity", "Opportunity"
    CUSTOMER = "customer", "Customer"
    RECYCLED = "recycled", "Recycled"
    DISQUALIFIED = "disqualified", "Disqualified"


class Qualification(models.TextChoices):
    NONE = "none", "Not qualified"
    MQL = "mql", "MQL"
    PQL = "pql", "PQL"


class PQLKind(models.TextChoices):
    USAGE = "usage", "Usage criteria met"
    HAND_RAISER = "hand_raiser", "Hand-raiser"
    LIMIT_REACHED = "limit_reached", "Limit reached"
    SELF_SERVE = "self_serve", "Self-serve purchase"


class Queue(models.TextChoices):
    NONE = "none", "No queue"
    MQL = "mql", "MQL queue"
    PQL = "pql", "PQL queue"
    CUSTOMER_SUCCESS = "cs", "Customer success"


class Tier(models.IntegerChoices):
    """Stored as a number so that queue ordering is a plain descending index."""

    COLD = 1, "Cold"
    COOL = 2, "Cool"
    WARM = 3, "Warm"
    HOT = 4, "Hot"


class CriterionKind(models.TextChoices):
    FIT = "fit", "Fit (who they are)"
    INTENT = "intent", "Intent (marketing engagement)"
    USAGE = "usage", "Usage (product engagement)"
    NEGATIVE = "negative", "Negative"
    DISQUALIFIER = "disqualifier", "Disqualifier"


class CriterionScope(models.TextChoices):
    MQL = "mql", "MQL"
    PQL = "pql", "PQL"
    BOTH = "both", "MQL and PQL"


class SignalType(models.TextChoices):
    EVENT = "event", "Event"
    ATTRIBUTE = "attribute", "Lead or account attribute"


class Measure(models.TextChoices):
    COUNT = "count", "Number of events"
    DISTINCT_DAYS = "distinct_days", "Distinct days active"


class Operator(models.TextChoices):
    EQUALS = "eq", "equals"
    IN = "in", "is one of"
    NOT_IN = "not_in", "is not one of"
    GTE = "gte", "at least"
    LTE = "lte", "at most"
    BETWEEN = "between", "between"
    CONTAINS = "contains", "contains"
    IS_SET = "is_set", "is set"


class PointsMode(models.TextChoices):
    ONCE = "once", "Once when the condition holds"
    PER_OCCURRENCE = "per_occurrence", "For each matching event (up to the cap)"


class OutreachOrder(models.TextChoices):
    MQL_FIRST = "mql_first", "MQL first"
    PQL_FIRST = "pql_first", "PQL first"
    PARALLEL = "parallel", "Parallel (PQL queue owns, MQL shown too)"


class TransitionCause(models.TextChoices):
    CRITERION = "criterion", "Criterion"
    FEEDBACK = "feedback", "Sales feedback"
    MANUAL = "manual", "Manual"
    IMPORT = "import", "Import"


class FeedbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted (SQL)"
    REJECTED = "rejected", "Rejected"
    NO_RESPONSE = "no_response", "No response"
    CONVERTED = "converted", "Converted to opportunity"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class FeedbackReason(models.TextChoices):
    NOT_ICP = "not_icp", "Not ICP"
    NO_BUDGET = "no_budget", "No budget"
    NO_AUTHORITY = "no_authority", "No authority"
    NO_NEED = "no_need", "No need"
    BAD_TIMING = "bad_timing", "Bad timing"
    STUDENT = "student", "Student or personal"
    COMPETITOR = "competitor", "Competitor"
    EXISTING_CUSTOMER = "existing_customer", "Existing customer"
    SPAM = "spam", "Spam or bad data"
    LOST_TO_COMPETITOR = "lost_to_competitor", "Lost to a competitor"
    PRICE = "price", "Price"
    MISSING_FEATURE = "missing_feature", "Missing feature"
    WENT_DARK = "went_dark", "Went dark"
    OTHER = "other", "Other"


REJECTION_REASONS = frozenset(
    {
        FeedbackReason.NOT_ICP,
        FeedbackReason.NO_BUDGET,
        FeedbackReason.NO_AUTHORITY,
        FeedbackReason.NO_NEED,
        FeedbackReason.BAD_TIMING,
        FeedbackReason.STUDENT,
        FeedbackReason.COMPETITOR,
        FeedbackReason.EXISTING_CUSTOMER,
        FeedbackReason.SPAM,
        FeedbackReason.OTHER,
    }
)
LOSS_REASONS = frozenset(
    {
        FeedbackReason.LOST_TO_COMPETITOR,
        FeedbackReason.NO_BUDGET,
        FeedbackReason.PRICE,
        FeedbackReason.MISSING_FEATURE,
        FeedbackReason.BAD_TIMING,
        FeedbackReason.WENT_DARK,
        FeedbackReason.OTHER,
    }
)


class OutreachTrigger(models.TextChoices):
    USAGE_LIMIT = "usage_limit", "Usage limit reached"
    HEAVY_USAGE = "heavy_usage", "Heavy feature use"
    MILESTONE = "milestone", "Success milestone"
    HAND_RAISE = "hand_raise", "Hand-raise"
    CONTENT_INTEREST = "content_interest", "Content interest"
    GENERAL = "general", "General"


def values_sql(choices: type[models.Choices]) -> list:
    """The stored values of a choices class, for CheckConstraints."""
    return [value for value, _label in choices.choices]
