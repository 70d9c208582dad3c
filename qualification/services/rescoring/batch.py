"""Scoring one batch: the engine's results turned into rows to store, or skipped.

For each lead the pure engine's ``ScoreResult`` becomes the stored columns (scores,
reasons summary, breakdown JSON, queue and stage), a stage transition when the result
moves the lead, and a digest of all of it. A lead whose digest equals the stored one is
left unwritten: nightly rescores mostly recompute what is already stored, and skipping
those rows is what keeps them cheap. No query here; reading and writing are elsewhere.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from qualification.core.scoring import (
    Contribution,
    CriterionSpec,
    PolicySpec,
    ScoreResult,
    next_stage,
    placement,
    score_lead,
)
from qualification.core.scoring.priority import freshest_strong_signal, priority_key
from qualification.core.vocabulary import (
    QUALIFICATION_NONE,
    QUALIFICATION_PQL,
    SDR_QUEUES,
)
from qualification.core.wording import timeless
from qualification.db.writes import ScoreRow
from qualification.models import StageTransition
from qualification.models.choices import TransitionCause
from qualification.selectors.learning_live import LiveModel
from qualification.selectors.signals import LeadBatchSignals, LeadState
from qualification.selectors.sla import PolicyMap
from qualification.services.rescoring.likelihood import (
    Estimate,
    batch_likelihoods,
    factors_fill,
    likelihood_columns,
    likelihood_fingerprint,
)
from qualification.services.sla_clocks import CLOCK_COLUMNS, StoredClock, next_clock

logger = logging.getLogger(__name__)

TOP_REASONS = 4


@dataclass
class ScoredBatch:
    """A batch's outcome: rows to write, leads whose stored score still holds, failures."""

    rows: list[ScoreRow] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # only their rescore mark to clear
    transitions: list[StageTransition] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # logged; they keep their mark
    # The criteria version scored with, and how many leads first scored with it entered
    # or left each SDR queue ("mql_entered", ...): a publication's measured effect.
    version_id: int | None = None
    moves: Counter[str] = field(default_factory=Counter)


class _Scored(NamedTuple):
    """One lead scored, before its digest (the batch's likelihoods come in between)."""

    lead_id: int
    state: LeadState
    result: ScoreResult
    transition: StageTransition | None
    decided: dict[str, Any]
    breakdown: bytes


def batch_score(
    built: LeadBatchSignals,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    *,
    version_id: int | None = None,
    sla_policies: PolicyMap | None = None,
    live: LiveModel | None = None,
) -> ScoredBatch:
    """Score every lead of the batch; one bad lead is logged and reported, not raised.

    ``version_id`` is the criteria version ``criteria`` and ``policy`` come from: stored
    with each score (and in its digest, so a publication rewrites every lead once).
    ``sla_policies`` recompute the SLA clock of a lead whose queue, tier or qualification
    time moves (without them the stored clock is kept). ``live`` is the likelihood model
    (``selectors.learning_live``): the whole batch is estimated in one vectorized call
    once every lead is scored, and the estimate joins the digest, so a new model rewrites
    every lead once and an unchanged score and likelihood still skip the write.
    """
    criteria_ids = {spec.key: spec.id for spec in criteria}
    scored = ScoredBatch(version_id=version_id)
    results: list[_Scored] = []
    for lead_id, lead_signals in built.signals.items():
        state = built.states.get(lead_id)
        if state is None:  # deleted meanwhile
            continue
        try:
            result = score_lead(criteria, lead_signals, policy, now)
            transition = _transition(lead_id, state.stage, result, criteria_ids, now)
            stage, queue = placement(state.stage, result)
            qualified_at = _qualified_at(state, result, now)
            decided = {
                "stage": stage,
                "queue": queue,
                "qualified_at": qualified_at,
                "last_signal_at": built.latest.get(lead_id),
                "priority": priority_key(
                    result.total, freshest_strong_signal(result.contributions) or qualified_at
                ),
                "criteria_version_id": version_id,
            }
            results.append(
                _Scored(lead_id, state, result, transition, decided, _breakdown_json(result))
            )
        except Exception:  # one bad lead must not abort the batch
            logger.exception("Rescoring lead %s failed; it stays marked for rescoring", lead_id)
            scored.failed.append(lead_id)
    # Unchanged leads are found before any estimate: the digest holds the model's inputs
    # (the breakdown has the criteria and placement; the fingerprint the rest), so a
    # nightly run estimates only the leads it writes.
    changed: list[tuple[_Scored, str]] = []
    for item in results:
        try:
            inputs = likelihood_fingerprint(built, item.lead_id, live)
            digest = _digest(item.breakdown, item.decided, inputs)
        except Exception:  # one bad lead must not abort the batch
            logger.exception(
                "Rescoring lead %s failed; it stays marked for rescoring", item.lead_id
            )
            scored.failed.append(item.lead_id)
            continue
        if digest == item.state.score_digest:
            scored.unchanged.append(item.lead_id)
        else:
            changed.append((item, digest))
    batch = batch_likelihoods(built, [(item.lead_id, item.result) for item, _ in changed], live)
    estimated: list[tuple[ScoreRow, Estimate]] = []  # written rows that get factors
    for (item, digest), estimate in zip(changed, batch.estimates, strict=True):
        lead_id, state, result = item.lead_id, item.state, item.result
        try:
            row = _row(lead_id, result, item.decided, item.breakdown, now)
            row.update(likelihood_columns(estimate))
            row["score_digest"] = digest
            row.update(_clock_columns(state, item.decided, result.tier, sla_policies, now))
        except Exception:  # one bad lead must not abort the batch
            logger.exception("Rescoring lead %s failed; it stays marked for rescoring", lead_id)
            scored.failed.append(lead_id)
            continue
        if item.transition is not None:
            scored.transitions.append(item.transition)
        if state.criteria_version_id != version_id:
            _count_moves(scored.moves, state.queue, item.decided["queue"])
        scored.rows.append(row)
        if estimate is not None:
            estimated.append((row, estimate))
    factors_fill([row for row, _ in estimated], [e for _, e in estimated], batch, live)
    return scored


