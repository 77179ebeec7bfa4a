"""Retention deletes in small batches, so no statement holds locks for long."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, delete, select

from priceradar.adapters.db.models import Deal, Notification, PriceHistory, Product

products = cast(Table, Product.__table__)
history = cast(Table, PriceHistory.__table__)
notifications = cast(Table, Notification.__table__)
deals = cast(Table, Deal.__table__)
# Outbox rows in these states will not change again.
FINISHED = ("sent", "failed", "unknown")


def delete_history_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` price-history rows older than `cutoff`; returns rows deleted."""
    ids = select(history.c.id).where(history.c.checked_at < cutoff).limit(limit).scalar_subquery()
    return conn.execute(delete(history).where(history.c.id.in_(ids))).rowcount or 0


def delete_inactive_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` products inactive since before `cutoff` (their history cascades)."""
    ids = (
        select(products.c.id)
        .where(products.c.status == "inactive", products.c.updated_at < cutoff)
        .limit(limit)
        .scalar_subquery()
    )
    # History first: SQLite enforces ON DELETE CASCADE only with foreign keys on, which the
    # engine sets, but an explicit delete keeps the batch bounded on both databases.
    conn.execute(delete(history).where(history.c.product_id.in_(ids)))
    return conn.execute(delete(products).where(products.c.id.in_(ids))).rowcount or 0


def delete_finished_notifications_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` outbox rows finished (sent, failed, unknown) before `cutoff`."""
    ids = (
        select(notifications.c.id)
        .where(notifications.c.status.in_(FINISHED), notifications.c.updated_at < cutoff)
        .limit(limit)
        .scalar_subquery()
    )
    return conn.execute(delete(notifications).where(notifications.c.id.in_(ids))).rowcount or 0


def delete_ended_deals_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` deals that ended before `cutoff` (open deals are never touched)."""
    ids = (
        select(deals.c.id)
        .where(deals.c.ended_at.is_not(None), deals.c.ended_at < cutoff)
        .limit(limit)
        .scalar_subquery()
    )
    return conn.execute(delete(deals).where(deals.c.id.in_(ids))).rowcount or 0
