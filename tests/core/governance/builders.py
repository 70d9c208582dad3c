"""Small builders for the governance tests: snapshots and score results."""

from __future__ import annotations

import copy
from typing import Any

from qualification.core.scoring import Contribution, ScoreResult

PRICING: dict[str, Any] = {
    "name": "Pricing page views",
    "description": "Viewed the pricing page",
    "kind": "intent",
    "applies_to": "mql",
    "signal_type": "event",
    "event_name": "Pricing Viewed",
    "property_filter": {},
    "measure": "count",
    "threshold": 3,
    "window_days": 7,
    "attribute": "",
    "operator": "",
    "value": None,
    "points": 20,
    "points_mode": "once",
    "max_occurrences": None,
    "half_life_days": None,
    "reason_template": "Viewed pricing {times} {window}",
    "owner_team": "marketing",
    "is_active": True,
    "glossary_term": None,
}

POLICY: dict[str, Any] = {
    "mql_threshold": 60,
    "mql_min_fit": 10,
    "pql_usage_threshold": 40,
    "tier_hot": 80,
    "tier_warm": 50,
    "tier_cool": 25,
    "outreach_order": "pql_first",
    "hand_raiser_events": ["Contact Sales"],
    "limit_events": [],
    "purchase_events": ["Plan Purchased"],
    "account_pql_min_users": 3,
    "account_pql_window_days": 7,
}


def criterion(**changes: Any) -> dict[str, Any]:
    """The pricing criterion with some fields changed."""
    return {**copy.deepcopy(PRICING), **changes}


def snapshot(criteria: dict[str, dict[str, Any]] | None = None, **policy: Any) -> dict[str, Any]:
    """A content snapshot: the given criteria (default: pricing) and the policy with changes."""
    if criteria is None:
        criteria = {"pricing": criterion()}
    return {"criteria": copy.deepcopy(criteria), "policy": {**copy.deepcopy(POLICY), **policy}}


def contribution(key: str, points: int, reason: str = "", kind: str = "intent") -> Contribution:
    return Contribution(
        key=key,
        name=key,
        kind=kind,
        points=points,
        subscore="" if kind == "disqualifier" else kind,
        reason=reason or f"{key} gave {points}",
    )


def result(
    total: int = 0,
    tier: int = 1,
    queue: str = "none",
    *,
    contributions: tuple[Contribution, ...] = (),
    disqualifiers: tuple[Contribution, ...] = (),
) -> ScoreResult:
    """A result whose qualification follows its queue (as the engine's does)."""
    qualification = queue if queue in ("mql", "pql") else "none"
    if queue == "cs":
        qualification = "pql"
    return ScoreResult(
        fit=0,
        intent=total,
        usage=0,
        total=total,
        tier=tier,
        contributions=contributions,
        qualification=qualification,
        queue=queue,
        disqualified=bool(disqualifiers),
        disqualifiers=disqualifiers,
        disqualification_reasons=tuple(d.reason for d in disqualifiers),
    )