def _clock_columns(
    state: LeadState, decided: dict[str, Any], tier: int, policies: PolicyMap | None, now: datetime
) -> dict[str, Any]:
    """The lead's SLA clock after this score: kept unless its inputs moved.

    A touched lead keeps the clock it was touched against (its figures are history). One
    that leaves the SDR queues untouched stops its clock here (``sla_clocks.next_clock``).
    A new deadline is alerted afresh (alerts are per deadline). Policy and calendar edits
    are not inputs here: ``services.sla_clocks`` refreshes every open clock for those.
    """
    stored = StoredClock(
        state.sla_started_at, state.sla_warn_at, state.sla_due_at, state.sla_stopped_at
    )
    inputs = (decided["queue"], tier, decided["qualified_at"])
    if (
        policies is not None
        and state.first_touched_at is None
        and inputs != (state.queue, state.tier, state.qualified_at)
    ):
        stored = next_clock(
            policies,
            stored,
            queue=decided["queue"],
            tier=tier,
            qualified_at=decided["qualified_at"],
            claimed_at=state.claimed_at,
            now=now,
        )
    return dict(zip(CLOCK_COLUMNS, stored, strict=True))


def _count_moves(moves: Counter[str], before: str, after: str) -> None:
    if before == after:
        return
    if before in SDR_QUEUES:
        moves[f"{before}_left"] += 1
    if after in SDR_QUEUES:
        moves[f"{after}_entered"] += 1


def _reason_item(c: Contribution) -> dict[str, Any]:
    item = {"text": c.reason, "points": c.points, "kind": c.kind, "term": c.glossary_term}
    if c.reason_when:  # said at display time (core.wording.reason_now)
        item["text_when"] = c.reason_when
        item["seen_at"] = c.last_seen
    return item


def reasons_summary(result: ScoreResult) -> list[dict[str, Any]]:
    """The strongest reasons a queue row shows: sentence, points, kind, glossary term, and
    for a sentence that says when, the moment (``seen_at``) and the sentence with its time
    slot (``text_when``), so it reads true on the day it is shown. ``text`` keeps the
    sentence as scored for readers that know no slot."""
    source = result.disqualifiers if result.disqualified else result.contributions
    items = []
    for c in source:
        if c.points != 0 or result.disqualified:
            items.append(_reason_item(c))
            if len(items) == TOP_REASONS:
                break
    return items


