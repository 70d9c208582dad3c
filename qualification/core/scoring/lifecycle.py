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

from qualification.core.scoring.types import ScoreResult
from qualification.core.vocabulary import (
    QUALIFICATION_MQL,
    QUALIFICATION_PQL,
    QUEUE_NONE,
    SDR_QUEUES,
    SDR_WORKABLE_STAGES,
    STAGE_ACTIVE_USER,
    STAGE_DISQUALIFIED,
    STAGE_MQL,
    STAGE_NEW,
    STAGE_PQL,
)

# Where scoring may move a lead from each open stage (closed stages are not listed: scoring
# never moves them).
_MOVABLE = {
    STAGE_NEW: (STAGE_DISQUALIFIED, STAGE_PQL, STAGE_MQL, STAGE_ACTIVE_USER),
    STAGE_MQL: (STAGE_DISQUALIFIED, STAGE_PQL),
    STAGE_ACTIVE_USER: (STAGE_DISQUALIFIED, STAGE_PQL),
    STAGE_PQL: (STAGE_DISQUALIFIED,),
}


def next_stage(current_stage: str, result: ScoreResult) -> str | None:
    """The stage the lead should move to, or None when it stays where it is."""
    allowed = _MOVABLE.get(current_stage, ())
    if result.disqualified:
        candidate = STAGE_DISQUALIFIED
    elif result.qualification == QUALIFICATION_PQL:
        candidate = STAGE_PQL
    elif result.qualification == QUALIFICATION_MQL:
        candidate = STAGE_MQL
    elif result.signed_up:
        candidate = STAGE_ACTIVE_USER
    else:
        return None
    return candidate if candidate in allowed else None


def placement(current_stage: str, result: ScoreResult) -> tuple[str, str]:
    """The (stage, queue) a lead holds after this result: what a rescore stores.

    A lead sales owns (or one that left the funnel) stays scored but out of the SDR
    queues; customer success keeps self-serve buyers. The preview of a criteria draft
    places leads with the same rule, so its projected queues are the ones a publish makes.
    """
    stage = next_stage(current_stage, result) or current_stage
    queue = result.queue
    if queue in SDR_QUEUES and stage not in SDR_WORKABLE_STAGES:
        queue = QUEUE_NONE
    return stage, queue
