"""Recomputing priorities: the seed's `PriorityCalculator` and the sweep over all products.

Both use the same pure formula (`domain.priority`). The sweep walks the primary key in ranges
of PRIORITY_CHUNK ids, each range one read query, one bulk write and one short transaction.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from priceradar.adapters.db.models import Product
from priceradar.adapters.db.priorities import (
    PriorityInput,
    PriorityRow,
    id_bounds,
    read_inputs,
    write_priorities,
)
from priceradar.domain.priority import (
    DEFAULT_BANDS,
    Band,
    PrioritySignals,
    PriorityWeights,
    band_for_priority,
    popularity_score,
    priority,
    recency_score,
    volatility_from_moments,
)

# Ids per round. 50k rows keep each transaction around a second on PostgreSQL at 1M products
# (measured in BENCHMARKS.md) and the Python side under 100 MB.
PRIORITY_CHUNK = 50_000
VOLATILITY_WINDOW = timedelta(days=30)
SEED_WEIGHTS = PriorityWeights()


@dataclass(frozen=True, slots=True)
class PriorityStats:
    scanned: int
    updated: int
    elapsed_s: float


def score(
    item: PriorityInput, now: datetime, weights: PriorityWeights, bands: Sequence[Band]
) -> PriorityRow:
    """New scores, priority and band for one product (and its next check when the band moved)."""
    volatility = volatility_from_moments(item.samples, item.mean_price, item.mean_square_price)
    popularity = popularity_score(item.watcher_count, item.rating, item.review_count)
    interval_s = item.check_interval_s or bands[min(item.priority_band, len(bands) - 1)].interval_s
    since_s = (now - item.last_checked_at).total_seconds() if item.last_checked_at else None
    value = priority(
        PrioritySignals(
            item.has_active_deal, volatility, popularity, recency_score(since_s, interval_s)
        ),
        weights,
    )
    band = band_for_priority(value, bands)
    next_at = None
    # A new band means a new interval: reschedule from the last check, unless the product is
    # in flight (its result will schedule it) or has its own interval.
    if (
        band != item.priority_band
        and item.lease_until is None
        and item.last_checked_at is not None
        and item.check_interval_s is None
    ):
        next_at = item.last_checked_at + timedelta(seconds=bands[band].interval_s)
    return PriorityRow(item.id, round(volatility), round(popularity), value, band, next_at)


def _changed(item: PriorityInput, row: PriorityRow) -> bool:
    return (row.check_priority, row.priority_band, row.volatility_score, row.popularity_score) != (
        item.check_priority,
        item.priority_band,
        item.volatility_score,
        item.popularity_score,
    )


def update_product_priorities(
    engine: Engine,
    weights: PriorityWeights = SEED_WEIGHTS,
    bands: Sequence[Band] = DEFAULT_BANDS,
    now: datetime | None = None,
    chunk: int = PRIORITY_CHUNK,
) -> PriorityStats:
    """Recompute every active product's priority; only changed rows are written."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        bounds = id_bounds(conn)
    scanned = updated = 0
    if bounds is not None:
        for low in range(bounds[0], bounds[1] + 1, chunk):
            with engine.begin() as conn:
                inputs = read_inputs(conn, low, low + chunk, now - VOLATILITY_WINDOW)
                rows = [(item, score(item, now, weights, bands)) for item in inputs]
                changed = [row for item, row in rows if _changed(item, row)]
                write_priorities(conn, changed)
            scanned += len(inputs)
            updated += len(changed)
    return PriorityStats(scanned, updated, time.monotonic() - started)


class PriorityCalculator:
    """The seed's API: `PriorityCalculator().calculate_priority(product, db)` -> 0-100."""

    def __init__(
        self, weights: PriorityWeights | None = None, bands: Sequence[Band] | None = None
    ) -> None:
        self.weights = weights or PriorityWeights()
        self.bands = tuple(bands or DEFAULT_BANDS)

    def calculate_priority(self, product: Product, db: Session | Connection) -> int:
        """Priority of one product from its history, deals and popularity signals."""
        conn = db.connection() if isinstance(db, Session) else db
        now = datetime.now(UTC)
        inputs = read_inputs(conn, product.id, product.id + 1, now - VOLATILITY_WINDOW)
        if not inputs:
            return 0  # inactive products are not scheduled
        return score(inputs[0], now, self.weights, self.bands).check_priority

    def get_check_interval(self, priority_value: float) -> int:
        """Seconds between checks for this priority (the seed's band table)."""
        return self.bands[band_for_priority(priority_value, self.bands)].interval_s
