"""The scoring engine's inputs and outputs: frozen dataclasses, no Django.

The aggregation pass (``selectors/aggregation.py``) fetches rows that ``selectors/signals.py``
builds into these; the engine computes on them only (Saleor style). Every output has
``to_dict()`` producing a JSON-safe dict (datetimes as ISO 8601 strings), because the
breakdown is stored as JSON.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from qualification.core.vocabulary import (
    ORDER_PQL_FIRST,
    QUALIFICATION_NONE,
    QUEUE_NONE,
    TIER_NAMES,
)

_T = TypeVar("_T")


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO strings and tuples/sets as lists, recursively."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def build_frozen(cls: type[_T], values: Mapping[str, Any], /, **changes: Any) -> _T:
    """A frozen dataclass instance from ``values`` naming **every** field in field order,
    with ``changes`` replacing some of them.

    Why: a frozen dataclass's generated ``__init__`` sets each field through
    ``object.__setattr__``; for ``Contribution``'s 17 fields that takes about ten times as
    long as filling ``__dict__`` directly, and the engine builds several per lead in a full
    rescore. The instance is the same (equality, ``repr``, ``vars()``, field order). Only for
    classes without ``__post_init__`` or slots; ``tests/core/scoring/test_prepared.py``
    compares the result with the constructor's.
    """
    instance = object.__new__(cls)
    fields = instance.__dict__
    fields.update(values)
    if changes:
        fields.update(changes)
    return instance


def field_template(cls: type) -> dict[str, Any]:
    """Every field of a dataclass, in order, set to None: a base for ``build_frozen``."""
    return dict(_field_names(cls))


@functools.cache
def _field_names(cls: type) -> dict[str, None]:
    return dict.fromkeys(f.name for f in dataclasses.fields(cls))


class _ToDict:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (``json.dumps`` accepts it)."""
        return jsonable(self)


