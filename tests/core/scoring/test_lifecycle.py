"""next_stage: where a rescore moves a lead in its lifecycle (no database)."""

from __future__ import annotations

import pytest

from qualification.core.scoring import ScoreResult, next_stage


def result(outcome: str, *, signed_up: bool = False) -> ScoreResult:
    qualification = {"mql": "mql", "pql": "pql"}.get(outcome, "none")
    return ScoreResult(
        fit=0,
        intent=0,
        usage=0,
        total=0,
        tier=1,
        qualification=qualification,
        pql_kind="usage" if qualification == "pql" else "",
        disqualified=outcome == "disqualified",
        signed_up=signed_up,
    )


@pytest.mark.parametrize(
    ("stage", "outcome", "signed_up", "expected"),
    [
        pytest.param("new", "mql", False, "mql", id="new-to-mql"),
        pytest.param("new", "pql", False, "pql", id="new-to-pql"),
        pytest.param("new", "none", True, "active_user", id="new-signed-up-to-active-user"),
        pytest.param("new", "mql", True, "mql", id="new-qualified-beats-signup"),
        pytest.param("new", "none", False, None, id="new-stays"),
        pytest.param("new", "disqualified", True, "disqualified", id="new-disqualified"),
        pytest.param("mql", "pql", False, "pql", id="mql-to-pql"),
        pytest.param("mql", "mql", False, None, id="mql-stays"),
        pytest.param("mql", "none", True, None, id="mql-not-back-to-active-user"),
        pytest.param("mql", "disqualified", False, "disqualified", id="mql-disqualified"),
        pytest.param("active_user", "pql", True, "pql", id="active-user-to-pql"),
        pytest.param("active_user", "mql", True, None, id="active-user-not-back-to-mql"),
        pytest.param("active_user", "none", True, None, id="active-user-stays"),
        pytest.param("active_user", "disqualified", True, "disqualified", id="active-user-dq"),
        pytest.param("pql", "pql", False, None, id="pql-stays"),
        pytest.param("pql", "mql", False, None, id="pql-not-back-to-mql"),
        pytest.param("pql", "none", False, None, id="pql-score-dropped-stays"),
        pytest.param("pql", "disqualified", False, "disqualified", id="pql-disqualified"),
        pytest.param("sql", "pql", False, None, id="sql-untouched"),
        pytest.param("sql", "disqualified", False, None, id="sql-not-disqualified-by-score"),
        pytest.param("opportunity", "mql", False, None, id="opportunity-untouched"),
        pytest.param("customer", "pql", True, None, id="customer-untouched"),
        pytest.param("recycled", "mql", False, None, id="recycled-untouched"),
        pytest.param("disqualified", "pql", False, None, id="disqualified-untouched"),
        pytest.param("disqualified", "disqualified", False, None, id="disqualified-no-repeat"),
    ],
)
def test_next_stage(stage, outcome, signed_up, expected):
    assert next_stage(stage, result(outcome, signed_up=signed_up)) == expected
