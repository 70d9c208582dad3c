"""The reads of a criteria preview: every lead's signals read once, for two sets of rules.

A preview scores each lead under the published rules and under the draft's, "with the
same signals". Reading the signals twice would double the aggregation pass, the costly
part of a rescore, so one pass fetches what *both* sides read:

- the criteria of both versions as one list (``PreviewRules.read_criteria``). An event
  criterion whose signal definition (``SIGNAL_FIELDS``) is the same in both versions
  shares one set of aggregate columns, whatever its points or threshold; a draft that
  changes the signal (say, a 7-day window made 14) gets its own columns under the key
  ``<key>~draft``, and the draft side scores that copy of the criterion, so each side
  reads its own window. ``PreviewRules.aliases`` maps the alias back for the tally;
- a policy whose hand-raiser, limit and purchase events are both policies' together.

Extra signals are harmless to the engine (it looks up the keys its criteria name). Only
the account-level activity depends on each side's usage criteria as a whole: it is read
once per side per run (``preview_activity_read``), and once in all when they agree.

Most leads are untouched by a draft, and scoring them a second time would only repeat the
published result: ``draft_result_reusable`` says when that is provably so, which halves
the scoring of a typical draft. Nothing here writes; ``services.previews`` runs the
chunks and keeps the tally.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from qualification.core.governance import (
    OutcomeLead,
    PreviewLead,
    changed_criterion_keys,
    version_diff,
)
from qualification.core.learning.outcomes import NEGATIVE_OUTCOMES, POSITIVE_OUTCOMES
from qualification.core.scoring import (
    CriterionSpec,
    LeadSignals,
    PolicySpec,
    PreparedCriteria,
    prepare_criteria,
)
from qualification.core.scoring.conditions import nearly_reached
from qualification.core.scoring.prepared import PreparedAttribute, PreparedEvent
from qualification.core.scoring.types import build_frozen
from qualification.core.vocabulary import KIND_USAGE
from qualification.models import CriteriaVersion, Feedback, Lead
from qualification.selectors.aggregation import (
    AccountActivity,
    LeadBatch,
    account_active_users_read,
)
from qualification.selectors.scoring_specs import criteria_specs_read, policy_spec_read
from qualification.selectors.signals import BatchRows, lead_batch_build, lead_batch_fetch
from qualification.selectors.versions import version_content_read

# What the aggregation pass computes for an event criterion: two criteria that agree on
# these read the same columns (threshold, points and the reason are applied in Python).
SIGNAL_FIELDS = ("event_name", "property_filter", "measure", "window_days", "half_life_days")
ALIAS_SUFFIX = "~draft"  # criterion keys are slugs: no key of a version holds "~"


@dataclass(frozen=True)
class PreviewRules:
    """Both sides' rules, prepared once per run, and what one read must fetch for both."""

    published: PreparedCriteria
    published_policy: PolicySpec
    draft: PreparedCriteria  # criteria with a changed signal carry their alias key
    draft_policy: PolicySpec
    read_criteria: tuple[CriterionSpec, ...]
    read_policy: PolicySpec
    aliases: dict[str, str]  # alias key -> the criterion's key
    changed_keys: frozenset[str] = frozenset()
    names: dict[str, str] = dataclasses.field(default_factory=dict)  # key -> name
    # For ``draft_result_reusable``: whether both policies are equal, and the prepared
    # criteria (of either side) that differ between the sides in any field.
    same_policy: bool = False
    differing: tuple[PreparedEvent | PreparedAttribute, ...] = ()


class PreviewActivity(NamedTuple):
    """Account-level activity per side; ``draft`` is None when it equals the published."""

    published: AccountActivity
    draft: AccountActivity | None


class PreviewInput(NamedTuple):
    """One lead, ready to score: its signals for the published and for the draft side."""

    lead: PreviewLead
    published: LeadSignals
    draft: LeadSignals


