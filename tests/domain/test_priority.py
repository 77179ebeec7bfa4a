from __future__ import annotations

import pytest

from priceradar.domain.priority import (
    DEFAULT_BANDS,
    Band,
    band_for_priority,
    interval_for_priority,
    message_priority_for_band,
    validate_bands,
)

H = 3600


@pytest.mark.parametrize(
    ("priority", "interval"),
    [
        (100, H),
        (80, H),
        (79.9, 3 * H),
        (60, 3 * H),
        (59, 6 * H),
        (40, 6 * H),
        (39, 12 * H),
        (20, 12 * H),
        (19.99, 24 * H),
        (0, 24 * H),
        (-5, 24 * H),
    ],
)
def test_seed_intervals(priority: float, interval: int) -> None:
    assert interval_for_priority(priority) == interval


def test_bands_are_ordered_most_urgent_first() -> None:
    assert [band_for_priority(p) for p in (95, 65, 45, 25, 5)] == [0, 1, 2, 3, 4]
    assert [message_priority_for_band(b) for b in range(5)] == [10, 8, 6, 4, 2]


def test_invalid_band_tables_refused() -> None:
    validate_bands(DEFAULT_BANDS)
    with pytest.raises(ValueError, match="start at 0"):
        validate_bands([Band(50, H)])
    with pytest.raises(ValueError, match="highest to lowest"):
        validate_bands([Band(10, H), Band(50, H), Band(0, H)])
