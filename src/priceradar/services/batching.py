"""The seed's `SmartBatchProcessor`, on top of the leasing dispatcher.

`get_high_priority_batches()` and friends lease what is due in their priority range and return
batches to enqueue, exactly as the guide uses them:

    for batch in processor.get_high_priority_batches(limit=10000):
        batch_price_check.delay(batch["product_ids"], priority=10)

A leased product is not handed out again until its check finishes or the lease expires, so
calling these from two places never double-dispatches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from priceradar.adapters.db.engine import make_engine
from priceradar.config import Settings, load_settings
from priceradar.domain.priority import Band
from priceradar.services.schedule import (
    BandCounts,
    dispatch_limits,
    lease_batches,
    schedule_counts,
)

# The seed's three sweeps, by band threshold: high >= 80, medium 40-79, low < 40.
SWEEPS = {"high": (80, 101), "medium": (40, 80), "low": (0, 40)}


def bands_between(bands: Sequence[Band], low: int, high: int) -> list[int]:
    """Indexes of the bands whose threshold lies in [low, high)."""
    return [i for i, band in enumerate(bands) if low <= band.min_priority < high]


def sweep_of(band: int, bands: Sequence[Band]) -> str:
    threshold = bands[band].min_priority
    return next(name for name, (low, high) in SWEEPS.items() if low <= threshold < high)


class SmartBatchProcessor:
    """Hands out due products in per-domain batches, most urgent band first."""

    def __init__(
        self,
        batch_size: int = 1000,
        *,
        engine: Engine | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.engine = engine or make_engine(self.settings.db_url)
        self.batch_size = batch_size

    def _batches(self, sweep: str, limit: int) -> list[dict[str, Any]]:
        bands = bands_between(self.settings.priority_bands, *SWEEPS[sweep])
        limits = dispatch_limits(self.settings, self.batch_size)
        batches, _ = lease_batches(self.engine, limits, datetime.now(UTC), bands, limit)
        return [b.as_dict() for b in batches]

    def get_high_priority_batches(self, limit: int = 10000) -> list[dict[str, Any]]:
        """Due products with priority >= 80 (active deals land here), leased."""
        return self._batches("high", limit)

    def get_medium_priority_batches(self, limit: int = 10000) -> list[dict[str, Any]]:
        """Due products with priority 40-79, leased."""
        return self._batches("medium", limit)

    def get_low_priority_batches(self, limit: int = 10000) -> list[dict[str, Any]]:
        """Due products with priority below 40 (and never-checked ones, which start there)."""
        return self._batches("low", limit)

    def get_statistics(self) -> dict[str, Any]:
        """Counts by priority, due, in flight, outcomes and the worst lateness: one query."""
        now = datetime.now(UTC)
        return summarize(schedule_counts(self.engine, now), self.settings.priority_bands, now)


def summarize(rows: Sequence[BandCounts], bands: Sequence[Band], now: datetime) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    by_priority: Counter[str] = Counter()
    due: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    in_flight = orphaned = 0
    oldest: datetime | None = None
    for row in rows:
        band = min(int(row.priority_band), len(bands) - 1)
        by_status[row.status] += row.n
        outcomes[row.outcome or "never"] += row.n
        if row.status == "active":
            by_priority[sweep_of(band, bands)] += row.n
        due[sweep_of(band, bands)] += row.due
        in_flight += row.in_flight
        orphaned += row.orphaned
        if row.oldest_due_at is not None and (oldest is None or row.oldest_due_at < oldest):
            oldest = row.oldest_due_at
    return {
        "generated_at": now.isoformat(),
        "total_products": sum(by_status.values()),
        "by_status": dict(by_status),
        "by_priority": {name: by_priority[name] for name in SWEEPS},
        "due_now": {**{name: due[name] for name in SWEEPS}, "total": sum(due.values())},
        "in_flight": in_flight,
        "orphaned": orphaned,
        "never_checked": outcomes["never"],
        "outcomes": dict(sorted(outcomes.items())),
        "most_overdue_s": max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    }
