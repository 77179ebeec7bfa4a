"""Set-based queries behind deal detection and watch alerts. Callers own the transaction.

Every function reads or writes a whole check batch in one statement (one executemany for
per-row updates), so a batch of ~100 products costs a handful of round trips, not hundreds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from priceradar.adapters.db.products import INSERT_CHUNK
from priceradar.adapters.db.tables import (
    deals,
    destinations,
    history,
    notifications,
    products,
    watches,
)
from priceradar.domain.deals import ActiveDeal, DealFacts, Observation
from priceradar.domain.watches import WatchRule


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What an alert shows about a product (read after this batch's update)."""

    id: int
    url: str
    domain: str
    title: str | None
    image_url: str | None
    category: str | None = None


def dialect_insert(conn: Connection, table: Table) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def load_history(
    conn: Connection, product_ids: Iterable[int], since: datetime
) -> dict[int, list[Observation]]:
    """The change points since `since` per product, oldest first, in one indexed range scan.

    `price_history` has a heartbeat row a day even when nothing changed (~180 rows for half a
    year of a stable price). A row that repeats the one before it (same price, stock and
    currency) changes no time-weighted statistic (the earlier row's price simply holds
    longer), so the database drops those with LAG() and only the change points reach Python:
    a handful of rows per product instead of hundreds, for every moved product of a batch.
    """
    h = history.c
    order = (h.checked_at, h.id)
    before = {
        name: func.lag(col).over(partition_by=h.product_id, order_by=order).label(f"prev_{name}")
        for name, col in (("price", h.price), ("in_stock", h.in_stock), ("currency", h.currency))
    }
    rows = (
        select(
            h.product_id,
            h.checked_at,
            h.price,
            h.in_stock,
            h.currency,
            h.id,
            func.row_number().over(partition_by=h.product_id, order_by=order).label("pos"),
            *before.values(),
        )
        .where(h.product_id.in_(list(product_ids)), h.checked_at >= since)
        .subquery()
    )
    r = rows.c
    stmt = (
        select(r.product_id, r.checked_at, r.price, r.in_stock, r.currency)
        .where(
            or_(
                r.pos == 1,
                r.price.is_distinct_from(r.prev_price),
                r.in_stock.is_distinct_from(r.prev_in_stock),
                r.currency.is_distinct_from(r.prev_currency),
            )
        )
        .order_by(r.product_id, r.checked_at, r.id)
    )
    out: dict[int, list[Observation]] = defaultdict(list)
    for row in conn.execute(stmt):
        out[row.product_id].append(
            Observation(row.checked_at, row.price, row.in_stock, row.currency)
        )
    return dict(out)


def load_products_and_deals(
    conn: Connection, product_ids: Iterable[int]
) -> tuple[dict[int, ProductInfo], dict[int, ActiveDeal]]:
    """Products and their open deals in one query (outer join on the partial unique index)."""
    p, d = products.c, deals.c
    stmt = (
        select(
            p.id,
            p.url,
            p.domain,
            p.title,
            p.image_url,
            p.category,
            d.id.label("deal_id"),
            d.currency.label("deal_currency"),
            d.reference_kind,
            d.reference_price,
            d.deal_price,
            d.alert_percent,
        )
        .select_from(products.outerjoin(deals, and_(d.product_id == p.id, d.ended_at.is_(None))))
        .where(p.id.in_(list(product_ids)))
    )
    infos: dict[int, ProductInfo] = {}
    active: dict[int, ActiveDeal] = {}
    for r in conn.execute(stmt):
        infos[r.id] = ProductInfo(r.id, r.url, r.domain, r.title, r.image_url, r.category)
        if r.deal_id is not None:
            active[r.id] = ActiveDeal(
                id=r.deal_id,
                currency=r.deal_currency,
                reference_basis=r.reference_kind,
                reference_price=r.reference_price,
                deal_price=r.deal_price,
                alert_percent=r.alert_percent,
            )
    return infos, active


def _facts_values(facts: DealFacts) -> dict[str, Any]:
    return {
        "deal_price": facts.deal_price,
        "discount_amount": facts.discount_amount,
        "discount_percent": facts.discount_percent,
        **{f"lowest_{n}d": facts.lowest.get(n) for n in (14, 30, 90, 180)},
    }


