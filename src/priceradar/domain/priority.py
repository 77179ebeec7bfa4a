"""Priority bands and check intervals: the seed's table, made configurable and total.

Priority is 0-100. A band is the index of the first threshold the priority reaches; band 0 is
the most urgent. The default table is the seed guide's: >=80 -> 1 h, 60-79 -> 3 h, 40-59 -> 6 h,
20-39 -> 12 h, below 20 -> 24 h. The last band has threshold 0, so every priority has a band.
"""

from __future__ import annotations

import itertools
import math
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


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """The seed's formula: deal*50 + volatility*0.30 + popularity*0.15 + recency*0.05 (max 100)."""

    deal: float = 50.0
    volatility: float = 0.30
    popularity: float = 0.15
    recency: float = 0.05


@dataclass(frozen=True, slots=True)
class PrioritySignals:
    """Inputs of the formula; each score is already on a 0-100 scale."""

    has_active_deal: bool
    volatility: float
    popularity: float
    recency: float


def priority(signals: PrioritySignals, weights: PriorityWeights | None = None) -> int:
    """Priority 0-100 (clamped) from the four signals."""
    weights = weights or PriorityWeights()
    raw = (
        weights.deal * (1 if signals.has_active_deal else 0)
        + weights.volatility * signals.volatility
        + weights.popularity * signals.popularity
        + weights.recency * signals.recency
    )
    return int(max(0, min(100, round(raw))))


# A coefficient of variation of 25% over 30 days is as volatile as products get: score 100.
VOLATILITY_FULL_SCALE_CV = 0.25


def volatility_score(prices: Sequence[float]) -> float:
    """0-100 from the coefficient of variation (stddev / mean) of recent prices."""
    n = len(prices)
    if n == 0:
        return 0.0
    return volatility_from_moments(n, sum(prices) / n, sum(p * p for p in prices) / n)


def volatility_from_moments(samples: int, mean: float | None, mean_square: float | None) -> float:
    """The same score from count, mean and mean of squares (what SQL aggregates cheaply)."""
    if samples < 2 or not mean or mean <= 0 or mean_square is None:
        return 0.0
    variance = max(0.0, mean_square - mean * mean)  # rounding can make it slightly negative
    return min(100.0, 100.0 * (math.sqrt(variance) / mean) / VOLATILITY_FULL_SCALE_CV)


def popularity_score(watchers: int, rating: float | None, reviews: int) -> float:
    """0-100: watchers count most (people asked for alerts), then reviews and rating.

    Logarithmic so that the 10th watcher matters more than the 1000th: 100 watchers -> 60,
    10k reviews -> 25, a 5-star rating -> 15.
    """
    watch = min(60.0, 30.0 * math.log10(1 + max(0, watchers)))
    review = min(25.0, 6.25 * math.log10(1 + max(0, reviews)))
    stars = min(15.0, 3.0 * max(0.0, min(5.0, rating or 0.0)))
    return watch + review + stars


def recency_score(since_check_s: float | None, interval_s: int) -> float:
    """0-100: how far into its interval a product is; never checked counts as fully due."""
    if since_check_s is None:
        return 100.0
    return max(0.0, min(100.0, 100.0 * since_check_s / interval_s))


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
