"""Priority bands and check intervals: the seed's table, made configurable and total.

Priority is 0-100. A band is the index of the first threshold the priority reaches; band 0 is
the most urgent. The default table is the seed guide's: >=80 -> 1 h, 60-79 -> 3 h, 40-59 -> 6 h,
20-39 -> 12 h, below 20 -> 24 h. The last band has threshold 0, so every priority has a band.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class Band:
    min_priority: int
    interval_s: int


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(80, 1 * HOUR_S),
    Band(60, 3 * HOUR_S),
    Band(40, 6 * HOUR_S),
    Band(20, 12 * HOUR_S),
    Band(0, 24 * HOUR_S),
)


def validate_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """Bands must descend strictly and end at 0 so that no priority falls through."""
    ordered = tuple(bands)
    if not ordered or ordered[-1].min_priority != 0:
        raise ValueError("the last priority band must start at 0")
    for upper, lower in itertools.pairwise(ordered):
        if upper.min_priority <= lower.min_priority:
            raise ValueError("priority bands must be listed from highest to lowest threshold")
    if any(b.interval_s <= 0 for b in ordered):
        raise ValueError("band intervals must be positive")
    return ordered


def band_for_priority(priority: float, bands: Sequence[Band] = DEFAULT_BANDS) -> int:
    """Index of the band `priority` falls in (0 = most urgent)."""
    for index, band in enumerate(bands):
        if priority >= band.min_priority:
            return index
    return len(bands) - 1


def interval_for_priority(priority: float, bands: Sequence[Band] = DEFAULT_BANDS) -> int:
    """Seconds between checks for a product of this priority."""
    return bands[band_for_priority(priority, bands)].interval_s


def message_priority_for_band(band: int) -> int:
    """Task priority on our 0-10 scale (10 = most urgent) for products of a band."""
    return max(0, 10 - 2 * band)
