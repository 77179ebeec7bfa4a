"""The web UI's product list: every sort pages through each product once, in order, and on
PostgreSQL each page is an index read, never a scan of the catalogue (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, select, text

from priceradar.adapters.db import views
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.products import apply_updates
from priceradar.adapters.db.tables import products
from priceradar.bench.ui import LOAD
from priceradar.domain.check import ProductUpdate
from tests.support.factories import NOW, make_products, set_columns, sqlite_engine
from tests.support.services import require_postgres
from tests.support.stack import postgres_database


def _catalogue(engine: Engine) -> list[int]:
    """23 products: ties in every sort column and NULLs in the nullable ones."""
    ids = make_products(engine, 23, domain="shop.test")
    for i, product_id in enumerate(ids):
        set_columns(
            engine,
            [product_id],
            title=f"Kettle {i}" if i % 2 else f"Grinder {i}",
            check_priority=i % 4,
            last_checked_at=None if i % 5 == 0 else NOW - timedelta(minutes=i % 3),
            last_history_at=None if i % 3 == 0 else NOW - timedelta(hours=i % 4),
        )
    return ids


def _expected(engine: Engine, sort: str, q: str | None) -> list[int]:
    """The order a user should see: value descending, NULLs last, then id descending."""
    c = products.c
    column = {
        "newest": c.id,
        "checked": c.last_checked_at,
        "changed": c.last_history_at,
        "priority": c.check_priority,
    }[sort]
    with engine.connect() as conn:
        rows = conn.execute(select(c.id, column, c.title)).all()
    rows = [r for r in rows if q is None or q.lower() in (r.title or "").lower()]
    valued = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r.id))
    nulls = sorted((r for r in rows if r[1] is None), key=lambda r: r.id)
    return [r.id for r in reversed(valued)] + [r.id for r in reversed(nulls)]


def _walk(engine: Engine, query: views.ProductQuery, limit: int) -> list[int]:
    seen: list[int] = []
    cursor: str | None = None
    with engine.connect() as conn:
        for _ in range(100):
            rows, cursor = views.search_products(conn, query, cursor, limit)
            seen += [r.id for r in rows]
            if cursor is None:
                return seen
    raise AssertionError("the pages never ended")


def _assert_every_sort_pages_in_order(engine: Engine) -> None:
    _catalogue(engine)
    for sort in views.SORTS:
        for q in (None, "kettle"):
            for limit in (1, 4, 50):
                # When the list is read `limit` rows at a time, following each next cursor
                seen = _walk(engine, views.ProductQuery(q=q, sort=sort), limit)
                # Then each matching product comes once, in the sort's order
                assert seen == _expected(engine, sort, q), (sort, q, limit)


# 20,000: a search's matches are sorted by themselves; 3: this one's 11 are too many.
FEW = pytest.mark.parametrize("few_matches", [20_000, 3])


@FEW
def test_every_sort_pages_through_each_product_once_in_order_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few_matches: int
) -> None:
    monkeypatch.setattr(views, "FEW_MATCHES", few_matches)
    with sqlite_engine(tmp_path) as engine:
        _assert_every_sort_pages_in_order(engine)


@pytest.mark.postgres
@FEW
def test_every_sort_pages_through_each_product_once_in_order_postgres(
    monkeypatch: pytest.MonkeyPatch, few_matches: int
) -> None:
    monkeypatch.setattr(views, "FEW_MATCHES", few_matches)
    require_postgres()
    with postgres_database() as url:
        engine = make_engine(url)
        _assert_every_sort_pages_in_order(engine)
        engine.dispose()


def _found(engine: Engine, q: str) -> list[int]:
    with engine.connect() as conn:
        rows, _ = views.search_products(conn, views.ProductQuery(q=q), None, 50)
    return [r.id for r in rows]


def _assert_search_follows_titles(engine: Engine) -> None:
    # Given two products
    kettle, grinder = make_products(engine, 2, domain="shop.test")
    set_columns(engine, [kettle], title="Steel kettle")
    assert _found(engine, "kettle") == [kettle]
    assert _found(engine, "shop.test/p/1") == [grinder]
    # When a check renames one and deletes the other
    with engine.begin() as conn:
        apply_updates(conn, [_update(kettle, 0, title="Copper kettle")])
        conn.execute(delete(products).where(products.c.id == grinder))
    # Then search finds the new title, not the old one, and nothing of the deleted product
    assert _found(engine, "copper") == [kettle]
    assert _found(engine, "steel") == []
    assert _found(engine, "shop.test") == [kettle]
    # And a check that brings no title keeps the one found
    with engine.begin() as conn:
        apply_updates(conn, [_update(kettle, 2, title=None)])
    assert _found(engine, "copper") == [kettle]


def _update(product_id: int, check_count: int, title: str | None) -> ProductUpdate:
    return ProductUpdate(
        id=product_id, price=Decimal("10.00"), currency="EUR", in_stock=True, title=title,
        image_url=None, rating=None, review_count=None, category=None,
        extraction_method="json-ld", price_high=None, status="active", last_outcome="ok",
        last_error=None, http_status=200, last_checked_at=NOW,
        next_check_at=NOW + timedelta(hours=6), last_history_at=NOW,
        check_count=check_count + 1, failure_count=0, consecutive_failures=0,
        consecutive_not_found=0,
    )  # fmt: skip


def test_search_follows_new_titles_and_deletes_sqlite(tmp_path: Path) -> None:
    with sqlite_engine(tmp_path) as engine:
        _assert_search_follows_titles(engine)


@pytest.mark.postgres
def test_search_follows_new_titles_and_deletes_postgres() -> None:
    require_postgres()
    with postgres_database() as url:
        engine = make_engine(url)
        _assert_search_follows_titles(engine)
        engine.dispose()


@pytest.fixture(scope="module")
def catalogue_db() -> Iterator[Engine]:
    """20,000 products as the UI bench loads them, a tenth never checked, a tenth never
    changed, analyzed: the planner sees a catalogue, not a handful of rows."""
    require_postgres()
    with postgres_database() as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text(LOAD), {"n": 20_000})
            conn.execute(text("UPDATE products SET last_checked_at = NULL WHERE id % 10 = 3"))
            conn.execute(text("UPDATE products SET last_history_at = NULL WHERE id % 10 = 7"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE products, product_search"))
        yield engine
        engine.dispose()


def _plans(engine: Engine, query: views.ProductQuery, pages: int) -> list[str]:
    """EXPLAIN of every statement the first `pages` pages send, sequential scans disabled:
    PostgreSQL still takes one when no index can answer."""
    statements: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM product" in statement and "EXPLAIN" not in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        cursor: str | None = None
        with engine.connect() as conn:
            for _ in range(pages):
                _rows, cursor = views.search_products(conn, query, cursor, 50)
                if cursor is None:
                    break
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert statements
    plans = []
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        for statement, parameters in statements:
            explained = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plans.append("\n".join(str(row[0]) for row in explained))
    return plans


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "pk_products"),
        ("checked", "ix_products_checked"),
        ("changed", "ix_products_changed"),
        ("priority", "ix_products_priority"),
    ],
)
def test_each_sorted_page_is_an_ordered_index_read(
    catalogue_db: Engine, sort: str, index: str
) -> None:
    # When the first pages of a sorted list are read
    plans = _plans(catalogue_db, views.ProductQuery(sort=sort), pages=3)
    for plan in plans:
        # Then no statement scans the catalogue, and each reads the sort's index
        assert "Seq Scan on products" not in plan, plan
        assert index in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("sort", ["checked", "changed"])
def test_the_products_without_a_value_are_an_index_read_too(
    catalogue_db: Engine, sort: str
) -> None:
    # Given a cursor past the last product with a value (never checked / never changed)
    after = views.decode_cursor(sort, "~20001")
    statements = views.page_statements(views.ProductQuery(sort=sort), sort, after, 51)
    with catalogue_db.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        for stmt in statements:
            sql = stmt.compile(conn, compile_kwargs={"literal_binds": True})
            plan = "\n".join(str(r[0]) for r in conn.exec_driver_sql(f"EXPLAIN {sql}"))
            # Then the next page is read through an index as well
            assert "Seq Scan on products" not in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("sort", views.SORTS)
def test_text_search_reads_the_trigram_index(catalogue_db: Engine, sort: str) -> None:
    # When products are searched by a part of their title, URL or domain
    plans = _plans(catalogue_db, views.ProductQuery(q="item-4242", sort=sort), pages=1)
    # Then the trigram index finds them; neither table is scanned
    for plan in plans:
        assert "Seq Scan on product" not in plan, plan
    assert "ix_product_search_trigrams" in plans[0], plans[0]


@pytest.mark.postgres
@pytest.mark.parametrize("sort", views.SORTS)
def test_a_search_matching_most_products_scans_neither_table(
    catalogue_db: Engine, sort: str
) -> None:
    # When a search matches more products than are sorted by themselves (all 20,000 here)
    plans = _plans(catalogue_db, views.ProductQuery(q="product item", sort=sort), pages=2)
    # Then the pages still come from indexes
    for plan in plans:
        assert "Seq Scan on product" not in plan, plan