def _breakdown_json(result: ScoreResult) -> bytes:
    """The full itemized result as stored JSON (every field, nulls included).

    orjson writes the contribution and near-miss dataclasses (datetimes as ISO 8601)
    natively, in C: a full rescore serializes every lead's breakdown, and a hand-rolled
    conversion to dicts plus ``json.dumps`` was the largest Python cost in profiles.
    ``reasons`` is left out: the contributions carry the same sentences.
    """
    return orjson.dumps(
        {
            "fit": result.fit,
            "intent": result.intent,
            "usage": result.usage,
            "total": result.total,
            "tier": result.tier,
            "qualification": result.qualification,
            "pql_kind": result.pql_kind,
            "pql_level": result.pql_level,
            "queue": result.queue,
            "also_mql": result.also_mql,
            "meets_mql": result.meets_mql,
            "meets_pql": result.meets_pql,
            "qualification_reason": result.qualification_reason,
            "qualification_reason_when": result.qualification_reason_when,
            "qualification_seen_at": result.qualification_seen_at,
            "disqualified": result.disqualified,
            "contributions": result.contributions,
            "disqualifiers": result.disqualifiers,
            "disqualification_reasons": result.disqualification_reasons,
            "unknown_attributes": result.unknown_attributes,
            "near_misses": result.near_misses,
            "signed_up": result.signed_up,
            "strongest_signal_at": result.strongest_signal_at,
        },
        # A trait value orjson has no encoding for (none arrive from JSON today) is
        # stored as its text rather than failing the lead.
        default=str,
    )


def _qualified_at(state: LeadState, result: ScoreResult, now: datetime) -> datetime | None:
    """When the lead (last) became qualified: kept while it stays qualified."""
    if result.qualification == QUALIFICATION_NONE:
        return None
    if state.qualification == QUALIFICATION_NONE or state.qualified_at is None:
        return now
    return state.qualified_at


def _row(
    lead_id: int, result: ScoreResult, decided: dict[str, Any], breakdown: bytes, now: datetime
) -> ScoreRow:
    """The columns to store, JSON columns as text (``db.writes.ScoreRow``)."""
    return {
        "id": lead_id,
        "fit_score": result.fit,
        "intent_score": result.intent,
        "usage_score": result.usage,
        "total_score": result.total,
        "tier": result.tier,
        "qualification": result.qualification,
        "pql_kind": result.pql_kind if result.qualification == QUALIFICATION_PQL else "",
        "reasons": orjson.dumps(reasons_summary(result)).decode(),
        "breakdown": breakdown.decode(),
        "disqualified_reasons": orjson.dumps(list(result.disqualification_reasons)).decode(),
        "scored_at": now,
        **decided,
    }


# hashlib releases the GIL while hashing more than 2047 bytes at once; winning it back
# from the reader and writer threads cost more than the hashing itself (measured), so a
# breakdown is fed in smaller pieces.
_HASH_PIECE = 2047


def _digest(
    breakdown: bytes, decided: dict[str, Any], likelihood_inputs: bytes | None = None
) -> str:
    """A fingerprint of everything a rescore stores except when it ran.

    The stored breakdown holds every ScoreResult field the other columns derive from, so
    its JSON plus the stage, queue and times decided here cover the whole row. With a live
    model, ``likelihood_inputs`` (``likelihood_fingerprint``: the model's version and the
    inputs the breakdown does not hold) joins in: the likelihood and its factors follow
    from those, so equal digests mean an equal likelihood without estimating it. Without
    a model nothing joins, so the digest is what it was before likelihoods existed. Any
    stable hash would do; SHA-256 is fast where CPUs have SHA instructions, and 32 of
    its hex characters fill the column.
    """
    digest = hashlib.sha256()
    view = memoryview(breakdown)
    for start in range(0, len(view), _HASH_PIECE):
        digest.update(view[start : start + _HASH_PIECE])
    digest.update(orjson.dumps(decided))
    if likelihood_inputs is not None:
        digest.update(likelihood_inputs)
    return digest.hexdigest()[:32]


def _transition(
    lead_id: int,
    stage: str,
    result: ScoreResult,
    criteria_ids: dict[str, int | None],
    now: datetime,
) -> StageTransition | None:
    """The stage change the result causes, with the criterion and sentence that caused it."""
    target = next_stage(stage, result)
    if target is None or target == stage:
        return None
    # The history shows when the change happened, so its sentence says no time of its own
    # (a stored "today" would be wrong the next day).
    if result.disqualified and result.disqualifiers:
        cause = result.disqualifiers[0]
        reason = timeless(cause.reason, cause.reason_when)
    else:
        cause = result.contributions[0] if result.contributions else None
        reason = timeless(result.qualification_reason, result.qualification_reason_when) or (
            timeless(cause.reason, cause.reason_when) if cause else "Signed up"
        )
    return StageTransition(
        lead_id=lead_id,
        from_stage=stage,
        to_stage=target,
        cause=TransitionCause.CRITERION,
        criterion_id=criteria_ids.get(cause.key) if cause else None,
        reason=reason[:300],
        occurred_at=now,
    )
