"""From a lead's learning inputs to a row of numbers, with a plain-words label per column.

The learner must not need a criterion to use a signal: traits arrive through ``identify``
with any keys, so the columns are discovered from the training leads (``FeatureSpace.fit``)
and the same space turns live leads into rows (``transform``). Columns:

- per criterion that fired on a training lead: fired (0/1) and log1p(evidence count);
- per event name seen on at least ``min_count`` leads: log1p(count) in each window of
  ``EVENT_WINDOWS`` (7, 30, 90 days);
- per lead or account attribute and trait (``trait.<key>``), by what its values are:
  booleans 0/1; numbers standardized with the fit's mean and spread (after log1p when no
  value is negative: sizes and counts are heavy-tailed) and an "unknown" flag; anything
  else categorical: each value seen on ``min_count`` leads one-hot, at most the
  ``MAX_CATEGORIES`` most frequent per attribute (compared as the scoring engine does,
  stripped and case-folded; a list counts each item), the rest as "another value", and
  an "unknown" flag. The cap bounds the matrix: an e-mail domain shared by 20 leads of
  each of 2,000 accounts made 2,000 columns, 3 GB and a minute of fitting at 40,000
  outcomes, for values too rare to earn a weight.

A column that is constant on the training leads (a single value, or all missing) says
nothing and is dropped, never a crash. Identity fields (email, names, the account's name
and domain) are not features: every value is unique, so they could only memorise.

``transform`` runs for every lead a full rescore writes, so the matrix is filled column
by column (``columns.py``); a rescore's batch arrives already laid out by column
(``transform_columns``), snapshots and training leads through ``transform``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from qualification.core.learning.attributes import (
    SIDES,
    SKIPPED_ATTRIBUTES,
    _AttributeTally,
    attribute_label,
)
from qualification.core.learning.columns import (
    AttributeColumns,
    EventCounts,
    FiredCriteria,
    LeadColumns,
    attribute_fill,
    criteria_fill,
    events_fill,
)
from qualification.core.learning.inputs import EVENT_WINDOWS, LeadInputs

MAX_CATEGORIES = 50  # one-hot columns per categorical attribute (the most frequent values)


class FeatureSpace:
    """The columns learned from training leads, and how to fill them for any lead.

    Each column is a JSON list naming what it reads: ``["fired", key]``, ``["evidence",
    key]``, ``["event", name, window_index]``, ``["bool", side, attr]``, ``["num", side,
    attr, mean, std, log]``, ``["cat", side, attr, value_key]``, ``["other", side, attr, dropped_keys?]``,
    ``["unknown", side, attr, kind]`` (kind: how the attribute's values read, for "known").
    """

    def __init__(self, columns: Sequence[Sequence[Any]], labels: Sequence[str]) -> None:
        self.columns = [list(column) for column in columns]
        self.labels = list(labels)
        self._index()

    # -- building -----------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        inputs: Sequence[LeadInputs],
        *,
        min_count: int = 5,
        criterion_names: Mapping[str, str] | None = None,
    ) -> FeatureSpace:
        """Discover the columns from ``inputs`` and drop those constant on them."""
        return cls.fit_transform(inputs, min_count=min_count, criterion_names=criterion_names)[0]

    @classmethod
    def fit_transform(
        cls,
        inputs: Sequence[LeadInputs],
        *,
        min_count: int = 5,
        criterion_names: Mapping[str, str] | None = None,
    ) -> tuple[FeatureSpace, np.ndarray]:
        """``fit``, and the training leads' matrix with it (read once, not twice)."""
        names = criterion_names or {}
        criteria: dict[str, int] = {}
        events: dict[str, int] = {}
        tallies: dict[tuple[str, str], _AttributeTally] = {}
        # Most attributes repeat a few values: count each distinct value, then tally it
        # once with its count (lists are unhashable and tallied one by one).
        distinct: dict[tuple[str, str], dict[Any, int]] = {}
        for lead in inputs:
            for key in lead.criteria:
                criteria[key] = criteria.get(key, 0) + 1
            for name in lead.events:
                events[name] = events.get(name, 0) + 1
            for side, values in ((SIDES[0], lead.lead), (SIDES[1], lead.account)):
                skipped = SKIPPED_ATTRIBUTES[side]
                for attr, value in values.items():
                    if attr in skipped:
                        continue
                    seen = distinct.get((side, attr))
                    if seen is None:
                        seen = distinct[(side, attr)] = {}
                        tallies[(side, attr)] = _AttributeTally()
                    try:
                        seen[(type(value), value)] = seen.get((type(value), value), 0) + 1
                    except TypeError:
                        tallies[(side, attr)].add(value)
        for attr, seen in distinct.items():
            tally = tallies[attr]
            for (_, value), count in seen.items():
                tally.add(value, count)
        columns: list[list[Any]] = []
        labels: list[str] = []
        for key in sorted(criteria):
            name = names.get(key) or key.replace("_", " ").capitalize()
            columns += [["fired", key], ["evidence", key]]
            labels += [name, f"{name} (evidence count)"]
        for name in sorted(n for n, count in events.items() if count >= min_count):
            for index, days in enumerate(EVENT_WINDOWS):
                columns.append(["event", name, index])
                labels.append(f"{name} events in the last {days} days")
        for side, attr in sorted(tallies):
            _attribute_columns(side, attr, tallies[(side, attr)], min_count, columns, labels)
        space = cls(columns, labels)
        matrix = space.transform(inputs)
        if not len(inputs):
            return cls([], []), np.zeros((0, 0))
        varies = matrix.max(axis=0) > matrix.min(axis=0)
        for i, column in enumerate(columns):
            if column[0] == "evidence" and varies[i]:
                # always the same count when fired (an attribute criterion): the fired
                # flag already says it
                fired = matrix[:, i][matrix[:, i] > 0]
                varies[i] = fired.size > 0 and fired.max() > fired.min()
        kept = [i for i in range(len(columns)) if varies[i]]
        # A dropped value column must not send its value to "another value": the training
        # matrix had it in its own column, so live rows must leave it out as well.
        others = {tuple(c[1:3]): c for i, c in enumerate(columns) if c[0] == "other" and varies[i]}
        for i, column in enumerate(columns):
            if column[0] == "cat" and not varies[i] and tuple(column[1:3]) in others:
                other = others[tuple(column[1:3])]
                if len(other) == 3:
                    other.append([])
                other[3].append(column[3])
        pruned = cls([columns[i] for i in kept], [labels[i] for i in kept])
        return pruned, np.ascontiguousarray(matrix[:, kept])

    def _index(self) -> None:
        """Where each kind of input writes, for ``transform_columns`` (``columns.py``)."""
        criteria: dict[str, dict[str, int]] = {}
        events: dict[str, dict[int, int]] = {}
        cats: dict[tuple[str, str], tuple[dict[str, int], int]] = {}
        attrs: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        unknown: dict[tuple[str, str], tuple[int, str]] = {}
        owned: dict[tuple[str, str], list[int]] = {}
        for col, column in enumerate(self.columns):
            kind = column[0]
            if kind in ("fired", "evidence"):
                criteria.setdefault(column[1], {})[kind] = col
                continue
            if kind == "event":
                events.setdefault(column[1], {})[int(column[2])] = col
                continue
            attr = (column[1], column[2])
            owned.setdefault(attr, []).append(col)
            if kind == "unknown":
                unknown[attr] = (col, column[3])
            elif kind in ("cat", "other"):
                keys, other = cats.get(attr, ({}, -1))
                if kind == "cat":
                    keys[column[3]] = col
                else:
                    other = col
                    for dropped in column[3] if len(column) > 3 else ():
                        keys.setdefault(dropped, -1)  # constant in training: no column
                cats[attr] = (keys, other)
            elif kind == "bool":
                attrs.setdefault(attr, []).append(("bool", col))
            elif kind == "num":
                spec = ("num", col, float(column[3]), float(column[4]), bool(column[5]))
                attrs.setdefault(attr, []).append(spec)
        for attr, (keys, other) in cats.items():
            attrs.setdefault(attr, []).append(("cat", keys, other))
        self._criterion_codes = {key: i for i, key in enumerate(criteria)}
        self._fired_cols = np.array([c.get("fired", -1) for c in criteria.values()], np.intp)
        self._evidence_cols = np.array([c.get("evidence", -1) for c in criteria.values()], np.intp)
        self._event_codes = {name: i for i, name in enumerate(events)}
        self._window_cols = np.array(
            [[by.get(w, -1) for w in range(len(EVENT_WINDOWS))] for by in events.values()],
            np.intp,
        ).reshape(len(events), len(EVENT_WINDOWS))
        self._attributes = {
            attr: AttributeColumns.of(cols, attrs.get(attr, []), *unknown.get(attr, (None, "")))
            for attr, cols in owned.items()
        }

    # -- use -----------------------------------------------------------------------

    @property
    def event_names(self) -> frozenset[str]:
        """The event names the columns read (a lead's likelihood moves with these)."""
        return frozenset(self._event_codes)

    @property
    def attributes(self) -> tuple[tuple[str, str], ...]:
        """The (side, attr) pairs the columns read."""
        return tuple(self._attributes)

    def __len__(self) -> int:
        return len(self.columns)

    def transform(self, inputs: Iterable[LeadInputs]) -> np.ndarray:
        """One row per lead (float64), columns in ``self.columns`` order."""
        leads = list(inputs)
        return self.transform_columns(
            LeadColumns(
                size=len(leads),
                criteria=FiredCriteria.from_mappings([lead.criteria for lead in leads]),
                events=EventCounts.from_windows(
                    [lead.events for lead in leads], tuple(self._event_codes)
                ),
                # SIDES name the LeadInputs fields: "lead", "account"
                values=lambda side, attr: [getattr(lead, side).get(attr) for lead in leads],
            )
        )

    def transform_columns(self, leads: LeadColumns) -> np.ndarray:
        """``transform`` for inputs already laid out by column (a rescore's batch)."""
        matrix = np.zeros((leads.size, len(self.columns)), dtype=np.float64)
        if not leads.size or not self.columns:
            return matrix
        criteria_fill(
            matrix, leads.criteria, self._criterion_codes, self._fired_cols, self._evidence_cols
        )
        events_fill(matrix, leads.events, self._event_codes, self._window_cols)
        for (side, attr), attribute in self._attributes.items():
            attribute_fill(matrix, attribute, leads.values(side, attr))
        return matrix

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "labels": self.labels}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeatureSpace:
        return cls(data.get("columns") or [], data.get("labels") or [])


