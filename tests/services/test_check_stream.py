"""Checking a batch: results are written as pages arrive, and one bad row never sinks a batch."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, select, text

from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.adapters.http.fetcher import FetchConfig, Fetcher
from priceradar.domain.check import CheckPolicy
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.catalog import ProductInput, add_products
from priceradar.services.check import WritePlan, check_products
from tests.support.pages import PageServer, product_page
from tests.support.services import require_postgres
from tests.support.stack import postgres_database

T = TypeVar("T")


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


def add(engine: Engine, server: PageServer, bodies: dict[str, bytes]) -> dict[str, int]:
    server.pages.update(bodies)
    report = add_products(
        engine, [ProductInput(server.url(p)) for p in bodies], ("127.0.0.1",), bands=DEFAULT_BANDS
    )
    assert report.inserted == len(bodies)
    with engine.connect() as conn:
        rows = conn.execute(select(Product.id, Product.url))
        by_url = {r.url: r.id for r in rows}
    return {p: by_url[server.url(p)] for p in bodies}


def run_check(engine: Engine, ids: list[int], plan: WritePlan | None = None) -> Any:
    loop = asyncio.new_event_loop()
    fetcher = Fetcher(FetchConfig(timeout_s=10, allowed_private_hosts=("127.0.0.1",)))

    def run(coro: Coroutine[Any, Any, T]) -> T:
        return loop.run_until_complete(coro)

    try:
        run(fetcher.open())
        return check_products(
            ids,
            engine=engine,
            fetcher=fetcher,
            run=run,
            policy=CheckPolicy(),
            rules={},
            plan=plan or WritePlan(),
        )
    finally:
        run(fetcher.close())
        loop.close()


def stored(engine: Engine) -> dict[int, Any]:
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(Product.__table__))}  # type: ignore[misc]


def test_a_nul_byte_in_a_title_does_not_sink_the_batch(engine: Engine, pages: PageServer) -> None:
    # Given a batch where one page's product name carries a NUL byte and a control character
    bodies = {f"/p/{i}": product_page(f"Product {i}", f"{i}.50") for i in range(5)}
    bodies["/p/2"] = product_page("Evil\u0000 name\u0007", "2.50")
    ids = add(engine, pages, bodies)

    # When the batch is checked
    summary = run_check(engine, sorted(ids.values()))

    # Then every product is stored, the title cleaned
    rows = stored(engine)
    assert summary.checked == 5
    assert {rows[i].last_outcome for i in ids.values()} == {"ok"}
    assert rows[ids["/p/2"]].title == "Evil name"


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    require_postgres()
    with postgres_database() as url:
        eng = make_engine(url)
        yield eng
        eng.dispose()


def test_a_row_the_database_refuses_is_stored_as_its_own_outcome(
    pg_engine: Engine, pages: PageServer
) -> None:
    # Given a database that refuses one particular value (a PostgreSQL trigger stands in for
    # any constraint a row may still break after sanitizing)
    engine = pg_engine
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                "IF NEW.title LIKE '%poison%' THEN RAISE EXCEPTION 'poison refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_poison BEFORE UPDATE ON products "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
        )
    bodies = {f"/p/{i}": product_page(f"Product {i}", f"{i}.50") for i in range(7)}
    bodies["/p/3"] = product_page("A poison pill", "3.50")
    ids = add(engine, pages, bodies)

    # When the batch is checked
    summary = run_check(engine, sorted(ids.values()))

    # Then the six others are stored with their history, the refused one with its reason
    rows = stored(engine)
    bad = ids.pop("/p/3")
    assert {rows[i].last_outcome for i in ids.values()} == {"ok"}
    assert rows[bad].last_outcome == "unstorable"
    assert "poison refused" in rows[bad].last_error
    assert (
        rows[bad].last_checked_at is not None
        and rows[bad].next_check_at > rows[bad].last_checked_at
    )
    assert summary.outcomes == {"ok": 6, "unstorable": 1}
    with engine.connect() as conn:
        history = set(conn.execute(select(PriceHistory.product_id)).scalars())
    assert history == set(ids.values())


def test_results_are_written_while_a_slow_page_is_still_loading(
    engine: Engine, pages: PageServer
) -> None:
    # Given a batch of 20 pages where one takes 3 s
    bodies = {f"/p/{i}": product_page(f"Product {i}", f"{i}.50") for i in range(20)}
    ids = add(engine, pages, bodies)
    pages.delays["/p/7"] = 3.0
    slow = ids["/p/7"]

    # When the batch runs
    seen: dict[str, int] = {}

    def watch() -> None:
        time.sleep(1.5)
        rows = stored(engine)
        seen["written"] = sum(1 for r in rows.values() if r.last_checked_at is not None)
        seen["slow"] = int(rows[slow].last_checked_at is not None)

    watcher = threading.Thread(target=watch)
    watcher.start()
    summary = run_check(engine, sorted(ids.values()), WritePlan(group_size=5, max_age_s=0.2))
    watcher.join()

    # Then the 19 fast results were stored before the slow page arrived, and all 20 in the end
    assert seen == {"written": 19, "slow": 0}
    assert summary.checked == 20
    assert {r.last_outcome for r in stored(engine).values()} == {"ok"}
