"""A fired criterion's evidence, one at a time (snapshots) and for a whole batch (rescore)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qualification.core.learning.inputs import evidence_count, evidence_counts


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-5, 10**6),
            st.floats(-10, 1e6, allow_nan=False),
        ),
        max_size=20,
    )
)
def test_the_batch_rule_is_the_single_rule(counts):
    """None (an attribute criterion), zero and negatives are evidence 1; a count is itself."""
    batch = evidence_counts(np.array(counts, dtype=np.float64))
    assert batch.tolist() == [float(evidence_count(count)) for count in counts]