def signal_of(spec: CriterionSpec) -> tuple[Any, ...]:
    """The part of an event criterion the aggregation pass reads."""
    return tuple(getattr(spec, name) for name in SIGNAL_FIELDS)


def preview_rules(
    published: Sequence[CriterionSpec],
    published_policy: PolicySpec,
    draft: Sequence[CriterionSpec],
    draft_policy: PolicySpec,
    *,
    changed_keys: frozenset[str] = frozenset(),
    names: dict[str, str] | None = None,
) -> PreviewRules:
    """Combine two sides' specs into one read (pure; see the module docstring)."""
    published_signals = {spec.key: signal_of(spec) for spec in published if spec.is_event}
    read = list(published)
    draft_specs: list[CriterionSpec] = []
    aliases: dict[str, str] = {}
    for spec in draft:
        if spec.is_event and published_signals.get(spec.key, signal_of(spec)) != signal_of(spec):
            alias = f"{spec.key}{ALIAS_SUFFIX}"
            aliases[alias] = spec.key
            spec = dataclasses.replace(spec, key=alias)
            read.append(spec)
        elif spec.is_event and spec.key not in published_signals:
            read.append(spec)  # new in the draft (or an attribute criterion there)
        draft_specs.append(spec)
    read_policy = dataclasses.replace(
        published_policy,
        **{
            field: _union(getattr(published_policy, field), getattr(draft_policy, field))
            for field in ("hand_raiser_events", "limit_events", "purchase_events")
        },
    )
    prepared_published = prepare_criteria(published)
    prepared_draft = prepare_criteria(draft_specs)
    differing = _differing_keys(published, draft)
    return PreviewRules(
        published=prepared_published,
        published_policy=published_policy,
        draft=prepared_draft,
        draft_policy=draft_policy,
        read_criteria=tuple(read),
        read_policy=read_policy,
        aliases=aliases,
        changed_keys=changed_keys,
        names=dict(names or {}),
        same_policy=published_policy == draft_policy,
        differing=tuple(
            item
            for item in (*prepared_published.items, *prepared_draft.items)
            if aliases.get(item.key, item.key) in differing
        ),
    )


def _differing_keys(published: Sequence[CriterionSpec], draft: Sequence[CriterionSpec]) -> set[str]:
    """Keys of the criteria added, removed, or different in any field but the row id."""
    before = {spec.key: dataclasses.replace(spec, id=None) for spec in published}
    after = {spec.key: dataclasses.replace(spec, id=None) for spec in draft}
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def draft_result_reusable(rules: PreviewRules, published: LeadSignals, draft: LeadSignals) -> bool:
    """Whether the lead's draft result is its published result, without scoring it again.

    True when the policies are equal, the lead reads the same signals on both sides (same
    account activity), and every criterion that differs between the sides is *inert* for
    it: the engine skips it before it adds points, a disqualifier, a near miss or an
    unknown attribute (``core.scoring.engine.score_lead``: an event criterion without a
    signal, or below its threshold and not nearly there; an attribute that is set and does
    not match, or unset under ``is_set``).
    Everything else the engine computes is a function of the criteria that fire, the
    policy and the signals; the unchanged criteria keep their relative order on both sides
    (``criteria_specs_read`` sorts by fields they share). ``tests/selectors/test_preview``
    scores such leads on both sides and compares the results.
    """
    if not rules.same_policy or draft is not published:
        return False
    events = published.events
    facts = published.facts
    for item in rules.differing:
        if item.__class__ is PreparedEvent:
            signal = events.get(item.key)
            if not signal:
                continue
            have = signal.distinct_days if item.by_days else signal.count
            if have >= item.minimum or (item.positive and nearly_reached(have, item.threshold)):
                return False
            continue
        value = item.resolve(facts)
        if value is None:
            if not (item.is_set or not item.attribute):
                return False
        elif item.matches(value):
            return False
    return True


