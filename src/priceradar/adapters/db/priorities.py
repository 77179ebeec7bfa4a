"""Bulk reads and writes for recomputing priorities, and the one-query statistics.

Priorities are computed in Python by the same pure functions a single product uses
(`domain.priority`), over id ranges read in one query each, and written back in bulk: COPY
into a temporary table plus one UPDATE … FROM on PostgreSQL, one executemany on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, literal, select, text, update

from priceradar.adapters.db.tables import deals, history, products
from priceradar.adapters.db.types import UTCDateTime


@dataclass(frozen=True, slots=True)
class PriorityInput:
    id: int
    watcher_count: int
    rating: float | None
    review_count: int
    check_interval_s: int | None
    last_checked_at: datetime | None
    lease_until: datetime | None
    check_priority: int
    priority_band: int
    volatility_score: int
    popularity_score: int
    samples: int  # price observations in the volatility window
    mean_price: float | None
    mean_square_price: float | None
    has_active_deal: bool


@dataclass(frozen=True, slots=True)
class PriorityRow:
    id: int
    volatility_score: int
    popularity_score: int
    check_priority: int
    priority_band: int
    next_check_at: datetime | None  # None: leave as is


def id_bounds(conn: Connection) -> tuple[int, int] | None:
    low, high = conn.execute(select(func.min(products.c.id), func.max(products.c.id))).one()
    return None if low is None else (int(low), int(high))


def _active_deal() -> Any:
    """The seed's `has_active_deal`: an open deal (the partial unique index answers it)."""
    return (
        select(literal(1))
        .where(deals.c.product_id == products.c.id, deals.c.ended_at.is_(None))
        .exists()
    )


def read_inputs(conn: Connection, low: int, high: int, since: datetime) -> list[PriorityInput]:
    """Everything the formula needs for products with low <= id < high, in one query."""
    price = history.c.price
    moments = (
        select(
            history.c.product_id,
            func.count(price).label("samples"),
            func.avg(price).label("mean_price"),
            func.avg(price * price).label("mean_square_price"),
        )
        .where(
            history.c.product_id >= low,
            history.c.product_id < high,
            history.c.checked_at >= since,
            price.is_not(None),
        )
        .group_by(history.c.product_id)
        .subquery()
    )
    c = products.c
    stmt = (
        select(
            c.id,
            c.watcher_count,
            c.rating,
            c.review_count,
            c.check_interval_s,
            c.last_checked_at,
            c.lease_until,
            c.check_priority,
            c.priority_band,
            c.volatility_score,
            c.popularity_score,
            func.coalesce(moments.c.samples, 0).label("samples"),
            moments.c.mean_price,
            moments.c.mean_square_price,
            _active_deal().label("has_active_deal"),
        )
        .select_from(products.outerjoin(moments, moments.c.product_id == c.id))
        .where(c.id >= low, c.id < high, c.status == "active")
    )
    inputs = []
    for row in conn.execute(stmt):
        values = row._asdict()
        values["mean_price"] = _float(values["mean_price"])
        values["mean_square_price"] = _float(values["mean_square_price"])
        values["has_active_deal"] = bool(values["has_active_deal"])
        inputs.append(PriorityInput(**values))
    return inputs


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


_UPDATE_ONE = (
    update(products)
    .where(products.c.id == bindparam("b_id"))
    .values(
        volatility_score=bindparam("volatility_score"),
        popularity_score=bindparam("popularity_score"),
        check_priority=bindparam("check_priority"),
        priority_band=bindparam("priority_band"),
        # A product leased since it was read keeps its due time: its check reschedules it.
        next_check_at=case(
            (
                products.c.lease_until.is_(None),
                func.coalesce(bindparam("next_at", type_=UTCDateTime()), products.c.next_check_at),
            ),
            else_=products.c.next_check_at,
        ),
    )
)


def write_priorities(conn: Connection, rows: Sequence[PriorityRow]) -> None:
    """Bulk write: COPY + UPDATE … FROM on PostgreSQL, executemany elsewhere.

    A new due time is written only to rows not leased at write time: the dispatcher may have
    leased a row since it was read, and its check will schedule it.
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _write_postgres(conn, rows)
        return
    conn.execute(
        _UPDATE_ONE,
        [
            {
                "b_id": r.id,
                "volatility_score": r.volatility_score,
                "popularity_score": r.popularity_score,
                "check_priority": r.check_priority,
                "priority_band": r.priority_band,
                "next_at": r.next_check_at,
            }
            for r in rows
        ],
    )


def _write_postgres(conn: Connection, rows: Sequence[PriorityRow]) -> None:
    conn.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_priorities (id bigint PRIMARY KEY,"
            " vol smallint, pop smallint, prio smallint, band smallint, next_at timestamptz)"
            " ON COMMIT DELETE ROWS"
        )
    )
    raw: Any = conn.connection.driver_connection
    copy_sql = "COPY tmp_priorities (id, vol, pop, prio, band, next_at) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(astuple(row))
    conn.execute(
        text(
            "UPDATE products p SET volatility_score = t.vol, popularity_score = t.pop,"
            " check_priority = t.prio, priority_band = t.band,"
            " next_check_at = CASE WHEN p.lease_until IS NULL"
            " THEN COALESCE(t.next_at, p.next_check_at) ELSE p.next_check_at END"
            " FROM tmp_priorities t WHERE p.id = t.id"
        )
    )
