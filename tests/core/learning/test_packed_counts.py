"""Window counts packed as text per lead, and parsed back in bulk for an estimate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.learning.columns import EventCounts, pack_window_counts

NAMES = ("A", "B", "C")

# Per lead: a set of name codes, each with its three window counts.
leads = st.lists(
    st.dictionaries(
        st.integers(0, len(NAMES) - 1),
        st.tuples(*(st.integers(0, 10**6) for _ in range(3))),
        max_size=len(NAMES),
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(leads)
def test_packed_counts_parse_back_to_the_same_matrix(rows):
    packed = [pack_window_counts([(code, *counts) for code, counts in row.items()]) for row in rows]
    parsed = EventCounts.from_packed(packed, NAMES).counts
    expected = np.zeros((len(rows), len(NAMES), 3))
    for i, row in enumerate(rows):
        for code, counts in row.items():
            expected[i, code] = counts
    assert parsed.shape == expected.shape
    np.testing.assert_array_equal(parsed, expected)


def test_packing_orders_groups_by_code_so_equal_counts_give_equal_text():
    assert pack_window_counts([(2, 1, 1, 1), (0, 0, 3, 4)]) == "0,0,3,4,2,1,1,1"
    assert pack_window_counts([]) == ""


def test_text_that_is_not_whole_groups_is_refused():
    with pytest.raises(ValueError, match="groups of 4"):
        EventCounts.from_packed(["0,1,2"], NAMES)
