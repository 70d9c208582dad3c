"""The strongest factors per row, picked in bulk, against a plain per-row sort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qualification.core.learning import FeatureSpace, LikelihoodModel

COLUMNS = 6
# Few distinct values, so ties between columns and rows are common.
cells = st.sampled_from([0.0, 1.0, 2.0, -1.0, 0.5, np.inf, np.nan, 1e300])
coefs = st.sampled_from([0.0, 0.3, -0.3, 0.7, -0.7, 0.00001])


def model_of(coef: np.ndarray) -> LikelihoodModel:
    space = FeatureSpace([["fired", f"k{i}"] for i in range(COLUMNS)], list("abcdef"))
    return LikelihoodModel(space, np.zeros(COLUMNS), np.ones(COLUMNS), coef, 0.0)


def by_sorting(row: np.ndarray, coef: np.ndarray, up: int, down: int) -> list:
    """The reference: each row on its own, sorted by weight, ties to the lower column."""
    with np.errstate(all="ignore"):
        weights = [(x * c if x != 0 else 0.0) for x, c in zip(row, coef, strict=True)]
    weights = [w if np.isfinite(w) else 0.0 for w in weights]
    ups = sorted(range(COLUMNS), key=lambda j: (-weights[j], j))[:up]
    downs = sorted(range(COLUMNS), key=lambda j: (weights[j], j))[:down]
    kept = [(j, round(weights[j], 4)) for j in ups if round(weights[j], 4) > 0]
    return kept + [(j, round(weights[j], 4)) for j in downs if round(weights[j], 4) < 0]


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(0, 8), st.just(COLUMNS)), elements=cells),
    arrays(np.float64, COLUMNS, elements=coefs),
    st.integers(0, COLUMNS + 2),
    st.integers(0, COLUMNS + 2),
)
def test_bulk_pick_equals_sorting_each_row(matrix, coef, up, down):
    with np.errstate(all="ignore"):
        strongest = model_of(coef).strongest_of(matrix, up=up, down=down)
    expected = [by_sorting(row, coef, min(up, COLUMNS), min(down, COLUMNS)) for row in matrix]
    assert strongest.pairs() == expected
