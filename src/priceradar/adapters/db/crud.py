"""The API's reads and writes on products and history: set-based, keyset-paginated by id.

Functions take a Connection inside a transaction the caller (the request) owns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, not_, select, update

from priceradar.adapters.db.products import NewProduct, insert_products
from priceradar.adapters.db.schedule import due
from priceradar.adapters.db.tables import deals, history, products
from priceradar.domain.schedule import due_after_new_interval

P = products.c

PUBLIC_COLUMNS = (
    P.id,
    P.url,
    P.domain,
    P.title,
    P.image_url,
    P.category,
    P.rating,
    P.review_count,
    P.currency,
    P.price,
    P.price_high,
    P.extraction_method,
    P.in_stock,
    (P.status == "active").label("active"),
    P.last_outcome,
    P.last_error,
    P.http_status,
    P.check_priority,
    P.priority_band,
    P.check_interval_s,
    P.last_checked_at,
    P.next_check_at,
    P.check_count,
    P.failure_count,
    P.created_at,
    P.updated_at,
)


@dataclass(frozen=True, slots=True)
class ProductFilter:
    active: bool | None = None
    domain: str | None = None
    outcome: str | None = None
    priority_band: int | None = None
    due: bool | None = None


def add_product(conn: Connection, product: NewProduct, now: datetime) -> tuple[int, bool]:
    """Insert one product; returns (id, created). An existing URL is not touched."""
    created = insert_products(conn, [product], now) == 1
    product_id = conn.execute(select(P.id).where(P.url == product.url)).scalar_one()
    return int(product_id), created


def get_product(conn: Connection, product_id: int) -> Row[Any, *tuple[Any, ...]] | None:
    return conn.execute(select(*PUBLIC_COLUMNS).where(P.id == product_id)).first()


def list_products(
    conn: Connection, filters: ProductFilter, after: int, limit: int, now: datetime
) -> Sequence[Row[Any, *tuple[Any, ...]]]:
    """Products with id > `after` in id order: each page is one index range scan, no OFFSET."""
    stmt = select(*PUBLIC_COLUMNS).where(P.id > after).order_by(P.id).limit(limit)
    if filters.active is not None:
        stmt = stmt.where(P.status == ("active" if filters.active else "inactive"))
    if filters.domain is not None:
        stmt = stmt.where(P.domain == filters.domain.lower())
    if filters.outcome is not None:
        stmt = stmt.where(
            P.last_outcome.is_(None)
            if filters.outcome == "never"
            else P.last_outcome == filters.outcome
        )
    if filters.priority_band is not None:
        stmt = stmt.where(P.priority_band == filters.priority_band)
    if filters.due is not None:
        stmt = stmt.where(due(now) if filters.due else not_(due(now)))
    return conn.execute(stmt).all()


def update_product(
    conn: Connection, product_id: int, changes: dict[str, Any], now: datetime
) -> bool:
    """Apply an update; returns False when the product does not exist.

    A new interval takes effect from the last check (never later than already planned), and a
    re-activated product is due at once with its not-found streak forgotten.
    """
    row = conn.execute(
        select(P.status, P.last_checked_at, P.next_check_at, P.lease_until)
        .where(P.id == product_id)
        .with_for_update()
    ).first()
    if row is None:
        return False
    values: dict[str, Any] = {}
    if "check_interval_s" in changes:
        interval = changes["check_interval_s"]
        values["check_interval_s"] = interval
        # In flight (leased): the running check reschedules it with the new interval; moving
        # next_check_at now would make it due while leased, i.e. dispatched twice.
        leased = row.lease_until is not None and row.lease_until > now
        if interval is not None and row.next_check_at > now and not leased:
            values["next_check_at"] = due_after_new_interval(
                now, row.last_checked_at, row.next_check_at, interval
            )
    if changes.get("active") is not None:
        active = bool(changes["active"])
        values["status"] = "active" if active else "inactive"
        if active and row.status != "active":
            values.update(next_check_at=now, consecutive_not_found=0, lease_until=None)
    if values:
        values["updated_at"] = now
        conn.execute(update(products).where(P.id == product_id).values(**values))
    return True


def delete_product(conn: Connection, product_id: int) -> bool:
    """Delete a product; its history goes with it (ON DELETE CASCADE)."""
    return conn.execute(delete(products).where(P.id == product_id)).rowcount > 0


def existing_ids(conn: Connection, ids: Sequence[int]) -> set[int]:
    return set(conn.execute(select(P.id).where(P.id.in_(list(ids)))).scalars())


def _history_query(product_id: int, since: datetime | None, until: datetime | None) -> Any:
    H = history.c
    stmt = select(H.id, H.checked_at, H.price, H.currency, H.in_stock, H.kind).where(
        H.product_id == product_id
    )
    if since is not None:
        stmt = stmt.where(H.checked_at >= since)
    if until is not None:
        stmt = stmt.where(H.checked_at < until)
    return stmt


def history_page(
    conn: Connection,
    product_id: int,
    after: int,
    limit: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Sequence[Row[Any]]:
    """History rows in write order (by id), keyset-paginated."""
    stmt = _history_query(product_id, since, until).where(history.c.id > after)
    return conn.execute(stmt.order_by(history.c.id).limit(limit)).all()


def iter_history(
    conn: Connection, product_id: int, since: datetime | None, until: datetime | None
) -> Iterator[Row[Any]]:
    """Every matching history row, streamed from a server-side cursor (CSV export)."""
    stmt = _history_query(product_id, since, until).order_by(history.c.id)
    yield from conn.execution_options(yield_per=2000).execute(stmt)


def record_history(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert history rows as given (tests and backfills)."""
    if rows:
        conn.execute(insert(history), list(rows))


def deals_page(
    conn: Connection, active: bool | None, before: int | None, limit: int
) -> Sequence[Row[Any]]:
    """Deals newest first (by id), with the product's title and URL; keyset by `before`."""
    D = deals.c
    stmt = (
        select(deals, P.title, P.url, P.in_stock.label("product_in_stock"))
        .join(products, P.id == D.product_id)
        .order_by(D.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(D.id < before)
    if active is not None:
        stmt = stmt.where(D.ended_at.is_(None) if active else D.ended_at.is_not(None))
    return conn.execute(stmt).all()
