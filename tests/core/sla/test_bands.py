"""Response-time bands: edges are low-inclusive, high-exclusive, and cover every time."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from qualification.core.sla import RESPONSE_BANDS, Band, band_for

BAND_CASES = [
    pytest.param(0, "0-5", id="instant"),
    pytest.param(4.99, "0-5", id="just under five"),
    pytest.param(5, "5-15", id="five is the next band"),
    pytest.param(14.5, "5-15", id="fractional"),
    pytest.param(15, "15-60", id="fifteen"),
    pytest.param(59.99, "15-60", id="just under an hour"),
    pytest.param(60, "60+", id="an hour"),
    pytest.param(60 * 24 * 30, "60+", id="a month"),
    pytest.param(-3, "0-5", id="touched before the clock started"),
]


@pytest.mark.parametrize(("minutes", "key"), BAND_CASES)
def test_band_for(minutes, key):
    assert band_for(minutes).key == key


def test_bands_are_the_dashboard_legend():
    expected = (
        Band("0-5", "0\u20135 min", 0, 5),
        Band("5-15", "5\u201315 min", 5, 15),
        Band("15-60", "15\u201360 min", 15, 60),
        Band("60+", "60+ min", 60, None),
    )
    assert tuple(RESPONSE_BANDS) == expected
    # Contiguous: each band starts where the previous one ends.
    assert all(a.high == b.low for a, b in pairwise(RESPONSE_BANDS))


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        band_for(math.nan)
