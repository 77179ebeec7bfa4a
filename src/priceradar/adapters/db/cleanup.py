"""Retention deletes in small batches, so no statement holds locks for long."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, delete, select

from priceradar.adapters.db.tables import deals, history, notifications, products

# Outbox rows in these states will not change again.
FINISHED = ("sent", "failed", "unknown")


def _delete_batch(conn: Connection, table: Table, *where: ColumnElement[bool], limit: int) -> int:
    """Delete up to `limit` rows matching `where`; one short statement, returns rows deleted."""
    ids = select(table.c.id).where(*where).order_by(table.c.id).limit(limit).scalar_subquery()
    return conn.execute(delete(table).where(table.c.id.in_(ids))).rowcount or 0


def delete_history_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` price-history rows older than `cutoff`."""
    return _delete_batch(conn, history, history.c.checked_at < cutoff, limit=limit)


def delete_inactive_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` products inactive since before `cutoff`, with their history."""
    stale = (products.c.status == "inactive", products.c.updated_at < cutoff)
    ids = select(products.c.id).where(*stale).order_by(products.c.id).limit(limit)
    # History first, explicitly: the batch stays bounded whatever the cascade settings are.
    conn.execute(delete(history).where(history.c.product_id.in_(ids.scalar_subquery())))
    return _delete_batch(conn, products, *stale, limit=limit)


def delete_finished_notifications_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` outbox rows finished (sent, failed, unknown) before `cutoff`."""
    c = notifications.c
    return _delete_batch(
        conn, notifications, c.status.in_(FINISHED), c.updated_at < cutoff, limit=limit
    )


def delete_ended_deals_before(conn: Connection, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` deals that ended before `cutoff` (open deals are never touched)."""
    c = deals.c
    return _delete_batch(conn, deals, c.ended_at.is_not(None), c.ended_at < cutoff, limit=limit)
