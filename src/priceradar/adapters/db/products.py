"""Set-based queries on products and price history. Callers own the transaction
(the rule: `priceradar.adapters.db`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from priceradar.adapters.db.schedule import holds_lease
from priceradar.adapters.db.tables import history, products
from priceradar.domain.check import HistoryRow, ProductState, ProductUpdate

# Rows per INSERT statement when importing: SQLite allows 32766 bound parameters per
# statement and an insert row binds 9, so 2000 rows stay well inside it.
INSERT_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class NewProduct:
    url: str  # canonical
    domain: str
    check_interval_s: int | None = None
    check_priority: int = 0
    priority_band: int = 4


@dataclass(frozen=True, slots=True)
class Target:
    """What the fetch step needs to know about a product."""

    id: int
    url: str
    domain: str


def insert_products(conn: Connection, rows: Sequence[NewProduct], now: datetime) -> int:
    """Insert new products (due at once); existing URLs are left alone. Returns rows inserted."""
    if not rows:
        return 0
    inserted = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [
            {**asdict(row), "next_check_at": now, "created_at": now, "updated_at": now}
            for row in rows[start : start + INSERT_CHUNK]
        ]
        # executemany + RETURNING: SQLAlchemy's "insertmanyvalues" batches the rows into
        # multi-row INSERTs from one cached compilation (compiling a 2000-row VALUES per
        # chunk took 80% of an import).
        inserted += len(conn.execute(_insert_stmt(conn.dialect.name), chunk).all())
    return inserted


def _insert_stmt(dialect: str) -> Any:
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(products)
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(products.c.id)
    )


def load_targets(conn: Connection, ids: Iterable[int]) -> list[Target]:
    """Active products among `ids`; missing or deactivated ids are skipped (idempotent tasks)."""
    stmt = (
        select(products.c.id, products.c.url, products.c.domain)
        .where(products.c.id.in_(list(ids)), products.c.status == "active")
        .order_by(products.c.id)
    )
    return [Target(r.id, r.url, r.domain) for r in conn.execute(stmt)]


def lock_states(
    conn: Connection, ids: Iterable[int], lease_token: str | None = None
) -> dict[int, ProductState]:
    """Read the rows a batch will update, locked in id order (no deadlocks between batches).

    With a `lease_token`, only rows whose lease is still that token's: a product re-leased to
    another dispatch meanwhile is that dispatch's to write.
    """
    c = products.c
    stmt = (
        select(
            c.id,
            c.price,
            c.currency,
            c.in_stock,
            c.status,
            c.check_priority,
            c.check_interval_s,
            c.last_checked_at,
            c.last_history_at,
            c.check_count,
            c.failure_count,
            c.consecutive_failures,
            c.consecutive_not_found,
            c.price_high,
        )
        .where(c.id.in_(list(ids)))
        .order_by(c.id)
        .with_for_update()
    )
    if lease_token is not None:
        stmt = stmt.where(holds_lease(lease_token))
    return {r.id: ProductState(**r._asdict()) for r in conn.execute(stmt)}


_UPDATE = (
    update(products)
    .where(products.c.id == bindparam("b_id"))
    .values(
        price=bindparam("price"),
        currency=bindparam("currency"),
        in_stock=bindparam("in_stock"),
        # A failed check brings no title or image: keep the ones we have.
        title=func.coalesce(bindparam("title"), products.c.title),
        image_url=func.coalesce(bindparam("image_url"), products.c.image_url),
        rating=func.coalesce(bindparam("rating"), products.c.rating),
        review_count=func.coalesce(bindparam("review_count"), products.c.review_count),
        category=func.coalesce(bindparam("category"), products.c.category),
        extraction_method=func.coalesce(
            bindparam("extraction_method"), products.c.extraction_method
        ),
        price_high=bindparam("price_high"),
        status=bindparam("status"),
        last_outcome=bindparam("last_outcome"),
        last_error=bindparam("last_error"),
        http_status=bindparam("http_status"),
        last_checked_at=bindparam("last_checked_at"),
        next_check_at=bindparam("next_check_at"),
        lease_until=None,
        lease_token=None,
        last_history_at=bindparam("last_history_at"),
        check_count=bindparam("check_count"),
        failure_count=bindparam("failure_count"),
        consecutive_failures=bindparam("consecutive_failures"),
        consecutive_not_found=bindparam("consecutive_not_found"),
        updated_at=bindparam("last_checked_at"),
    )
)


def apply_updates(conn: Connection, updates: Sequence[ProductUpdate]) -> None:
    """One executemany (pipelined by psycopg) for the whole batch."""
    if not updates:
        return
    params = []
    for u in updates:
        row = asdict(u)
        row["b_id"] = row.pop("id")
        params.append(row)
    conn.execute(_UPDATE, params)


def insert_history(conn: Connection, rows: Sequence[HistoryRow]) -> None:
    if rows:
        conn.execute(history.insert(), [asdict(r) for r in rows])


def status_counts(conn: Connection) -> dict[str, int]:
    """Products by last outcome ("never" for unchecked) in one grouped query."""
    outcome = func.coalesce(products.c.last_outcome, "never")
    rows = conn.execute(select(outcome, func.count()).group_by(outcome))
    return {str(k): int(v) for k, v in rows}


def check_totals(conn: Connection) -> tuple[datetime | None, int]:
    """(latest check time, price history rows)."""
    last = conn.execute(select(func.max(products.c.last_checked_at))).scalar_one()
    rows = conn.execute(select(func.count()).select_from(history)).scalar_one()
    if isinstance(last, str):  # MAX() over a TypeDecorator comes back raw on SQLite
        last = datetime.fromisoformat(last)
    return last, int(rows)


def statuses(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """`active` or `inactive` for each of `ids` that exists (missing ids are absent)."""
    stmt = select(products.c.id, products.c.status).where(products.c.id.in_(list(ids)))
    return {int(r.id): str(r.status) for r in conn.execute(stmt)}


def uncheckable(conn: Connection, ids: Iterable[int]) -> list[str]:
    """Why some of `ids` cannot be checked ("no product with id 7", "product 3 is inactive")."""
    wanted = sorted(set(ids))
    found = statuses(conn, wanted)
    return [
        f"no product with id {i}" if i not in found else f"product {i} is inactive"
        for i in wanted
        if found.get(i) != "active"
    ]


def stored_prices(conn: Connection) -> list[Any]:
    """URL, price, availability and check time of every product whose last check stored one."""
    c = products.c
    stmt = select(c.url, c.price, c.in_stock, c.last_checked_at).where(
        c.last_outcome.in_(("ok", "out_of_stock"))
    )
    return list(conn.execute(stmt).all())


def products_with_history_counts(conn: Connection) -> list[Any]:
    """Every product by id with its price, last check and `n_history` (its history rows)."""
    c = products.c
    per_product = (
        select(history.c.product_id, func.count().label("n"))
        .group_by(history.c.product_id)
        .subquery()
    )
    stmt = (
        select(
            c.id,
            c.url,
            c.title,
            c.price,
            c.currency,
            c.in_stock,
            c.last_outcome,
            c.check_count,
            c.last_checked_at,
            func.coalesce(per_product.c.n, 0).label("n_history"),
        )
        .outerjoin(per_product, per_product.c.product_id == c.id)
        .order_by(c.id)
    )
    return list(conn.execute(stmt).all())