def insert_deals(
    conn: Connection, started: Sequence[tuple[int, DealFacts]], now: datetime
) -> dict[int, int]:
    """Open deals; {product id: deal id} for those inserted. A product that already has an open
    deal (a concurrent writer won) is skipped by the partial unique index, not duplicated."""
    if not started:
        return {}
    rows = [
        {
            "product_id": product_id,
            "currency": facts.currency,
            "reference_kind": facts.reference_basis,
            "reference_price": facts.reference_price,
            "alert_percent": facts.discount_percent,
            "started_at": now,
            "updated_at": now,
            **_facts_values(facts),
        }
        for product_id, facts in started
    ]
    stmt = (
        dialect_insert(conn, deals)
        .values(rows)
        .on_conflict_do_nothing(
            index_elements=["product_id"], index_where=deals.c.ended_at.is_(None)
        )
        .returning(deals.c.product_id, deals.c.id)
    )
    return {r.product_id: r.id for r in conn.execute(stmt)}


_DEEPEN = (
    update(deals)
    .where(deals.c.id == bindparam("b_id"), deals.c.ended_at.is_(None))
    .values(
        deal_price=bindparam("deal_price"),
        discount_amount=bindparam("discount_amount"),
        discount_percent=bindparam("discount_percent"),
        alert_percent=bindparam("alert_percent"),
        lowest_14d=bindparam("lowest_14d"),
        lowest_30d=bindparam("lowest_30d"),
        lowest_90d=bindparam("lowest_90d"),
        lowest_180d=bindparam("lowest_180d"),
        updated_at=bindparam("now"),
    )
)
_END = (
    update(deals)
    .where(deals.c.id == bindparam("b_id"), deals.c.ended_at.is_(None))
    .values(ended_at=bindparam("now"), updated_at=bindparam("now"), end_reason=bindparam("why"))
)


def deepen_deals(
    conn: Connection,
    deepened: Sequence[tuple[ActiveDeal, DealFacts, bool]],
    now: datetime,
) -> None:
    """Record deeper prices; `alert_percent` moves only when the drop is announced."""
    if deepened:
        params = [
            {
                "b_id": deal.id,
                "now": now,
                "alert_percent": facts.discount_percent if alert else deal.alert_percent,
                **_facts_values(facts),
            }
            for deal, facts, alert in deepened
        ]
        conn.execute(_DEEPEN, params)


def end_deals(conn: Connection, ended: Sequence[tuple[int, str]], now: datetime) -> None:
    if ended:
        conn.execute(_END, [{"b_id": deal_id, "now": now, "why": why} for deal_id, why in ended])


def load_watches(
    conn: Connection, product_ids: Iterable[int], deal_watches: bool
) -> list[WatchRule]:
    """Watches of enabled destinations on these products, plus deal-filter watches if asked."""
    w = watches.c
    wanted: ColumnElement[bool] = w.product_id.in_(list(product_ids))
    if deal_watches:
        wanted = or_(wanted, w.product_id.is_(None))
    stmt = (
        select(watches)
        .join(destinations, destinations.c.id == w.destination_id)
        .where(destinations.c.enabled.is_(True), wanted)
        .order_by(w.id)
    )
    return [
        WatchRule(
            id=r.id,
            destination_id=r.destination_id,
            product_id=r.product_id,
            min_discount_percent=r.min_discount_percent,
            domain=r.domain,
            category=r.category,
            target_price=r.target_price,
            drop_percent=r.drop_percent,
            back_in_stock=bool(r.back_in_stock),
            baseline_price=r.baseline_price,
        )
        for r in conn.execute(stmt)
    ]


def update_baselines(conn: Connection, baselines: Mapping[int, Decimal]) -> None:
    if baselines:
        stmt = (
            update(watches)
            .where(watches.c.id == bindparam("b_id"))
            .values(baseline_price=bindparam("price"))
        )
        conn.execute(stmt, [{"b_id": k, "price": v} for k, v in sorted(baselines.items())])


def insert_notifications(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Queue outbox rows; an (event, destination) pair already queued is skipped. Returns
    the number of new rows."""
    queued = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        stmt = (
            dialect_insert(conn, notifications)
            .values(list(rows[start : start + INSERT_CHUNK]))
            .on_conflict_do_nothing(index_elements=["destination_id", "event_key"])
            .returning(notifications.c.id)
        )
        queued += len(conn.execute(stmt).all())
    return queued