def _union(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def preview_rules_read(base: CriteriaVersion | int, draft: CriteriaVersion | int) -> PreviewRules:
    """The published (``base``) and draft rules of a preview, with the draft's changes."""
    base_content = version_content_read(base)
    draft_content = version_content_read(draft)
    changes = version_diff(base_content, draft_content)
    names = {key: c["name"] for key, c in base_content["criteria"].items()}
    names.update({key: c["name"] for key, c in draft_content["criteria"].items()})
    return preview_rules(
        criteria_specs_read(base),
        policy_spec_read(base),
        criteria_specs_read(draft),
        policy_spec_read(draft),
        changed_keys=frozenset(changed_criterion_keys(changes)),
        names=names,
    )


def _activity_signature(criteria: Sequence[CriterionSpec], policy: PolicySpec) -> tuple:
    """What ``account_active_users_read`` depends on: equal signatures, equal activity."""
    usage = frozenset(
        (s.event_name, repr(sorted(s.property_filter.items())), s.measure, s.threshold)
        for s in criteria
        if s.is_event and s.kind == KIND_USAGE
    )
    return usage, policy.account_pql_window_days


def preview_activity_read(rules: PreviewRules, now: datetime) -> PreviewActivity:
    """Every account's active users on each side (one query, or two when they differ)."""
    published = account_active_users_read(None, rules.published, rules.published_policy, now)
    if _activity_signature(rules.published, rules.published_policy) == _activity_signature(
        rules.draft, rules.draft_policy
    ):
        return PreviewActivity(published, None)
    draft = account_active_users_read(None, rules.draft, rules.draft_policy, now)
    return PreviewActivity(published, draft)


def preview_batch_fetch(batch: LeadBatch, rules: PreviewRules, now: datetime) -> BatchRows:
    """The batch's lead rows and one aggregation pass for both sides (two queries)."""
    return lead_batch_fetch(batch, rules.read_criteria, rules.read_policy, now)


def preview_batch_build(
    fetched: BatchRows, rules: PreviewRules, now: datetime, activity: PreviewActivity
) -> list[PreviewInput]:
    """Each lead of a fetched batch with its signals for both sides (no query)."""
    built = lead_batch_build(
        fetched, rules.read_criteria, rules.read_policy, now, activity.published
    )
    draft_activity = activity.draft
    inputs = []
    for row in fetched.leads:
        lead_id = row["id"]
        signals = built.signals[lead_id]
        draft_signals = signals
        if draft_activity is not None:
            users = draft_activity.users.get(row["account_id"], 0)
            active = lead_id in draft_activity.active_leads
            if (users, active) != (signals.account_active_users, signals.account_active):
                draft_signals = build_frozen(
                    LeadSignals, vars(signals), account_active_users=users, account_active=active
                )
        email = row["email"] or ""
        name = f"{row['first_name'] or ''} {row['last_name'] or ''}".strip() or email
        inputs.append(
            PreviewInput(PreviewLead(lead_id, name, email, row["stage"]), signals, draft_signals)
        )
    return inputs


def leads_after_count(after: int) -> int:
    return Lead.objects.filter(pk__gt=after).count()


def outcome_leads_read() -> list[OutcomeLead]:
    """Leads with a sales outcome: each one's latest accepted/converted/won (positive) or
    rejected/lost (negative) feedback, by id. "No response" says nothing either way.

    One query over the feedback rows (far fewer than leads), reduced here.
    """
    rows = (
        Feedback.objects.filter(outcome__in=(*POSITIVE_OUTCOMES, *NEGATIVE_OUTCOMES))
        .order_by("created_at", "id")
        .values_list("lead_id", "outcome")
    )
    latest = dict(rows.iterator())  # later rows overwrite earlier ones
    return [
        OutcomeLead(lead_id, latest[lead_id] in POSITIVE_OUTCOMES) for lead_id in sorted(latest)
    ]
