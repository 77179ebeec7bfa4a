"""Reads and writes behind watch management (`services.watches`): watches, their destinations,
and the product's watcher count. Callers own the transaction.

The per-batch reads of deal detection (`load_watches`, `update_baselines`) live in `deals`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, delete, select, update

from priceradar.adapters.db.deals import dialect_insert
from priceradar.adapters.db.tables import deals, destinations, products, watches

W = watches.c
D = destinations.c
P = products.c


def product_price(conn: Connection, product_id: int) -> Any:
    """The product's current `price` and `in_stock`; None when there is no such product."""
    return conn.execute(select(P.price, P.in_stock).where(P.id == product_id)).first()


def ensure_destination(conn: Connection, kind: str, target: str, now: datetime) -> int:
    """The id of the (kind, target) destination, created if it is new (left as it is if not)."""
    conn.execute(
        dialect_insert(conn, destinations)
        .values(kind=kind, target=target, created_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "target"])
    )
    return int(conn.execute(select(D.id).where(D.kind == kind, D.target == target)).scalar_one())


def enable_destination(conn: Connection, destination_id: int) -> bool:
    """Clear the destination's disabled state; False when there is no such destination."""
    stmt = (
        update(destinations)
        .where(D.id == destination_id)
        .values(enabled=True, disabled_reason=None, disabled_at=None)
    )
    return bool(conn.execute(stmt).rowcount)


def insert_watch(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a watch (the columns of `watches`); returns its id. A product watch counts one
    more watcher on its product."""
    watch_id = int(conn.execute(watches.insert().values(dict(values)).returning(W.id)).one()[0])
    if values.get("product_id") is not None:
        _count_watcher(conn, values["product_id"], +1)
    return watch_id


def delete_watch(conn: Connection, watch_id: int) -> bool:
    """Delete a watch (a product watch counts one watcher less); False when there is none."""
    row = conn.execute(delete(watches).where(W.id == watch_id).returning(W.product_id)).first()
    if row is None:
        return False
    if row.product_id is not None:
        _count_watcher(conn, row.product_id, -1)
    return True


def _count_watcher(conn: Connection, product_id: int, delta: int) -> None:
    """`watcher_count` feeds the popularity score of the priority formula."""
    count = P.watcher_count + delta
    conn.execute(
        update(products)
        .where(P.id == product_id)
        .values(watcher_count=case((count < 0, 0), else_=count))
    )


def watch_rows(conn: Connection) -> list[Any]:
    """Every watch (all its columns) with its destination's kind, target and state, by id."""
    stmt = (
        select(watches, D.kind, D.target, D.enabled, D.disabled_reason)
        .join(destinations, D.id == W.destination_id)
        .order_by(W.id)
    )
    return list(conn.execute(stmt))


def watch_row(conn: Connection, watch_id: int) -> Any:
    """One watch (all its columns) with its destination's kind and target; None if missing."""
    stmt = (
        select(watches, D.kind, D.target)
        .join(destinations, D.id == W.destination_id)
        .where(W.id == watch_id)
    )
    return conn.execute(stmt).first()


def watch_destination(conn: Connection, watch_id: int) -> int | None:
    """The watch's destination id; None when there is no such watch."""
    found = conn.execute(select(W.destination_id).where(W.id == watch_id)).scalar_one_or_none()
    return None if found is None else int(found)


def recent_deals(conn: Connection, active_only: bool, limit: int) -> list[Any]:
    """Newest deals first, with the product's title, URL and availability."""
    stmt = (
        select(deals, P.title, P.url, P.in_stock)
        .join(products, P.id == deals.c.product_id)
        .order_by(deals.c.started_at.desc(), deals.c.id.desc())
        .limit(limit)
    )
    if active_only:
        stmt = stmt.where(deals.c.ended_at.is_(None))
    return list(conn.execute(stmt))
