from __future__ import annotations

import pytest

from tests.services.rescoring.catalog import scoring_catalog


@pytest.fixture
def catalog():
    scoring_catalog()
