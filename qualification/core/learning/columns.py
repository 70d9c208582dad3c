"""Filling a feature matrix column by column: where the likelihood's speed lives.

A full rescore estimates every lead it writes (all 100,000 after a criteria change), on the
scoring thread, the pipeline's critical path. Walking each lead's inputs cell by cell cost
more than scoring the lead, so the matrix is filled per column instead:

- criteria and events: flat (row, key, count) lists turned into index arrays, one
  vectorized assignment per column kind (``np.maximum.at`` where a criterion may repeat);
- attributes: each lead's value is mapped to a code per distinct value (most attributes
  repeat a few values), the cells of each distinct value are worked out once
  (``attribute_cells``, the one definition of what a value fills) and set in a small
  table in one assignment, and the attribute's columns are copied from the table by code
  in one step. An attribute of mostly unique values (an e-mail domain per lead) misses
  the memo on nearly every lead, so a miss must stay cheap too.

``FeatureSpace.transform`` (snapshots, training) and the rescore's live rows both arrive
here as ``LeadColumns``, so the two cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from qualification.core.learning.attributes import feature_number, value_keys
from qualification.core.learning.inputs import EVENT_WINDOWS, evidence_counts

# Distinct values remembered per attribute (a model's lifetime): bounds the memory an
# attribute of unique values (an e-mail domain per account) can take.
MEMO_SIZE = 20_000


class EventCounts(NamedTuple):
    """Rows' event counts: ``counts[row, i, w]`` is the row's events named ``names[i]`` in
    the ``w``-th of the ``EVENT_WINDOWS``."""

    names: Sequence[str]
    counts: np.ndarray

    @classmethod
    def from_windows(
        cls, windows: Sequence[Mapping[str, Sequence[int]]], names: Sequence[str]
    ) -> EventCounts:
        """From per-row ``{name: (n7, n30, n90)}`` (a ``LeadInputs.events``), for ``names``."""
        code = {name: i for i, name in enumerate(names)}
        at = [
            (row, code[name], counts)
            for row, by_name in enumerate(windows)
            for name, counts in by_name.items()
            if name in code
        ]
        counts = np.zeros((len(windows), len(names), len(EVENT_WINDOWS)), dtype=np.float64)
        if at:
            rows = np.fromiter((row for row, _, _ in at), np.intp, len(at))
            cols = np.fromiter((col for _, col, _ in at), np.intp, len(at))
            counts[rows, cols] = np.array([c for _, _, c in at], dtype=np.float64)
        return cls(tuple(names), counts)

    @classmethod
    def from_packed(cls, packed: Sequence[str], names: Sequence[str]) -> EventCounts:
        """From per-row packed counts (``pack_window_counts``; "" for none), for ``names``.

        The live rescore's form: parsed in one ``np.fromstring`` for the batch rather than
        a tuple per (lead, name), and only for the leads it writes.
        """
        windows = len(EVENT_WINDOWS)
        group = windows + 1
        counts = np.zeros((len(packed), len(names), windows), dtype=np.float64)
        joined = ",".join(text for text in packed if text)
        if not joined:
            return cls(tuple(names), counts)
        numbers = np.fromstring(joined, dtype=np.int64, sep=",")
        if len(numbers) % group:
            raise ValueError(f"Packed window counts are not groups of {group}: {joined[:80]!r}")
        per_row = [(text.count(",") + 1) // group if text else 0 for text in packed]
        groups = numbers.reshape(-1, group)
        rows = np.repeat(np.arange(len(packed), dtype=np.intp), per_row)
        counts[rows, groups[:, 0]] = groups[:, 1:]
        return cls(tuple(names), counts)


def pack_window_counts(groups: Sequence[Sequence[int]]) -> str:
    """One lead's window counts as text: ``"code,n7,n30,n90,code,..."``, ascending by
    code (the event name's position in the model's names), "" when it has none.

    Why text: a rescore needs these counts only for the leads it writes, but every lead's
    for its digest; one string per lead (built by PostgreSQL, ``db.windows``) is one value
    to read and hash, parsed in bulk only where an estimate is made (``from_packed``).
    """
    return ",".join(",".join(map(str, group)) for group in sorted(groups))


class FiredCriteria(NamedTuple):
    """The criteria that fired on the rows, one entry per (row, criterion): ``rows[k]``
    fired ``keys[k]`` with ``counts[k]`` as the engine or a breakdown has it (None for an
    attribute criterion; ``evidence_count`` makes it the evidence). A key may repeat for a
    row: the largest count counts."""

    rows: Sequence[int]
    keys: Sequence[str]
    counts: Sequence[Any]

    @classmethod
    def from_mappings(cls, fired: Sequence[Mapping[str, Any]]) -> FiredCriteria:
        """From per-row ``{key: count}`` (a ``LeadInputs.criteria``)."""
        rows = [row for row, by_key in enumerate(fired) for _ in range(len(by_key))]
        keys = [key for by_key in fired for key in by_key]
        return cls(rows, keys, [count for by_key in fired for count in by_key.values()])


class LeadColumns(NamedTuple):
    """Many leads' learning inputs, column-wise (row ``i`` is the ``i``-th lead).

    - ``size``: how many leads;
    - ``criteria``: the criteria that fired on them;
    - ``events``: the rows' counts of the event names the space reads;
    - ``values``: (side, attr) -> the rows' values of that attribute, None where missing.
    """

    size: int
    criteria: FiredCriteria
    events: EventCounts
    values: Callable[[str, str], Sequence[Any]]


class AttributeColumns(NamedTuple):
    """Where one attribute writes: its columns, how to fill them, its "unknown" flag, and
    the cells of values already worked out (kept across the batches of a run: the same
    few values recur in every batch), as (position among ``columns``, value) pairs."""

    columns: list[int]
    specs: list[tuple[Any, ...]]
    unknown: int | None
    kind: str
    memo: dict[tuple[type, Any], tuple[tuple[int, float], ...]]
    position: dict[int, int]  # column -> its position among ``columns``

    @classmethod
    def of(
        cls, columns: list[int], specs: list[tuple[Any, ...]], unknown: int | None, kind: str
    ) -> AttributeColumns:
        return cls(columns, specs, unknown, kind, {}, {col: i for i, col in enumerate(columns)})


def criteria_fill(
    matrix: np.ndarray,
    criteria: FiredCriteria,
    codes: Mapping[str, int],
    fired_cols: np.ndarray,
    evidence_cols: np.ndarray,
) -> None:
    """Fired (1) and log1p(evidence) cells; ``codes`` maps a key to its row of the column
    arrays (-1 where the space dropped that column)."""
    if not len(criteria.keys):
        return
    lookup = codes.get
    code = np.array([lookup(key, -1) for key in criteria.keys], dtype=np.intp)
    known = code >= 0
    rows = np.asarray(criteria.rows, dtype=np.intp)[known]
    # None (an attribute criterion) reads as NaN: evidence 1, as ``evidence_count`` says
    counts = evidence_counts(np.array(criteria.counts, dtype=np.float64)[known])
    code = code[known]
    fired = fired_cols[code]
    at = fired >= 0
    matrix[rows[at], fired[at]] = 1.0
    evidence = evidence_cols[code]
    at = evidence >= 0
    np.maximum.at(matrix, (rows[at], evidence[at]), np.log1p(counts[at]))


def events_fill(
    matrix: np.ndarray, events: EventCounts, codes: Mapping[str, int], window_cols: np.ndarray
) -> None:
    """log1p(count) per event name and window; ``window_cols[code, w]`` is the column of
    window ``w`` for the name ``codes`` gives ``code`` (-1 where the space dropped it)."""
    windows = window_cols.shape[1]
    source: list[int] = []
    target: list[int] = []
    for i, name in enumerate(events.names):
        code = codes.get(name)
        for w in range(windows) if code is not None else ():
            if window_cols[code, w] >= 0:
                source.append(i * windows + w)
                target.append(int(window_cols[code, w]))
    if source and len(matrix):
        flat = events.counts.reshape(len(matrix), -1)
        matrix[:, target] = np.log1p(np.maximum(flat[:, source], 0.0))


def attribute_fill(matrix: np.ndarray, attribute: AttributeColumns, values: Sequence[Any]) -> None:
    """Every row's cells of one attribute, through a table of its distinct values."""
    codes, distinct = distinct_codes(values)
    memo, position = attribute.memo, attribute.position
    rows: list[int] = []
    places: list[int] = []
    numbers: list[float] = []
    for row, value in enumerate(distinct):
        try:
            key = (value.__class__, value)
            cells = memo.get(key)
        except TypeError:  # a list or dict: worked out each time
            key, cells = None, None
        if cells is None:
            cells = tuple((position[col], val) for col, val in attribute_cells(attribute, value))
            if key is not None and len(memo) < MEMO_SIZE:
                memo[key] = cells
        for place, number in cells:
            rows.append(row)
            places.append(place)
            numbers.append(number)
    table = np.zeros((len(distinct), len(attribute.columns)), dtype=np.float64)
    table[rows, places] = numbers  # a cell set twice (a list value's keys) is 1.0 both times
    matrix[:, attribute.columns] = table[codes]


