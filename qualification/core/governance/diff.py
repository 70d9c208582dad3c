"""What a draft changes, in sentences a sales person can read.

``version_diff(base, draft)`` compares two content snapshots (see ``content.py``) and
returns one ``Change`` per policy field and per criterion field that differs, plus one per
criterion added or removed. The version page lists them, the publish notice summarises
them (``diff_summary``) and the preview reports how often the changed criteria fire
(``changed_criterion_keys``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
    quoted,
)

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
POLICY = "policy"


class Change(NamedTuple):
    """One difference. ``key`` is the criterion key ("" for policy); ``field`` is ""
    for a criterion added or removed, whose ``before``/``after`` is the whole criterion."""

    kind: str
    key: str
    field: str
    before: Any
    after: Any
    text: str


def version_diff(base: Mapping[str, Any], draft: Mapping[str, Any]) -> list[Change]:
    """Every change from ``base`` to ``draft``: policy first, then criteria by name.

    Criteria are ordered by the name they carry in the draft (the base's for a removed
    one), then by key, so a criterion's lines stay together whatever happened to it.
    Identical content gives ``[]``.
    """
    changes = _policy_changes(policy_of(base), policy_of(draft))
    before, after = criteria_of(base), criteria_of(draft)
    keys = sorted(set(before) | set(after), key=lambda k: (_name(before, after, k).casefold(), k))
    for key in keys:
        if key not in before:
            changes.append(_added(key, after[key]))
        elif key not in after:
            name = before[key].get("name") or key
            changes.append(
                Change(REMOVED, key, "", before[key], None, f"Removed criterion: {name}")
            )
        else:
            changes.extend(_criterion_changes(key, before[key], after[key]))
    return changes


def changed_criterion_keys(changes: Iterable[Change]) -> set[str]:
    """The keys of the criteria that were added, removed or changed."""
    return {change.key for change in changes if change.kind != POLICY}


def diff_summary(changes: Sequence[Change], limit: int = 3) -> str:
    """One line for a notice: the first ``limit`` changes and how many more there are."""
    if not changes:
        return "No changes"
    shown = "; ".join(change.text for change in changes[:limit])
    rest = len(changes) - limit
    if rest <= 0:
        return shown
    return f"{shown}; and {rest} more change{'' if rest == 1 else 's'}"


def _name(before: Mapping[str, Any], after: Mapping[str, Any], key: str) -> str:
    record = after.get(key) or before.get(key) or {}
    return str(record.get("name") or key)


def _added(key: str, criterion: Mapping[str, Any]) -> Change:
    name = criterion.get("name") or key
    kind = criterion.get("kind") or "criterion"
    details = (
        [kind] if kind == "disqualifier" else [kind, f"{criterion.get('points') or 0:+d} points"]
    )
    if criterion.get("is_active") is False:
        details.append("switched off")
    text = f"New criterion: {name} ({', '.join(details)})"
    return Change(ADDED, key, "", None, criterion, text)


def _criterion_changes(
    key: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    name = after.get("name") or key
    changes = []
    for field in ordered_fields(CRITERION_FIELDS, before, after):
        old, new = before.get(field), after.get(field)
        if old != new:
            text = _criterion_text(name, field, old, new, after)
            changes.append(Change(CHANGED, key, field, old, new, text))
    return changes


def _criterion_text(name: str, field: str, old: Any, new: Any, after: Mapping[str, Any]) -> str:
    """The sentence for one changed criterion field (``after`` is the draft's criterion)."""
    if field == "name":
        return f"Renamed {quoted(old)} to {quoted(new)}"
    if field == "is_active":
        return f"{name} switched back on" if new else f"{name} switched off"
    if field == "points":
        return f"{name}: {old} → {new} points"
    if field == "threshold":
        unit = "days" if after.get("measure") == "distinct_days" else "events"
        return f"{name}: at least {old} → {new} {unit}"
    if field == "window_days":
        return f"{name}: {_window_change(old, new)}"
    if field == "event_name":
        return f"{name}: counts {quoted(new)} instead of {quoted(old)}"
    if field in ("reason_template", "description"):
        label = "reason" if field == "reason_template" else "description"
        return f"{name}: {label} reworded to {quoted(new or '')}"
    old_text, new_text = display_value(field, old), display_value(field, new)
    return f"{name}: {field_label(field)} {old_text} → {new_text}"


def _window_change(old: int | None, new: int | None) -> str:
    """ "within 7 → 14 days" when both are set, "ever" standing in for no window."""
    if old is not None and new is not None:
        return f"within {old} → {new} days"

    def one(days: int | None) -> str:
        return "ever" if days is None else f"within {days} days"

    return f"{one(old)} → {one(new)}"


def _policy_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    changes = []
    for field in ordered_fields(POLICY_FIELDS, before, after):
        old, new = before.get(field), after.get(field)
        label = field_label(field)
        if field in POLICY_LIST_FIELDS:
            text = _list_change(label, old or [], new or [])
        elif old != new:
            text = f"{label} {display_value(field, old)} → {display_value(field, new)}"
        else:
            text = ""
        if text:
            changes.append(Change(POLICY, "", field, old, new, text))
    return changes


def _list_change(label: str, old: Sequence[str], new: Sequence[str]) -> str:
    """ "Hand-raiser events: added “A”, removed “B”", or "" when only the order changed
    (the order of these lists means nothing to the engine)."""
    added = [name for name in dict.fromkeys(new) if name not in old]
    removed = [name for name in dict.fromkeys(old) if name not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(quoted(name) for name in added))
    if removed:
        parts.append("removed " + ", ".join(quoted(name) for name in removed))
    return f"{label}: {', '.join(parts)}" if parts else ""
