"""Bring a stale draft up to date: a three-way merge of content snapshots.

A draft was made from ``base``; meanwhile ``published`` went live. ``rebase`` starts from
``published`` and replays the draft's own edits (draft against base) field by field, so
what others published is kept unless the draft changed the same thing. When both sides
changed a field to different values the draft's value wins (its author is the one
rebasing and reviews the result) and a ``Conflict`` says so in plain words. The same edit
on both sides is no conflict. Policy event lists merge as sets and never conflict.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, NamedTuple

from qualification.core.governance.content import (
    CRITERION_FIELDS,
    POLICY_FIELDS,
    POLICY_LIST_FIELDS,
    criteria_of,
    display_value,
    field_label,
    ordered_fields,
    policy_of,
)

_KEPT = "kept yours"


class Conflict(NamedTuple):
    """A field both sides changed differently. ``field`` is "" when the whole criterion is
    at stake (added on both sides differently, or removed on one side, changed on the
    other); ``base``/``draft``/``published`` are then whole criteria (None: absent)."""

    key: str
    field: str
    base: Any
    draft: Any
    published: Any
    text: str


class RebaseResult(NamedTuple):
    content: dict[str, Any]
    conflicts: list[Conflict]


def rebase(
    base: Mapping[str, Any], draft: Mapping[str, Any], published: Mapping[str, Any]
) -> RebaseResult:
    """``published`` plus the draft's changes since ``base``; see the module docstring."""
    content = copy.deepcopy(dict(published))
    conflicts: list[Conflict] = []
    content["policy"] = _merge_policy(
        policy_of(base), policy_of(draft), dict(policy_of(content)), conflicts
    )
    content["criteria"] = _merge_criteria(
        criteria_of(base), criteria_of(draft), dict(criteria_of(content)), conflicts
    )
    return RebaseResult(content, conflicts)


def _merge_policy(
    base: Mapping[str, Any],
    draft: Mapping[str, Any],
    merged: dict[str, Any],
    conflicts: list[Conflict],
) -> dict[str, Any]:
    for field in ordered_fields(POLICY_FIELDS, base, draft):
        old, mine = base.get(field), draft.get(field)
        if field in POLICY_LIST_FIELDS:
            merged[field] = _merge_list(old or [], mine or [], merged.get(field) or [])
            continue
        if old == mine:
            continue
        theirs = merged.get(field)
        if theirs not in (old, mine):
            text = _field_conflict_text(field_label(field), field, mine, theirs)
            conflicts.append(Conflict("", field, old, mine, theirs, text))
        merged[field] = copy.deepcopy(mine)
    return merged


def _merge_list(base: list[str], draft: list[str], published: list[str]) -> list[str]:
    """The published names, minus those the draft removed, plus those it added."""
    removed = set(base) - set(draft)
    added = [name for name in draft if name not in base]
    kept = [name for name in published if name not in removed]
    return list(dict.fromkeys([*kept, *added]))


def _merge_criteria(
    base: Mapping[str, Mapping[str, Any]],
    draft: Mapping[str, Mapping[str, Any]],
    merged: dict[str, Any],
    conflicts: list[Conflict],
) -> dict[str, Any]:
    keys = [*base, *(key for key in draft if key not in base)]
    for key in keys:
        old, mine, theirs = base.get(key), draft.get(key), merged.get(key)
        if old is None:
            _merge_added(key, mine, theirs, merged, conflicts)
        elif mine is None:
            _merge_removed(key, old, theirs, merged, conflicts)
        elif old != mine:
            _merge_changed(key, old, mine, theirs, merged, conflicts)
    return merged


def _merge_added(
    key: str,
    mine: Mapping[str, Any] | None,
    theirs: Mapping[str, Any] | None,
    merged: dict[str, Any],
    conflicts: list[Conflict],
) -> None:
    if mine is None:
        return
    if theirs is not None and theirs != mine:
        name = mine.get("name") or key
        text = f"{name}: you and the published version both added it, differently; {_KEPT}"
        conflicts.append(Conflict(key, "", None, mine, theirs, text))
    merged[key] = copy.deepcopy(dict(mine))


def _merge_removed(
    key: str,
    old: Mapping[str, Any],
    theirs: Mapping[str, Any] | None,
    merged: dict[str, Any],
    conflicts: list[Conflict],
) -> None:
    if theirs is None:
        return
    if theirs != old:
        name = theirs.get("name") or key
        text = f"{name}: you removed it, the published version changed it; removed it anyway"
        conflicts.append(Conflict(key, "", old, None, theirs, text))
    del merged[key]


def _merge_changed(
    key: str,
    old: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any] | None,
    merged: dict[str, Any],
    conflicts: list[Conflict],
) -> None:
    name = mine.get("name") or key
    if theirs is None:
        text = f"{name}: you changed it, the published version removed it; {_KEPT}"
        conflicts.append(Conflict(key, "", old, mine, None, text))
        merged[key] = copy.deepcopy(dict(mine))
        return
    criterion = dict(theirs)
    for field in ordered_fields(CRITERION_FIELDS, old, mine):
        was, now = old.get(field), mine.get(field)
        if was == now:
            continue
        other = theirs.get(field)
        if other not in (was, now):
            text = _field_conflict_text(f"{name} {field_label(field)}", field, now, other)
            conflicts.append(Conflict(key, field, was, now, other, text))
        criterion[field] = copy.deepcopy(now)
    merged[key] = criterion


def _field_conflict_text(subject: str, field: str, mine: Any, theirs: Any) -> str:
    """ "Pricing page views points: you set 25, the published version now has 30; kept yours"."""
    return (
        f"{subject}: you set {display_value(field, mine)}, "
        f"the published version now has {display_value(field, theirs)}; {_KEPT}"
    )