@dataclass(frozen=True)
class CriterionSpec(_ToDict):
    """One criterion, as the engine sees it: the model's definition fields plus identity."""

    key: str
    name: str
    kind: str
    points: int
    reason_template: str
    applies_to: str = "both"
    signal_type: str = "event"
    # Event signals
    event_name: str = ""
    property_filter: Mapping[str, Any] = field(default_factory=dict)
    measure: str = "count"
    threshold: int = 1
    window_days: int | None = None
    # Attribute signals
    attribute: str = ""
    operator: str = ""
    value: Any = None
    # Points
    points_mode: str = "once"
    max_occurrences: int | None = None
    half_life_days: float | None = None
    glossary_term: str | None = None  # the glossary term's slug
    id: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CriterionSpec:
        """Build from a dict keyed by the model's field names; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        if values.get("property_filter") is None:
            values["property_filter"] = {}
        return cls(**values)

    @property
    def is_event(self) -> bool:
        return self.signal_type == "event"


@dataclass(frozen=True)
class PolicySpec(_ToDict):
    """The active qualification policy (defaults match the model's)."""

    mql_threshold: int = 60
    mql_min_fit: int = 10
    pql_usage_threshold: int = 40
    tier_hot: int = 80
    tier_warm: int = 50
    tier_cool: int = 25
    outreach_order: str = ORDER_PQL_FIRST
    hand_raiser_events: Sequence[str] = ()
    limit_events: Sequence[str] = ()
    purchase_events: Sequence[str] = ()
    account_pql_min_users: int = 3
    account_pql_window_days: int = 7


@dataclass(frozen=True)
class EventSignal(_ToDict):
    """One lead's matching events for one criterion (or one policy event).

    ``count`` and ``distinct_days`` are within the criterion's window (or ever);
    ``decayed_sum`` is the sum over those events of ``0.5 ** (age_days / half_life)``,
    or None when the criterion does not decay.
    """

    count: int = 0
    distinct_days: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    decayed_sum: float | None = None


@dataclass(frozen=True)
class LeadFacts(_ToDict):
    """What a lead and its account are: the dicts attribute criteria read.

    ``lead``: email, email_domain, title, source, first_name, last_name, traits.
    ``account``: name, domain, industry, employee_count, country, business_model, plan,
    traits; None when the lead has no account.
    """

    lead: Mapping[str, Any] = field(default_factory=dict)
    account: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class LeadSignals(_ToDict):
    """Everything the engine needs about one lead, fetched by the aggregation pass.

    ``events``: per criterion key, the lead's matching events in that criterion's window.
    ``policy_events``: per event name in the policy's hand-raiser, limit and purchase
    lists, the lead's events of that name (ever; only ``count`` and ``last_seen`` are read).
    ``account_active_users``: how many leads of the lead's account (this one included)
    reached some event-based usage criterion's threshold counting only the events of the
    last ``policy.account_pql_window_days`` days. ``account_active``: whether this lead is
    one of them (same test); None lets the engine judge from ``events`` instead
    (``qualify.meets_usage_criteria``).
    ``signed_up``: the lead has signed up for the product (for the active-user stage).
    """

    facts: LeadFacts = field(default_factory=LeadFacts)
    events: Mapping[str, EventSignal] = field(default_factory=dict)
    policy_events: Mapping[str, EventSignal] = field(default_factory=dict)
    account_active_users: int = 0
    account_active: bool | None = None
    signed_up: bool = False

    @property
    def account_name(self) -> str | None:
        account = self.facts.account
        if not account:
            return None
        return account.get("name") or account.get("domain") or None

    def event(self, criterion_key: str) -> EventSignal:
        """The signal for a criterion; no events → an empty signal."""
        return self.events.get(criterion_key) or EventSignal()


@dataclass(frozen=True)
class Contribution(_ToDict):
    """One criterion's itemized part of a score, with its evidence and sentence."""

    key: str
    name: str
    kind: str
    points: int  # after decay and rounding; what the sub-score received
    subscore: str  # fit, intent, usage, or "" for a disqualifier
    reason: str
    signal_type: str = "event"
    base_points: int = 0  # before decay: points, or points x occurrences
    occurrences: int | None = None  # per_occurrence: the occurrences paid (capped)
    count: int | None = None
    days: int | None = None
    window_days: int | None = None
    last_seen: datetime | None = None
    decay: float | None = None  # the factor applied, None without decay
    attribute: str = ""
    value: Any = None
    glossary_term: str | None = None
    # ``reason`` with ``wording.WHEN_SLOT`` where ``last_seen`` is said ("Hit a limit {when}"),
    # so displays say it as it is when read (``wording.reason_now``); "" when it says no time.
    reason_when: str = ""


@dataclass(frozen=True)
class NearMiss(_ToDict):
    """An event criterion that nearly fired (at least half its threshold): an SDR question."""

    key: str
    name: str
    kind: str
    measure: str
    have: int
    threshold: int
    window_days: int | None
    points: int
    description: str


@dataclass(frozen=True)
class ScoreResult(_ToDict):
    """A lead's score, qualification and every reason for them.

    ``qualification`` / ``pql_kind`` / ``queue`` are what to store after the outreach
    order; ``meets_mql`` / ``meets_pql`` are the raw tests before it.
    """

    fit: int
    intent: int
    usage: int
    total: int
    tier: int
    contributions: tuple[Contribution, ...] = ()
    reasons: tuple[str, ...] = ()
    qualification: str = QUALIFICATION_NONE
    pql_kind: str = ""
    pql_level: str = ""
    queue: str = QUEUE_NONE
    also_mql: bool = False
    meets_mql: bool = False
    meets_pql: bool = False
    qualification_reason: str = ""
    disqualified: bool = False
    disqualifiers: tuple[Contribution, ...] = ()
    disqualification_reasons: tuple[str, ...] = ()
    unknown_attributes: tuple[str, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()
    strongest_signal_at: datetime | None = None
    signed_up: bool = False
    # ``qualification_reason`` with its time slot and the moment (``wording.reason_now``).
    qualification_reason_when: str = ""
    qualification_seen_at: datetime | None = None

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]

    def to_dict(self) -> dict[str, Any]:
        data = jsonable(self)
        data["tier_name"] = self.tier_name
        return data
