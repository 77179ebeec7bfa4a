"""The dispatcher: lease what is due, then enqueue batch tasks grouped by domain.

Enqueueing happens after the lease commits. If the broker refuses, the leases simply expire
and the products are dispatched again: no product is lost, none is in flight twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from priceradar.adapters.db.dispatch import count_in_flight, lease_due
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


@dataclass(frozen=True, slots=True)
class DispatchStats:
    leased: int
    batches: int
    in_flight_before: int


def dispatch_due(
    engine: Engine, enqueue: Enqueue, limits: DispatchLimits, now: datetime
) -> DispatchStats:
    """Lease due products (most urgent band first) and enqueue them in per-domain batches."""
    with engine.begin() as conn:
        in_flight = count_in_flight(conn, now)
        room = min(limits.max_per_tick, limits.max_in_flight - in_flight)
        leased = (
            lease_due(conn, now, now + timedelta(seconds=limits.lease_s), room, limits.bands)
            if room > 0
            else []
        )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row in leased:
        groups[(row.priority_band, row.domain)].append(row.id)
    batches = 0
    for (band, _domain), ids in sorted(groups.items()):
        for start in range(0, len(ids), limits.batch_size):
            enqueue(ids[start : start + limits.batch_size], message_priority_for_band(band))
            batches += 1
    return DispatchStats(len(leased), batches, in_flight)
