"""The schedule in SQL: leasing due products, and the one SQL form of due / in flight / orphaned.

The definitions are `domain/schedule.py`'s; every query that asks "is it due" uses the
expressions here (dispatcher, sweeps, API, CLI, statistics, metrics).

A lease sets `lease_until` and `lease_token` and leaves `next_check_at` alone: when a worker
dies, its products are due again at their original time, ahead of newer work. On PostgreSQL the
inner SELECT takes row locks with SKIP LOCKED, so concurrent dispatchers lease disjoint rows; on
SQLite the IMMEDIATE transaction makes the statement the only writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select, update

from priceradar.adapters.db.tables import products

c = products.c


def in_flight(now: datetime) -> ColumnElement[bool]:
    return c.lease_until > now


def orphaned(now: datetime) -> ColumnElement[bool]:
    return c.lease_until <= now


def not_in_flight(now: datetime) -> ColumnElement[bool]:
    return or_(c.lease_until.is_(None), c.lease_until <= now)


def due(now: datetime) -> ColumnElement[bool]:
    return and_(c.status == "active", c.next_check_at <= now, not_in_flight(now))


def holds_lease(token: str) -> ColumnElement[bool]:
    """Rows whose lease belongs to the dispatch that issued `token`."""
    return c.lease_token == token


@dataclass(frozen=True, slots=True)
class Leased:
    id: int
    domain: str
    priority_band: int


def lease_due(
    conn: Connection,
    now: datetime,
    lease_until: datetime,
    token: str,
    limit: int,
    bands: Iterable[int],
) -> list[Leased]:
    """Lease up to `limit` due active products: orphans first, then band by band.

    Orphans come from ix_products_leased (only leased rows: at most the in-flight cap plus the
    orphans); then one index range scan per band on ix_products_due (priority_band,
    next_check_at), oldest due time first, skipping the few rows in flight. The cost stays
    proportional to the work, not the table.
    """
    chosen = sorted(bands)
    # Orphans first (leases that ran out: already chosen once, their worker died), through
    # the small partial index of leased rows; then each band in order of due time.
    leased = _lease(
        conn,
        select(c.id)
        .where(c.priority_band.in_(chosen), orphaned(now), due(now))
        .order_by(c.lease_until)  # an ordered range scan of ix_products_leased
        .limit(limit),
        lease_until,
        token,
    )
    for band in chosen:
        remaining = limit - len(leased)
        if remaining <= 0:
            break
        query = (
            select(c.id)
            .where(c.priority_band == band, due(now))
            .order_by(c.next_check_at)
            .limit(remaining)
        )
        leased.extend(_lease(conn, query, lease_until, token))
    return leased


def _lease(conn: Connection, query: Select[Any], lease_until: datetime, token: str) -> list[Leased]:
    stmt = (
        update(products)
        .where(c.id.in_(query.with_for_update(skip_locked=True).scalar_subquery()))
        .values(lease_until=lease_until, lease_token=token)
        .returning(c.id, c.domain, c.priority_band)
    )
    return [Leased(r.id, r.domain, r.priority_band) for r in conn.execute(stmt)]


def count_in_flight(conn: Connection, now: datetime) -> int:
    """Products leased and not yet expired: checks queued or running right now."""
    stmt = select(func.count()).select_from(products).where(in_flight(now))
    return int(conn.execute(stmt).scalar_one())


def still_leased(conn: Connection, ids: Sequence[int], token: str, now: datetime) -> list[int]:
    """Those of `ids` whose lease is still this token's and has not run out, in id order."""
    stmt = (
        select(c.id).where(c.id.in_(list(ids)), holds_lease(token), in_flight(now)).order_by(c.id)
    )
    return [int(i) for i in conn.execute(stmt).scalars()]


def release(conn: Connection, ids: Sequence[int], token: str) -> int:
    """Give back leases that were taken but never enqueued: the products are due again now."""
    stmt = (
        update(products)
        .where(c.id.in_(list(ids)), holds_lease(token))
        .values(lease_until=None, lease_token=None)
    )
    return int(conn.execute(stmt).rowcount)


def make_due(conn: Connection, now: datetime) -> int:
    """Every active product not in flight becomes due now (`priceradar check --all`)."""
    stmt = (
        update(products).where(c.status == "active", not_in_flight(now)).values(next_check_at=now)
    )
    return int(conn.execute(stmt).rowcount)


@dataclass(frozen=True, slots=True)
class Lateness:
    """What the lateness gauges need, read through indexes only (see `lateness`)."""

    due_by_band: dict[int, tuple[int, datetime | None]]  # band -> (due, oldest due time)
    in_flight: int
    orphaned: int


def lateness(conn: Connection, now: datetime, bands: int) -> Lateness:
    """Due products and their oldest due time per band, in flight, orphaned.

    One range scan of ix_products_due per band (cost grows with what is due, not with the
    catalogue) and two of ix_products_leased (at most the in-flight cap plus the orphans):
    cheap enough for every scrape, unlike `band_counts`' GROUP BY over all products.
    """
    due_by_band: dict[int, tuple[int, datetime | None]] = {}
    for band in range(bands):
        n, oldest = conn.execute(
            select(func.count(), func.min(c.next_check_at)).where(c.priority_band == band, due(now))
        ).one()
        due_by_band[band] = (int(n), oldest)
    leased = select(func.count()).select_from(products)
    return Lateness(
        due_by_band,
        int(conn.execute(leased.where(in_flight(now))).scalar_one()),
        int(conn.execute(leased.where(orphaned(now))).scalar_one()),
    )


def band_counts(conn: Connection, now: datetime) -> list[Any]:
    """Per (band, status, last outcome): products, due, in flight, orphaned, oldest due time."""
    is_due = due(now)
    stmt = select(
        c.priority_band,
        c.status,
        c.last_outcome.label("outcome"),
        func.count().label("n"),
        func.sum(case((is_due, 1), else_=0)).label("due"),
        func.sum(case((in_flight(now), 1), else_=0)).label("in_flight"),
        func.sum(case((orphaned(now), 1), else_=0)).label("orphaned"),
        func.min(case((is_due, c.next_check_at))).label("oldest_due_at"),
    ).group_by(c.priority_band, c.status, c.last_outcome)
    return list(conn.execute(stmt))
