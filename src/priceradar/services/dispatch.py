"""The dispatcher: lease what is due, then enqueue batch tasks grouped by domain.

Enqueueing happens after the lease commits. If the broker refuses, the leases simply expire
and the products are dispatched again: no product is lost, none is in flight twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from priceradar.adapters.db.dispatch import Leased, count_in_flight, lease_due
from priceradar.config import Settings
from priceradar.domain.priority import message_priority_for_band

Enqueue = Callable[[list[int], int], None]  # (product_ids, priority 0-10)


@dataclass(frozen=True, slots=True)
class DispatchLimits:
    lease_s: int
    batch_size: int
    max_per_tick: int
    # Backpressure: never more leased than workers finish well within a lease, or queued
    # leases would expire before they run and be dispatched a second time.
    max_in_flight: int
    bands: int = 5


def dispatch_limits(settings: Settings, batch_size: int | None = None) -> DispatchLimits:
    """The dispatcher's limits from settings; `batch_size` overrides the configured one."""
    return DispatchLimits(
        lease_s=settings.lease_s,
        batch_size=batch_size or settings.check_batch_size,
        max_per_tick=settings.dispatch_max_per_tick,
        max_in_flight=settings.dispatch_max_in_flight,
        bands=len(settings.priority_bands),
    )


@dataclass(frozen=True, slots=True)
class Batch:
    """Products of one domain and band, checked by one task."""

    product_ids: list[int]
    priority: int  # 0-10, 10 most urgent
    domain: str
    band: int

    def as_dict(self) -> dict[str, object]:
        return {
            "product_ids": self.product_ids,
            "priority": self.priority,
            "domain": self.domain,
            "band": self.band,
        }


@dataclass(frozen=True, slots=True)
class DispatchStats:
    leased: int
    batches: int
    in_flight_before: int


def group_batches(leased: Sequence[Leased], batch_size: int) -> list[Batch]:
    """Most urgent band first; one domain per batch so per-domain limits apply within a task."""
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row in leased:
        groups[(row.priority_band, row.domain)].append(row.id)
    return [
        Batch(
            sorted(ids[start : start + batch_size]), message_priority_for_band(band), domain, band
        )
        for (band, domain), ids in sorted(groups.items())
        for start in range(0, len(ids), batch_size)
    ]


def lease_batches(
    engine: Engine,
    limits: DispatchLimits,
    now: datetime,
    bands: Iterable[int] | None = None,
    limit: int | None = None,
) -> tuple[list[Batch], int]:
    """Lease due products within the in-flight budget; returns (batches, in flight before)."""
    with engine.begin() as conn:
        in_flight = count_in_flight(conn, now)
        room = min(limit or limits.max_per_tick, limits.max_in_flight - in_flight)
        leased = []
        if room > 0:
            lease_until = now + timedelta(seconds=limits.lease_s)
            chosen = range(limits.bands) if bands is None else bands
            leased = lease_due(conn, now, lease_until, room, chosen)
    return group_batches(leased, limits.batch_size), in_flight


def dispatch_due(
    engine: Engine,
    enqueue: Enqueue,
    limits: DispatchLimits,
    now: datetime,
    bands: Iterable[int] | None = None,
) -> DispatchStats:
    """Lease due products (most urgent band first) and enqueue them in per-domain batches."""
    batches, in_flight = lease_batches(engine, limits, now, bands)
    for batch in batches:
        enqueue(batch.product_ids, batch.priority)
    return DispatchStats(sum(len(b.product_ids) for b in batches), len(batches), in_flight)
