"""Filling a feature matrix column by column: where the likelihood's speed lives.

A full rescore estimates every lead it writes (all 100,000 after a criteria change), on the
scoring thread, the pipeline's critical path. Walking each lead's inputs cell by cell cost
more than scoring the lead, so the matrix is filled per column instead:

- criteria and events: flat (row, key, count) lists turned into index arrays, one
  vectorized assignment per column kind (``np.maximum.at`` where a criterion may repeat);
- attributes: each lead's value is mapped to a code per distinct value (most attributes
  repeat a few values), the cells of each distinct value are worked out once into a small
  table (``attribute_cells``, the one definition of what a value fills), and the
  attribute's columns are copied from the table by code in one step.

``FeatureSpace.transform`` (snapshots, training) and the rescore's live rows both arrive
here as ``LeadColumns``, so the two cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from qualification.core.learning.attributes import feature_number, value_keys


class LeadColumns(NamedTuple):
    """Many leads' learning inputs, column-wise (row ``i`` is the ``i``-th lead).

    - ``size``: how many leads;
    - ``criteria``: (row, criterion key, evidence count) for each criterion that fired;
      a key may repeat for a row (the largest count counts);
    - ``events``: per row, event name -> counts in the ``EVENT_WINDOWS``;
    - ``values``: (side, attr) -> the rows' values of that attribute, None where missing.
    """

    size: int
    criteria: Sequence[tuple[int, str, int]]
    events: Sequence[Mapping[str, Sequence[int]]]
    values: Callable[[str, str], Sequence[Any]]


class AttributeColumns(NamedTuple):
    """Where one attribute writes: its columns, how to fill them, its "unknown" flag."""

    columns: list[int]
    specs: list[tuple[Any, ...]]
    unknown: int | None
    kind: str


def criteria_fill(
    matrix: np.ndarray,
    criteria: Sequence[tuple[int, str, int]],
    codes: Mapping[str, int],
    fired_cols: np.ndarray,
    evidence_cols: np.ndarray,
) -> None:
    """Fired (1) and log1p(evidence) cells; ``codes`` maps a key to its row of the column
    arrays (-1 where the space dropped that column)."""
    if not criteria:
        return
    size = len(criteria)
    code = np.fromiter((codes.get(key, -1) for _, key, _ in criteria), np.intp, size)
    known = code >= 0
    rows = np.fromiter((row for row, _, _ in criteria), np.intp, size)[known]
    counts = np.fromiter((count for _, _, count in criteria), np.float64, size)[known]
    code = code[known]
    fired = fired_cols[code]
    at = fired >= 0
    matrix[rows[at], fired[at]] = 1.0
    evidence = evidence_cols[code]
    at = evidence >= 0
    np.maximum.at(matrix, (rows[at], evidence[at]), np.log1p(np.maximum(counts[at], 0.0)))


def events_fill(
    matrix: np.ndarray,
    events: Sequence[Mapping[str, Sequence[int]]],
    codes: Mapping[str, int],
    window_cols: np.ndarray,
) -> None:
    """log1p(count) per event name and window; ``window_cols[code, w]`` is the column of
    window ``w`` (-1 where the space dropped it)."""
    flat = [
        (row, code, *counts[: window_cols.shape[1]])
        for row, by_name in enumerate(events)
        for name, counts in by_name.items()
        if (code := codes.get(name)) is not None
    ]
    if not flat:
        return
    table = np.array(flat, dtype=np.float64)
    rows, code = table[:, 0].astype(np.intp), table[:, 1].astype(np.intp)
    for window in range(window_cols.shape[1]):
        cols = window_cols[code, window]
        at = cols >= 0
        matrix[rows[at], cols[at]] = np.log1p(np.maximum(table[at, 2 + window], 0.0))


def attribute_fill(matrix: np.ndarray, attribute: AttributeColumns, values: Sequence[Any]) -> None:
    """Every row's cells of one attribute, through a table of its distinct values."""
    codes, distinct = distinct_codes(values)
    position = {col: i for i, col in enumerate(attribute.columns)}
    table = np.zeros((len(distinct), len(attribute.columns)), dtype=np.float64)
    for row, value in enumerate(distinct):
        for col, val in attribute_cells(attribute, value):
            table[row, position[col]] = val
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
