"""Leasing due products: the one statement that makes "never in flight twice" true.

A lease moves `next_check_at` to the lease expiry. While leased, a product is simply not due;
if its worker dies, it becomes due again when the lease runs out. On PostgreSQL the inner
SELECT takes row locks with SKIP LOCKED, so concurrent dispatchers (two beats by mistake) lease
disjoint rows; on SQLite the IMMEDIATE transaction makes the statement the only writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from priceradar.adapters.db.tables import products


@dataclass(frozen=True, slots=True)
class Leased:
    id: int
    domain: str
    priority_band: int


def lease_due(
    conn: Connection, now: datetime, lease_until: datetime, limit: int, bands: Iterable[int]
) -> list[Leased]:
    """Lease up to `limit` due active products, walking the given bands most urgent first.

    One index range scan per band on ix_products_due (priority_band, next_check_at): cost
    is proportional to what is leased, not to the table size.
    """
    leased: list[Leased] = []
    for band in sorted(bands):
        remaining = limit - len(leased)
        if remaining <= 0:
            break
        due = (
            select(products.c.id)
            .where(
                products.c.status == "active",
                products.c.priority_band == band,
                products.c.next_check_at <= now,
            )
            .order_by(products.c.next_check_at)
            .limit(remaining)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(products)
            .where(products.c.id.in_(due.scalar_subquery()))
            .values(lease_until=lease_until, next_check_at=lease_until)
            .returning(products.c.id, products.c.domain, products.c.priority_band)
        )
        leased.extend(Leased(r.id, r.domain, r.priority_band) for r in conn.execute(stmt))
    return leased


def count_in_flight(conn: Connection, now: datetime) -> int:
    """Products leased and not yet expired: checks queued or running right now."""
    stmt = select(func.count()).select_from(products).where(products.c.lease_until > now)
    return int(conn.execute(stmt).scalar_one())
