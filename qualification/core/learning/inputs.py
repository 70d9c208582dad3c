"""What the learner knows about one lead at the moment that counts (no Django).

A ``LeadInputs`` is stored as JSON in ``LeadSnapshot.inputs`` when sales first acts on a
lead, and built the same way for every open lead when the likelihood is computed, so the
model sees training and live leads through one definition. Nothing here names a
criterion's threshold or a trait's meaning: traits arrive through ``identify`` with any
keys, and the feature space (``features.py``) decides what to do with each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np

# Event-count windows, in days, counted per event name.
EVENT_WINDOWS = (7, 30, 90)


def evidence_count(count: Any) -> int:
    """A fired criterion's evidence: its count of events, or 1 (an attribute criterion has
    no count: it fired once)."""
    return int(count) if isinstance(count, int | float) and count > 0 else 1


def evidence_counts(counts: np.ndarray) -> np.ndarray:
    """``evidence_count`` over an array of counts (NaN for none), for a whole batch."""
    with np.errstate(invalid="ignore"):
        return np.where(counts > 0, np.trunc(counts), 1.0)


@dataclass(frozen=True)
class LeadInputs:
    """One lead's raw learning inputs.

    - ``criteria``: active criteria that fired -> evidence count (events counted, or 1 for
      an attribute criterion); a criterion absent here did not fire.
    - ``events``: every event name seen in the last 90 days -> counts in the
      ``EVENT_WINDOWS`` (7, 30, 90 days), as of the moment.
    - ``lead``: the lead's named attributes (``source``, ``title``, ...) and its traits
      as ``trait.<key>``; values as stored (str, number, bool, None).
    - ``account``: the account's named attributes (``industry``, ``employee_count``,
      ``country``, ``business_model``, ``plan``) and traits as ``trait.<key>``.
    - ``score``: the published points' total then; ``tier``, ``qualification``,
      ``pql_kind``, ``queue``: the lead's placement then (for the figures, not features).
    """

    criteria: Mapping[str, int] = field(default_factory=dict)
    events: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    lead: Mapping[str, Any] = field(default_factory=dict)
    account: Mapping[str, Any] = field(default_factory=dict)
    score: int = 0
    tier: int = 0
    qualification: str = "none"
    pql_kind: str = ""
    queue: str = "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "criteria": dict(self.criteria),
            "events": {name: list(counts) for name, counts in self.events.items()},
            "lead": dict(self.lead),
            "account": dict(self.account),
            "score": self.score,
            "tier": self.tier,
            "qualification": self.qualification,
            "pql_kind": self.pql_kind,
            "queue": self.queue,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LeadInputs:
        return cls(
            criteria={str(k): int(v) for k, v in (data.get("criteria") or {}).items()},
            events={
                str(k): tuple(int(n) for n in v)  # type: ignore[misc]
                for k, v in (data.get("events") or {}).items()
            },
            lead=dict(data.get("lead") or {}),
            account=dict(data.get("account") or {}),
            score=int(data.get("score") or 0),
            tier=int(data.get("tier") or 0),
            qualification=str(data.get("qualification") or "none"),
            pql_kind=str(data.get("pql_kind") or ""),
            queue=str(data.get("queue") or "none"),
        )


class TrainingRow(NamedTuple):
    """One lead with a sales outcome, as the learner reads it (one row per lead).

    ``inputs`` is the lead at the moment that counts (``outcomes``); ``positive`` its
    label; ``reason`` the latest negative feedback's reason code ("" otherwise);
    ``recorded_at`` the labelling feedback's time (drift groups by it); ``source`` the
    lead's source (conversion by source).
    """

    lead_id: int
    inputs: LeadInputs
    positive: bool
    reason: str
    recorded_at: datetime
    source: str


class CriterionInfo(NamedTuple):
    """What the figures need to know about one criterion of the published version.

    ``attribute`` is the engine's path (``lead.traits.occupation``, ``account.industry``);
    ``value`` is the criterion's JSON value. ``glossary_term`` is a slug or "".
    """

    key: str
    name: str
    kind: str
    signal_type: str
    event_name: str
    attribute: str
    operator: str
    value: Any
    points: int
    owner_team: str
    glossary_term: str
    is_active: bool
