"""The criteria health tables: the stored values in the page's and the CSV's rows."""

from __future__ import annotations

import pytest

from qualification.selectors.criteria_health import criteria_health_read
from qualification.web.tables.health import band_label, health_tables
from tests.selectors.test_criteria_health import run

pytestmark = pytest.mark.django_db


def test_nothing_run_yet_gives_empty_tables():
    assert all(table.empty for table in health_tables(criteria_health_read()).values())


def test_tables_hold_the_stored_values():
    run(is_live=True)
    tables = health_tables(criteria_health_read(with_drift=False))
    assert set(tables) >= {"criteria", "new-criteria", "calibration", "models", "factors", "drift"}
    criteria = tables["criteria"]
    keys = [c.key for c in criteria.columns]
    first = dict(zip(keys, criteria.rows[0], strict=True))
    assert first["suggested"] == 32
    assert first["ci_low"] == 24
    assert first["lift"] == 2.77
    assert tables["calibration"].rows[1] == ["20\N{EN DASH}40%", 0.31, 0.36, 33]
    assert tables["by-source"].rows == [["webinar", 120, 0.41], ["paid_search", 80, 0.17]]
    assert tables["by-pql-kind"].rows == [["Hand-raiser", 30, 0.66]]
    assert tables["new-criteria"].rows[0][3] == 88
    assert tables["drift"].empty  # not read: no drift asked for


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(0.0, 0.1, "0\N{EN DASH}10%"), (0.9, 1.0, "90\N{EN DASH}100%"), (None, 0.2, "?")],
)
def test_band_label(low, high, text):
    assert band_label(low, high) == text


def test_figures_missing_fields_do_not_crash():
    """An older run's figures may lack newer keys: the page shows dashes, never a 500."""
    run(is_live=True, figures={"n_outcomes": 12, "enough": False, "criteria": [{"key": "x"}]})
    health = criteria_health_read(with_drift=False)
    assert health.criteria[0].points == 0
    assert health.criteria[0].suggestion_text == ""
    tables = health_tables(health)
    assert tables["calibration"].empty
    assert tables["models"].empty
