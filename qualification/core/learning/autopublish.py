"""Which suggested point changes may publish themselves, within the bounds ops set.

A suggestion is only evidence; publishing it changes every SDR's queue. So a change goes
out on its own only when all of these hold, and otherwise waits for ops as a draft:

- the run learned from at least ``min_outcomes`` outcomes (small samples swing);
- the criterion is active and earned a suggestion (``stats.suggested_points``);
- the change is at most ``max_change`` points (a nudge, not a redesign);
- the 90% interval excludes the current points (the outcomes clearly disagree with them;
  a suggestion whose interval holds the current points is noise).

New criteria never publish themselves: a criterion someone has not read is not a nudge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bounds:
    max_change: int
    min_outcomes: int


@dataclass(frozen=True)
class PointChange:
    key: str
    name: str
    old: int
    new: int

    def __str__(self) -> str:
        return f"{self.name} {self.old} -> {self.new}"


def changes_within_bounds(
    figures: Mapping[str, Any], n_outcomes: int, bounds: Bounds
) -> tuple[list[PointChange], str]:
    """The point changes that may publish themselves, and in words why none may (or "")."""
    if n_outcomes < bounds.min_outcomes:
        return [], (
            f"The run learned from {n_outcomes} outcomes; auto-publish needs {bounds.min_outcomes}."
        )
    criteria: Sequence[Mapping[str, Any]] = figures.get("criteria") or []
    changes: list[PointChange] = []
    for c in criteria:
        new, low, high = c.get("suggested_points"), c.get("ci_low"), c.get("ci_high")
        if new is None or low is None or high is None or not c.get("is_active", True):
            continue
        old = int(c.get("points") or 0)
        new = int(new)
        if new == old or abs(new - old) > bounds.max_change:
            continue
        if low <= old <= high:
            continue
        changes.append(PointChange(str(c["key"]), str(c.get("name") or c["key"]), old, new))
    if changes:
        return changes, ""
    return [], (
        f"No suggested change is both within {bounds.max_change} points of the current "
        "points and clear of them (its interval excludes them)."
    )