def _attribute_columns(
    side: str,
    attr: str,
    tally: _AttributeTally,
    min_count: int,
    columns: list[list[Any]],
    labels: list[str],
) -> None:
    """The candidate columns of one attribute, by the kind of values it had."""
    label = attribute_label(side, attr)
    if tally.present == 0:
        return
    if tally.all_bool:
        columns.append(["bool", side, attr])
        labels.append(f"{label}: yes")
    elif tally.all_number:
        values = np.array(tally.numbers, dtype=np.float64)
        weights = np.array(tally.weights, dtype=np.float64)
        log = bool(values.min() >= 0)
        if log:
            values = np.log1p(values)
        mean = float(np.average(values, weights=weights))
        std = float(np.sqrt(np.average((values - mean) ** 2, weights=weights))) or 1.0
        columns.append(["num", side, attr, mean, std, log])
        labels.append(label)
    else:
        frequent = sorted(
            (key for key, count in tally.counts.items() if count >= min_count),
            key=lambda key: (-tally.counts[key], key),
        )
        kept = sorted(frequent[:MAX_CATEGORIES])
        for key in kept:
            columns.append(["cat", side, attr, key])
            labels.append(f"{label} is {tally.display.get(key, key)}")
        columns.append(["other", side, attr])
        labels.append(f"{label} is another value")
    kind = "bool" if tally.all_bool else "num" if tally.all_number else "cat"
    columns.append(["unknown", side, attr, kind])
    labels.append(f"{label} unknown")
