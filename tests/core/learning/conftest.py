"""Shared fixtures: the synthetic known-drivers set and its recalibration, computed once."""

from __future__ import annotations

import pytest

from qualification.core.learning import recalibrate
from qualification.devdata.synthetic_outcomes import synthetic_rows


@pytest.fixture(scope="session")
def synthetic():
    return synthetic_rows(3000, seed=0)


@pytest.fixture(scope="session")
def synthetic_result(synthetic):
    rows, criteria = synthetic
    return recalibrate(rows, criteria, seed=0)
