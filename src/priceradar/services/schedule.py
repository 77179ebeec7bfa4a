"""The schedule: the one module that decides what is due, leases it and reports on it.

Used by the dispatcher (beat), the sweeps, `SmartBatchProcessor`, the API's statistics, the CLI
and the metrics; the words are defined in `domain/schedule.py`, the SQL in
`adapters/db/schedule.py`. Settings come in as `ScheduleLimits`, never read here.

Enqueueing happens after the lease commits. If the broker refuses, the leases simply expire and
the products are due again at their original time: none is lost, none is in flight twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from priceradar.adapters.db.outbox import next_wakeup_at
from priceradar.adapters.db.schedule import (
    Leased,
    band_counts,
    count_in_flight,
    lease_due,
    make_due,
    release,
)
from priceradar.config import Settings
from priceradar.domain.priority import message_priority_for_band
from priceradar.domain.schedule import lease_expiry, new_lease_token

log = logging.getLogger(__name__)


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
    """Products of one domain and band, checked by one task under one lease."""

    product_ids: list[int]
    priority: int  # 0-10, 10 most urgent
    domain: str
    band: int
    lease_token: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "product_ids": self.product_ids,
            "priority": self.priority,
            "domain": self.domain,
            "band": self.band,
            "lease_token": self.lease_token,
        }


Enqueue = Callable[[Batch], None]


@dataclass(frozen=True, slots=True)
class DispatchStats:
    leased: int
    batches: int
    in_flight_before: int


def group_batches(
    leased: Sequence[Leased], batch_size: int, token: str | None = None
) -> list[Batch]:
    """Most urgent band first; one domain per batch so per-domain limits apply within a task."""
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row in leased:
        groups[(row.priority_band, row.domain)].append(row.id)
    return [
        Batch(
            sorted(ids[start : start + batch_size]),
            message_priority_for_band(band),
            domain,
            band,
            token,
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
    token = new_lease_token()
    with engine.begin() as conn:
        in_flight = count_in_flight(conn, now)
        room = min(limit or limits.max_per_tick, limits.max_in_flight - in_flight)
        leased = []
        if room > 0:
            chosen = range(limits.bands) if bands is None else bands
            until = lease_expiry(now, limits.lease_s)
            leased = lease_due(conn, now, until, token, room, chosen)
    return group_batches(leased, limits.batch_size, token), in_flight


def dispatch_due(
    engine: Engine,
    enqueue: Enqueue,
    limits: DispatchLimits,
    now: datetime,
    bands: Iterable[int] | None = None,
) -> DispatchStats:
    """Lease due products (most urgent band first) and enqueue them in per-domain batches.

    If the broker refuses a batch, the leases of every batch not enqueued are given back, so
    those products are due again at once instead of waiting out the lease; then it raises.
    """
    batches, in_flight = lease_batches(engine, limits, now, bands)
    for n, batch in enumerate(batches):
        try:
            enqueue(batch)
        except Exception:
            _give_back(engine, batches[n:])
            raise
    return DispatchStats(sum(len(b.product_ids) for b in batches), len(batches), in_flight)


def _give_back(engine: Engine, batches: Sequence[Batch]) -> None:
    try:
        with engine.begin() as conn:
            for batch in batches:
                if batch.lease_token is not None:
                    release(conn, batch.product_ids, batch.lease_token)
    except Exception:  # the database may be down too: then the leases simply run out
        log.warning("could not give back unsent leases", exc_info=True)


def make_all_due(engine: Engine, now: datetime) -> int:
    """Every active product not in flight is due now; returns how many."""
    with engine.begin() as conn:
        return make_due(conn, now)


@dataclass(frozen=True, slots=True)
class BandCounts:
    """One group of products (band, status, last outcome) and where they stand."""

    priority_band: int
    status: str
    outcome: str | None
    n: int
    due: int
    in_flight: int
    orphaned: int
    oldest_due_at: datetime | None


def schedule_counts(engine: Engine, now: datetime) -> list[BandCounts]:
    """Counts behind the API's statistics, `priceradar status` and the metrics: one query."""
    with engine.connect() as conn:
        rows = band_counts(conn, now)
    return [
        BandCounts(
            int(r.priority_band),
            str(r.status),
            r.outcome,
            int(r.n),
            int(r.due or 0),
            int(r.in_flight or 0),
            int(r.orphaned or 0),
            _aware(r.oldest_due_at),
        )
        for r in rows
    ]


def _aware(value: object) -> datetime | None:
    # MIN() over a TypeDecorator column comes back raw on some dialects (naive text on SQLite).
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def notifications_due(engine: Engine, now: datetime) -> bool:
    """Whether an outbox row is due or a delivery lease ran out (a sender died)."""
    with engine.connect() as conn:
        wake = _aware(next_wakeup_at(conn))
    return wake is not None and wake <= now
