"""Qualification: tier, MQL, PQL kind by precedence, and routing by outreach order.

Pure: called by ``engine.score_lead`` with the sub-scores it computed.

Tiers: total ≥ tier_hot → hot (4), ≥ tier_warm → warm (3), ≥ tier_cool → cool (2),
else cold (1); a disqualified lead is cold.

* MQL: fit + intent ≥ mql_threshold, fit ≥ mql_min_fit, and fit + intent > 0.
* PQL kinds, first match wins: self_serve (a purchase event seen) > hand_raiser >
  limit_reached (any event of the policy's lists, as carried by
  ``LeadSignals.policy_events``) > usage (usage ≥ pql_usage_threshold and usage > 0,
  user level) > usage at account level (below).
* Account-level PQL: the lead has an account, ``signals.account_active_users ≥
  account_pql_min_users``, and the lead itself is one of those active users (colleagues
  who never used the product are not queued). An *active user* is a lead for which some
  event-based usage criterion's threshold is reached counting only the events of the last
  ``account_pql_window_days`` days; the aggregation pass counts them per account (this
  lead included) and may say whether this lead is one (``signals.account_active``). When
  it does not (None), the engine approximates with ``meets_usage_criteria``: a usage
  criterion fires for the lead and its latest matching event is within the account window.
* Both MQL and PQL: ``mql_first`` → MQL queue; ``pql_first`` → PQL queue; ``parallel``
  → PQL queue with ``also_mql=True``. A self-serve purchase always goes to customer
  success (queue ``cs``), whatever the order: the lead has already bought.
* Reasons: a PQL trigger (purchase, hand-raise, limit, account-level usage) is the
  first reason; then each non-zero contribution's sentence, strongest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from qualification.core.scoring.conditions import event_condition
from qualification.core.scoring.reasons import ReasonContext, format_relative, render_reason
from qualification.core.scoring.types import (
    CriterionSpec,
    LeadSignals,
    PolicySpec,
    build_frozen,
)
from qualification.core.vocabulary import (
    KIND_USAGE,
    ORDER_MQL_FIRST,
    ORDER_PARALLEL,
    PQL_HAND_RAISER,
    PQL_LEVEL_ACCOUNT,
    PQL_LEVEL_USER,
    PQL_LIMIT_REACHED,
    PQL_SELF_SERVE,
    PQL_USAGE,
    QUALIFICATION_MQL,
    QUALIFICATION_NONE,
    QUALIFICATION_PQL,
    QUEUE_CS,
    QUEUE_MQL,
    QUEUE_NONE,
    QUEUE_PQL,
    TIER_COLD,
    TIER_COOL,
    TIER_HOT,
    TIER_WARM,
)
from qualification.core.wording import WHEN_SLOT, event_label


def tier_for(total: int, policy: PolicySpec) -> int:
    if total >= policy.tier_hot:
        return TIER_HOT
    if total >= policy.tier_warm:
        return TIER_WARM
    if total >= policy.tier_cool:
        return TIER_COOL
    return TIER_COLD


def meets_usage_criteria(
    criteria: Sequence[CriterionSpec], signals: LeadSignals, policy: PolicySpec, now: datetime
) -> bool:
    """Whether this lead is one of its account's active users, from its own signals.

    True when an event-based usage criterion fires for the lead and its latest matching
    event is within the last ``policy.account_pql_window_days`` days. Used when the
    aggregation pass leaves ``LeadSignals.account_active`` as None.
    """
    since = now - timedelta(days=policy.account_pql_window_days)
    for spec in criteria:
        if spec.kind != KIND_USAGE or not spec.is_event:
            continue
        signal = signals.event(spec.key)
        if event_condition(spec, signal) and signal.last_seen and signal.last_seen >= since:
            return True
    return False


def _counts_as_active(
    criteria: Sequence[CriterionSpec], signals: LeadSignals, policy: PolicySpec, now: datetime
) -> bool:
    if signals.account_active is not None:
        return signals.account_active
    return meets_usage_criteria(criteria, signals, policy, now)


_TRIGGERS = (
    (PQL_SELF_SERVE, "purchase_events", "Bought without talking to sales"),
    (PQL_HAND_RAISER, "hand_raiser_events", "Asked for sales in the product"),
    (PQL_LIMIT_REACHED, "limit_events", "Hit a plan limit"),
)


def _latest_event(names: Sequence[str], signals: LeadSignals) -> str | None:
    """Which of the event ``names`` the lead did most recently (None: none of them)."""
    events = signals.policy_events
    if not events:  # most leads: no hand-raise, limit or purchase at all
        return None
    seen = [name for name in names if name in events and events[name].count > 0]
    if not seen:
        return None
    return max(
        seen, key=lambda name: (events[name].last_seen is not None, events[name].last_seen or 0)
    )


class PQLMatch(NamedTuple):
    """The kind of PQL a lead is, at which level, and the sentence that says why.

    A trigger event's sentence says when it happened: ``reason_when`` is the same sentence
    with ``wording.WHEN_SLOT`` for that time and ``seen_at`` the moment, so a display can
    say it as it is when read (``wording.reason_now``).
    """

    kind: str = ""  # "" when the lead is no PQL
    level: str = ""
    reason: str = ""
    reason_when: str = ""
    seen_at: datetime | None = None


_NO_PQL = PQLMatch()


def pql_kind_for(
    criteria: Sequence[CriterionSpec],
    signals: LeadSignals,
    policy: PolicySpec,
    usage: int,
    now: datetime,
) -> PQLMatch:
    """The PQL the lead is, by precedence (an empty ``PQLMatch`` when none)."""
    for kind, field_name, text in _TRIGGERS:
        name = _latest_event(getattr(policy, field_name), signals)
        if name is not None:
            seen_at = signals.policy_events[name].last_seen
            reason_when = f"{text} ({event_label(name)}, {WHEN_SLOT})"
            reason = reason_when.replace(WHEN_SLOT, format_relative(seen_at, now))
            return PQLMatch(kind, PQL_LEVEL_USER, reason, reason_when, seen_at)
    if usage > 0 and usage >= policy.pql_usage_threshold:
        reason = (
            f"Product usage score {usage} meets the PQL threshold of {policy.pql_usage_threshold}"
        )
        return PQLMatch(PQL_USAGE, PQL_LEVEL_USER, reason)
    if (
        signals.facts.account
        and signals.account_active_users >= policy.account_pql_min_users
        and _counts_as_active(criteria, signals, policy, now)
    ):
        ctx = ReasonContext(
            users=signals.account_active_users,
            account=signals.account_name,
            window_days=policy.account_pql_window_days,
        )
        reason = render_reason("{users} people at {account} met usage criteria {window}", ctx, now)
        return PQLMatch(PQL_USAGE, PQL_LEVEL_ACCOUNT, reason)
    return _NO_PQL


def meets_mql(fit: int, intent: int, policy: PolicySpec) -> bool:
    score = fit + intent
    return score > 0 and score >= policy.mql_threshold and fit >= policy.mql_min_fit


@dataclass(frozen=True)
class Routing:
    """Where a lead goes: what to store, and the raw tests behind it."""

    qualification: str = QUALIFICATION_NONE
    pql_kind: str = ""
    pql_level: str = ""
    queue: str = QUEUE_NONE
    also_mql: bool = False
    meets_mql: bool = False
    meets_pql: bool = False
    reason: str = ""  # why it is qualified (or disqualified)
    trigger: str = ""  # a PQL trigger sentence to lead the reasons, or ""
    reason_when: str = ""  # ``reason`` with its time slot, when it says one (PQLMatch)
    seen_at: datetime | None = None


# Routing is built once per lead; a frozen dataclass's __init__ is slow (types.build_frozen).
_ROUTING_DEFAULTS = {f.name: f.default for f in fields(Routing)}
_NOT_QUALIFIED = Routing()


def _routing(**values: Any) -> Routing:
    return build_frozen(Routing, {**_ROUTING_DEFAULTS, **values})


def route(
    criteria: Sequence[CriterionSpec],
    signals: LeadSignals,
    policy: PolicySpec,
    now: datetime,
    *,
    fit: int,
    intent: int,
    usage: int,
    disqualification: str = "",
) -> Routing:
    """Qualify a lead and pick its queue by the policy's outreach order."""
    mql = meets_mql(fit, intent, policy)
    kind, level, pql_reason, reason_when, seen_at = pql_kind_for(
        criteria, signals, policy, usage, now
    )
    pql = bool(kind)
    trigger = pql_reason if pql and (kind != PQL_USAGE or level == PQL_LEVEL_ACCOUNT) else ""
    if disqualification:
        return _routing(meets_mql=mql, meets_pql=pql, reason=disqualification)
    if pql and (not mql or policy.outreach_order != ORDER_MQL_FIRST or kind == PQL_SELF_SERVE):
        return _routing(
            qualification=QUALIFICATION_PQL,
            pql_kind=kind,
            pql_level=level,
            queue=QUEUE_CS if kind == PQL_SELF_SERVE else QUEUE_PQL,
            also_mql=mql and policy.outreach_order == ORDER_PARALLEL,
            meets_mql=mql,
            meets_pql=pql,
            reason=pql_reason,
            trigger=trigger,
            reason_when=reason_when,
            seen_at=seen_at,
        )
    if mql:
        reason = (
            f"Fit and intent score {fit + intent} meets the MQL threshold of {policy.mql_threshold}"
        )
        return _routing(
            qualification=QUALIFICATION_MQL,
            queue=QUEUE_MQL,
            meets_mql=True,
            meets_pql=pql,
            reason=reason,
            trigger=trigger,
        )
    return _NOT_QUALIFIED
