"""Read queries behind the web UI: product search with keyset pages, one product's chart data,
its deals, and the freshness figures of the System page. Callers own the connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Select,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from priceradar.adapters.db.schedule import due, in_flight
from priceradar.adapters.db.tables import deals, history, product_search, products
from priceradar.adapters.db.types import UTCDateTime

P = products.c
D = deals.c
H = history.c
S = product_search.c
# The chart draws at most this many points; a product checked for years on change plus a daily
# heartbeat has a few thousand.
MAX_CHART_POINTS = 20_000

_open_deal = exists().where(D.product_id == P.id, D.ended_at.is_(None))
_open_discount = (
    select(D.discount_percent)
    .where(D.product_id == P.id, D.ended_at.is_(None))
    .limit(1)
    .scalar_subquery()
)


# Sort name -> its column; pages run in descending (column, id) order. Each sort has an index
# on (column, id) ("newest" the primary key), so a page is an ordered index range read that
# stops after one page instead of a sort of every matching row (issue 10).
_SORT_COLUMNS: dict[str, Column[Any]] = {
    "newest": P.id,
    "changed": P.last_history_at,
    "checked": P.last_checked_at,
    "priority": P.check_priority,
}
SORTS = ("newest", "changed", "checked", "priority")
# Rows whose sort column is NULL (never checked, never changed) come last, newest first.
_NULLABLE_SORTS = frozenset({"changed", "checked"})


@dataclass(frozen=True, slots=True)
class ProductQuery:
    q: str | None = None  # in title, URL or domain
    outcome: str | None = None  # an outcome, or "never"
    domain: str | None = None
    category: str | None = None
    in_stock: bool | None = None
    has_deal: bool | None = None
    active: bool | None = None
    sort: str = "newest"


def encode_cursor(sort: str, row: Any) -> str:
    value = {
        "newest": row.id,
        "changed": row.last_history_at,
        "checked": row.last_checked_at,
        "priority": row.check_priority,
    }[sort]
    if isinstance(value, datetime):
        return f"{value.isoformat()}~{row.id}"
    if value is None:
        return f"~{row.id}"
    return f"{value}~{row.id}"


def decode_cursor(sort: str, cursor: str) -> tuple[Any, int]:
    """(sort value, id) from a cursor, the value None past the last non-NULL one; ValueError
    when it is not one of ours."""
    text, _, id_text = cursor.rpartition("~")
    row_id = int(id_text)
    if sort in _NULLABLE_SORTS:
        return (_aware(datetime.fromisoformat(text)) if text else None), row_id
    return int(text), row_id


_COLUMNS = (
    P.id,
    P.url,
    P.domain,
    P.title,
    P.category,
    P.price,
    P.currency,
    P.in_stock,
    P.status,
    P.last_outcome,
    P.last_error,
    P.last_checked_at,
    P.next_check_at,
    P.last_history_at,
    P.check_priority,
    _open_discount.label("deal_percent"),
)


# A search with at most this many matches is answered from its matches: their ids come from
# the trigram index, and the page sorts only those (~23 µs a match: 0.47 s for 20,000 at 1M
# products on the benchmark machine). With more, the page walks the sort's index and keeps the
# matching rows, which fills a page quickly when matches are dense. Without the split,
# PostgreSQL walked the sort's index for rare matches too, and when they sat at its far end
# read 420,000 rows (3.9 s) for 51 (`q=shop7&sort=priority`, issue 10). Below SQLite's 32,766
# bound parameters.
FEW_MATCHES = 20_000


def search_products(
    conn: Connection, query: ProductQuery, cursor: str | None, limit: int
) -> tuple[Sequence[Any], str | None]:
    """One page of matching products and the cursor of the next (None on the last page).

    Keyset pagination on (sort value, id): each page continues where the last ended, no OFFSET.
    """
    sort = query.sort if query.sort in _SORT_COLUMNS else "newest"
    after = decode_cursor(sort, cursor) if cursor else None
    matches = few_matches(conn, query.q) if query.q else None
    statements = page_statements(query, sort, after, limit + 1, matches)
    rows = list(conn.execute(statements[0]).all())
    if len(statements) > 1 and len(rows) <= limit:
        rows += conn.execute(statements[1].limit(limit + 1 - len(rows))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(sort, rows[-1]) if more and rows else None)


def few_matches(conn: Connection, q: str) -> list[int] | None:
    """The ids of the products whose title, URL or domain contains `q`; None past FEW_MATCHES,
    or when `q` is too short for trigrams (the index would be read whole to find out)."""
    if len(q.strip()) < 3:
        return None
    stmt = select(S.product_id).where(_contains(q)).limit(FEW_MATCHES + 1)
    ids = [int(i) for i in conn.execute(stmt).scalars()]
    return ids if len(ids) <= FEW_MATCHES else None


def page_statements(
    query: ProductQuery,
    sort: str,
    after: tuple[Any, int] | None,
    limit: int,
    matches: Sequence[int] | None = None,
) -> list[Select[Any]]:
    """The statements of one page, each an ordered index range read: for a nullable sort
    column the rows with a value, then (read only while the page is not full) those without.
    With `matches` (a search's few matching ids), each sorts only those rows.

    One `ORDER BY coalesce(column, epoch)` would need an expression index whose constant the
    query must repeat exactly; two plain range reads of one (column, id) index need none.
    """
    base: Select[Any] = select(*_COLUMNS).where(*_filters(query, matches))
    column = _SORT_COLUMNS[sort]
    value, after_id = after if after is not None else (None, None)
    if sort == "newest":
        if after_id is not None:
            base = base.where(P.id < after_id)
        return [_ordered(base, [P.id], matches is not None).limit(limit)]
    nullable = sort in _NULLABLE_SORTS
    valued = base.where(column.is_not(None)) if nullable else base
    if value is not None:
        bound = literal(value, UTCDateTime()) if isinstance(value, datetime) else literal(value)
        valued = valued.where(tuple_(column, P.id) < tuple_(bound, literal(after_id)))
    valued = _ordered(valued, [column, P.id], matches is not None).limit(limit)
    if not nullable:
        return [valued]
    nulls = base.where(column.is_(None))
    if after_id is not None and value is None:  # already past the rows with a value
        return [_ordered(nulls.where(P.id < after_id), [P.id], matches is not None).limit(limit)]
    return [valued, _ordered(nulls, [P.id], matches is not None)]


def _ordered(stmt: Select[Any], keys: list[Column[Any]], fenced: bool) -> Select[Any]:
    """`stmt` in descending `keys` order. Fenced: the rows are selected first (a materialized
    CTE the planner cannot merge), then sorted, so no plan walks a sort index instead."""
    if not fenced:
        return stmt.order_by(*(key.desc() for key in keys))
    rows = stmt.cte("matching").prefix_with("MATERIALIZED")
    fenced_stmt: Select[Any] = select(rows).order_by(*(rows.c[key.name].desc() for key in keys))
    return fenced_stmt


def _filters(query: ProductQuery, matches: Sequence[int] | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if query.q:
        if matches is not None:
            out.append(P.id.in_(matches))
        else:
            out.append(P.id.in_(select(S.product_id).where(_contains(query.q))))
    if query.outcome == "never":
        out.append(P.last_outcome.is_(None))
    elif query.outcome:
        out.append(P.last_outcome == query.outcome)
    if query.domain:
        out.append(P.domain == query.domain.strip().lower())
    if query.category:
        out.append(P.category == query.category.strip())
    if query.in_stock is not None:
        out.append(P.in_stock.is_(query.in_stock))
    if query.has_deal is not None:
        out.append(_open_deal if query.has_deal else ~_open_deal)
    if query.active is not None:
        out.append(P.status == ("active" if query.active else "inactive"))
    return out


def _contains(q: str) -> ColumnElement[bool]:
    """Title, URL or domain contains `q`, on the search copy (its trigram index is not on the
    hot row)."""
    text = q.strip()
    return or_(
        S.title.icontains(text, autoescape=True),
        S.url.icontains(text, autoescape=True),
        S.domain.icontains(text, autoescape=True),
    )


def product_row(conn: Connection, product_id: int) -> Any:
    """Every column of one product (including ones added later, e.g. the extraction method)."""
    return conn.execute(select(products).where(P.id == product_id)).first()


def chart_history(conn: Connection, product_id: int, since: datetime | None) -> list[Any]:
    """History rows from `since` (oldest first), preceded by the row in effect at `since`."""
    cols = (H.id, H.checked_at, H.price, H.currency, H.in_stock, H.kind)
    stmt = select(*cols).where(H.product_id == product_id)
    rows: list[Any] = []
    if since is not None:
        before = conn.execute(
            stmt.where(H.checked_at < since).order_by(H.checked_at.desc(), H.id.desc()).limit(1)
        ).first()
        if before is not None:
            rows.append(before)
        stmt = stmt.where(H.checked_at >= since)
    rows += conn.execute(stmt.order_by(H.checked_at, H.id).limit(MAX_CHART_POINTS)).all()
    return rows


def product_deals(conn: Connection, product_id: int, since: datetime | None) -> list[Any]:
    """The product's deals that were open at some point after `since`, oldest first."""
    stmt = select(deals).where(D.product_id == product_id)
    if since is not None:
        stmt = stmt.where(or_(D.ended_at.is_(None), D.ended_at >= since))
    return list(conn.execute(stmt.order_by(D.started_at, D.id)))


@dataclass(frozen=True, slots=True)
class Freshness:
    active: int
    inactive: int
    due: int
    overdue: int
    in_flight: int
    lateness_p50_s: float | None
    lateness_p99_s: float | None
    last_check_at: datetime | None


def freshness(conn: Connection, now: datetime, overdue_after_s: float) -> Freshness:
    """Due and overdue counts and the lateness percentiles of what is due now.

    Lateness is how long a due product has waited past its `next_check_at`; the percentiles
    are read with two index-ordered OFFSET probes instead of sorting all due rows in Python.
    """
    due_at = P.next_check_at
    active = P.status == "active"
    row = conn.execute(
        select(
            func.count().filter(active),
            func.count().filter(~active),
            func.count().filter(due(now)),
            func.count().filter(in_flight(now)),
            func.max(P.last_checked_at),
        )
    ).one()
    n_active, n_inactive, n_due, n_leased, last = row
    overdue_at = now - timedelta(seconds=overdue_after_s)
    n_overdue = conn.execute(
        select(func.count()).where(due(now), due_at <= overdue_at)
    ).scalar_one()

    def lateness(fraction: float) -> float | None:
        if not n_due:
            return None
        # Sorted by due time descending, the p-th percentile of lateness is at rank p·n.
        rank = min(n_due - 1, int(fraction * n_due))
        at = conn.execute(
            select(due_at).where(due(now)).order_by(due_at.desc()).offset(rank).limit(1)
        ).scalar()
        return None if at is None else max(0.0, (now - _aware(at)).total_seconds())

    return Freshness(
        int(n_active),
        int(n_inactive),
        int(n_due),
        int(n_overdue),
        int(n_leased),
        lateness(0.5),
        lateness(0.99),
        _aware(last) if last is not None else None,
    )


def outcome_counts(conn: Connection) -> dict[str, int]:
    outcome = func.coalesce(P.last_outcome, "never")
    rows = conn.execute(select(outcome, func.count()).group_by(outcome))
    return {str(k): int(v) for k, v in sorted(rows, key=lambda kv: -int(kv[1]))}


def deal_counts(conn: Connection) -> tuple[int, int]:
    """(open deals, ended deals)."""
    open_, ended = conn.execute(
        select(
            func.count().filter(D.ended_at.is_(None)),
            func.count().filter(D.ended_at.is_not(None)),
        )
    ).one()
    return int(open_), int(ended)


def deals_with_products(
    conn: Connection, active: bool, before: int | None, limit: int
) -> tuple[Sequence[Any], int | None]:
    """Deals newest first with the product's title, URL, domain and current price."""
    stmt = (
        select(
            deals,
            P.title,
            P.url,
            P.domain,
            P.price.label("current_price"),
            P.in_stock.label("product_in_stock"),
        )
        .join(products, P.id == D.product_id)
        .where(D.ended_at.is_(None) if active else D.ended_at.is_not(None))
        .order_by(D.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(D.id < before)
    rows = conn.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def _aware(value: Any) -> datetime:
    # MIN()/MAX() over a TypeDecorator column come back raw on SQLite (naive text).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
