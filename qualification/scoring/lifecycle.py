"""Lifecycle: which stage a lead moves to after a rescore (pure).

``next_stage(current_stage, result)`` returns the new stage, or None to stay put.
Scoring only moves leads forward through the early stages; sales owns the rest.

| current      | disqualifier fires | PQL    | MQL    | signed up   | otherwise |
| ------------ | ------------------ | ------ | ------ | ----------- | --------- |
| new          | disqualified       | pql    | mql    | active_user | stay      |
| mql          | disqualified       | pql    | stay   | stay        | stay      |
| active_user  | disqualified       | pql    | stay   | stay        | stay      |
| pql          | disqualified       | stay   | stay   | stay        | stay      |
| sql, opportunity, customer, recycled, disqualified | stay | stay | stay | stay | stay |

Columns are checked left to right; PQL and MQL mean the stored qualification (after the
outreach order), so a lead that is both, under ``mql_first``, becomes an MQL. A self-serve
purchase is a PQL (routed to customer success): stage pql, not customer; sales marks
customers. Scores dropping never move a lead back.
"""

from __future__ import annotations

from .types import QUALIFICATION_MQL, QUALIFICATION_PQL, ScoreResult

NEW = "new"
MQL = "mql"
ACTIVE_USER = "active_user"
PQL = "pql"
DISQUALIFIED = "disqualified"

# Stages scoring may move a lead out of, and where each may go.
_MOVABLE = {
    NEW: (DISQUALIFIED, PQL, MQL, ACTIVE_USER),
    MQL: (DISQUALIFIED, PQL),
    ACTIVE_USER: (DISQUALIFIED, PQL),
    PQL: (DISQUALIFIED,),
}


def next_stage(current_stage: str, result: ScoreResult) -> str | None:
    """The stage the lead should move to, or None when it stays where it is."""
    allowed = _MOVABLE.get(current_stage, ())
    if result.disqualified:
        candidate = DISQUALIFIED
    elif result.qualification == QUALIFICATION_PQL:
        candidate = PQL
    elif result.qualification == QUALIFICATION_MQL:
        candidate = MQL
    elif result.signed_up:
        candidate = ACTIVE_USER
    else:
        return None
    return candidate if candidate in allowed else None
