"""backtest: published against draft on leads with sales outcomes (no database)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.governance import OutcomeLead, backtest
from tests.core.governance.builders import result

# id: (positive, published (total, tier, queue), draft (total, tier, queue))
FIXTURE = {
    1: (True, (80, 4, "mql"), (10, 1, "none")),
    2: (False, (60, 3, "mql"), (40, 1, "none")),
    3: (True, (40, 2, "pql"), (30, 1, "none")),
    4: (False, (30, 2, "none"), (50, 1, "none")),
    5: (True, (60, 3, "mql"), (20, 1, "none")),
    6: (False, (10, 1, "none"), (60, 1, "pql")),
}
ROWS = [
    (OutcomeLead(id, positive), result(*published), result(*draft))
    for id, (positive, published, draft) in FIXTURE.items()
]


def test_hand_computed_figures():
    figures = backtest(ROWS, min_per_class=3)
    # Published: positives 80, 60, 40 against negatives 60, 30, 10. Of the nine pairs the
    # positive wins 3 (80) + 2.5 (60: ties with 60, beats 30 and 10) + 2 (40) = 7.5.
    assert figures["auc_published"] == pytest.approx(7.5 / 9)
    # Draft: every negative outscores every positive.
    assert figures["auc_draft"] == 0.0
    assert figures["published"]["auc"] == figures["auc_published"]
    assert (figures["n_outcomes"], figures["n_positive"], figures["n_negative"]) == (6, 3, 3)
    assert figures["enough"] is True
    assert (
        figures["message"]
        == "Based on 6 leads with outcomes: 3 accepted or won, 3 rejected or lost."
    )
    published = figures["published"]
    # Top ceil(0.6) = 1 lead: #1 (80, won). Top ceil(1.2) = 2: #1, then of the two at 60
    # the lower id, #2 (lost).
    assert (published["precision_top_10"], published["precision_top_20"]) == (1.0, 0.5)
    assert published["conversion_by_tier"] == {
        "hot": {"n": 1, "positive": 1, "rate": 1.0},
        "warm": {"n": 2, "positive": 1, "rate": 0.5},
        "cool": {"n": 2, "positive": 1, "rate": 0.5},
        "cold": {"n": 1, "positive": 0, "rate": 0.0},
    }
    assert published["false_positives"] == {"mql": 1, "pql": 0}
    assert published["qualified"] == {"mql": 3, "pql": 1}
    draft = figures["draft"]
    assert (draft["precision_top_10"], draft["precision_top_20"]) == (0.0, 0.0)
    assert draft["conversion_by_tier"]["cold"] == {"n": 6, "positive": 3, "rate": 0.5}
    assert draft["conversion_by_tier"]["hot"] == {"n": 0, "positive": 0, "rate": None}
    assert draft["false_positives"] == {"mql": 0, "pql": 1}
    assert json.loads(json.dumps(figures)) == figures


def test_too_few_outcomes_still_computes_and_says_so():
    figures = backtest(ROWS)
    assert figures["enough"] is False
    assert figures["message"] == (
        "Too few outcomes to tell: 3 accepted or won and 3 rejected or lost "
        "(at least 10 of each are needed)."
    )
    assert figures["auc_published"] == pytest.approx(7.5 / 9)


def test_precision_takes_the_ceiling_of_the_share():
    # Eleven leads scored 11 down to 1; #1 and #3 won. Top ceil(1.1) = 2, ceil(2.2) = 3.
    rows = [(OutcomeLead(i, i in (1, 3)), result(12 - i), result(0)) for i in range(1, 12)]
    published = backtest(rows)["published"]
    assert published["precision_top_10"] == 0.5
    assert published["precision_top_20"] == pytest.approx(2 / 3)


def test_one_class_only_has_no_auc():
    rows = [(OutcomeLead(i, True), result(i), result(i)) for i in range(1, 4)]
    figures = backtest(rows, min_per_class=1)
    assert (figures["auc_published"], figures["auc_draft"]) == (None, None)
    assert figures["enough"] is False
    assert figures["message"].endswith("(at least 1 of each is needed).")
    assert figures["published"]["precision_top_10"] == 1.0


def test_no_outcomes():
    figures = backtest([])
    assert figures["n_outcomes"] == 0
    assert figures["auc_draft"] is None
    assert figures["draft"]["precision_top_20"] is None
    assert figures["draft"]["conversion_by_tier"]["warm"]["rate"] is None


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=5)), min_size=2, max_size=25
    )
)
def test_auc_is_the_share_of_pairs_the_positive_wins(outcomes):
    rows = [
        (OutcomeLead(i, positive), result(total), result(0))
        for i, (positive, total) in enumerate(outcomes)
    ]
    positives = [total for positive, total in outcomes if positive]
    negatives = [total for positive, total in outcomes if not positive]
    figures = backtest(rows)
    if not positives or not negatives:
        assert figures["auc_published"] is None
        return
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    assert figures["auc_published"] == pytest.approx(wins / (len(positives) * len(negatives)))
    assert figures["auc_draft"] == 0.5  # every draft score ties
