"""Response-time bands for the manager dashboard.

Defined once here so the chart, its legend and any export cut response times at the same
edges. Bands are wall-clock minutes from clock start to first touch: how long the lead
actually waited, which is what a manager compares across teams with different business hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """One band: ``low`` inclusive, ``high`` exclusive (None = open-ended), in minutes."""

    key: str
    label: str
    low: int
    high: int | None

    def contains(self, minutes: float) -> bool:
        return self.low <= minutes and (self.high is None or minutes < self.high)


RESPONSE_BANDS: tuple[Band, ...] = (
    Band("0-5", "0\u20135 min", 0, 5),
    Band("5-15", "5\u201315 min", 5, 15),
    Band("15-60", "15\u201360 min", 15, 60),
    Band("60+", "60+ min", 60, None),
)


def band_for(minutes: float) -> Band:
    """The band a response time falls in.

    A negative time (touched before the clock started, or clock skew between systems) counts
    as instant rather than crashing the dashboard; NaN is a caller bug and is refused.
    """
    if math.isnan(minutes):
        raise ValueError("a response time cannot be NaN")
    minutes = max(minutes, 0)
    for band in RESPONSE_BANDS:
        if band.contains(minutes):
            return band
    raise AssertionError("unreachable: the last band is open-ended")  # pragma: no cover