def distinct_codes(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each value's index among the distinct values (by type and value: 1, 1.0 and True
    differ), and the distinct values in order of first appearance."""
    index: dict[tuple[type, Any], int] = {}
    try:
        codes = [index.setdefault((value.__class__, value), len(index)) for value in values]
        return np.array(codes, dtype=np.intp), [value for _, value in index]
    except TypeError:  # a list or dict value: unhashable, each one its own entry
        index.clear()
    distinct: list[Any] = []
    slow: list[int] = []
    for value in values:
        try:
            code = index.setdefault((value.__class__, value), len(distinct))
            if code == len(distinct):
                distinct.append(value)
        except TypeError:
            code = len(distinct)
            distinct.append(value)
        slow.append(code)
    return np.array(slow, dtype=np.intp), distinct


def attribute_cells(attribute: AttributeColumns, value: Any) -> list[tuple[int, float]]:
    """The (column, value) cells one attribute value sets; the "unknown" flag is 1 unless
    the value is known for the attribute's kind (decided at fit)."""
    cells: list[tuple[int, float]] = []
    if attribute.unknown is not None:
        cells.append((attribute.unknown, 0.0 if is_known(attribute.kind, value) else 1.0))
    for spec in attribute.specs:
        kind = spec[0]
        if kind == "cat":
            mapping, other = spec[1], spec[2]
            for key in value_keys(value):
                col = mapping.get(key, other)
                if col >= 0:
                    cells.append((col, 1.0))
        elif kind == "bool":
            if value is True:
                cells.append((spec[1], 1.0))
        else:  # num
            number = feature_number(value)
            if number is None:
                continue
            if spec[4]:
                number = math.log1p(max(number, 0.0))
            cells.append((spec[1], (number - spec[2]) / spec[3]))
    return cells


def is_known(kind: str, value: Any) -> bool:
    """Whether a value counts as known for an attribute whose values are of ``kind``
    (decided at fit, so it holds whichever of the attribute's columns were kept)."""
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "num":
        return feature_number(value) is not None
    return bool(value_keys(value))
