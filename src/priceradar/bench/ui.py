"""`priceradar bench ui`: how long the web UI's pages take on a large catalogue.

Loads N products (set-based, `generate_series`) into a fresh PostgreSQL database, with a
price history for one product and open deals on 1 %, then renders each page through the real
app in-process (no network) and reports the median of a few requests per page.
"""

from __future__ import annotations

import statistics
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine

DB_NAME = "priceradar_bench_ui"
PAGES = (
    "/products",
    "/products?sort=checked",
    "/products?sort=changed",
    "/products?sort=priority",
    "/products?q=item-4242",
    "/products?domain=shop7.test",
    "/products?has_deal=yes",
    "/products?outcome=not_found",
    "/products/1?range=365d",
    "/products/1?range=all",
    "/deals",
)

LOAD = """
INSERT INTO products (url, domain, title, currency, price, in_stock, status, last_outcome,
    check_priority, priority_band, last_checked_at, next_check_at, last_history_at,
    created_at, updated_at)
SELECT 'https://shop' || (g % 50) || '.test/item-' || g, 'shop' || (g % 50) || '.test',
    'Product item-' || g, 'EUR', 10 + (g % 500), (g % 13) <> 0, 'active',
    CASE WHEN g % 40 = 0 THEN 'not_found' WHEN g % 13 = 0 THEN 'out_of_stock' ELSE 'ok' END,
    g % 100, 4 - (g % 100) / 20, now() - (g % 3600) * interval '1 second',
    now() + ((g % 86400) - 600) * interval '1 second', now() - (g % 86400) * interval '1 second',
    now(), now()
FROM generate_series(1, :n) AS g
"""
HISTORY = """
INSERT INTO price_history (product_id, checked_at, price, currency, in_stock, kind)
SELECT 1, now() - g * interval '6 hours', 100 + (g % 17), 'EUR', true, 'change'
FROM generate_series(1, 1500) AS g
"""
DEALS = """
INSERT INTO deals (product_id, currency, reference_kind, reference_price, deal_price,
    discount_amount, discount_percent, started_at, updated_at)
SELECT id, 'EUR', 'median', price * 1.3, price, price * 0.3, 23.08, now(), now()
FROM products WHERE id % 100 = 0
"""


@dataclass(frozen=True, slots=True)
class PageTiming:
    path: str
    median_ms: float
    max_ms: float
    status: int


def load(admin_url: str, products: int, db_name: str = DB_NAME) -> str:
    """A fresh database `db_name` with `products` rows; returns its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{db_name}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(LOAD), {"n": products})
        conn.execute(text(HISTORY))
        conn.execute(text(DEALS))
    engine.dispose()
    vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
    with vacuum.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    vacuum.dispose()
    return url


def time_pages(db_url: str, data_dir: Path, repeat: int = 5) -> list[PageTiming]:
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from starlette.testclient import TestClient

    from priceradar.api import create_app
    from priceradar.config import load_settings

    settings = load_settings(
        _env_file=None, env="development", data_dir=str(data_dir), database_url=db_url
    )
    app = create_app(settings)
    out = []
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        for path in PAGES:
            times = []
            status = 0
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            out.append(PageTiming(path, statistics.median(times), max(times), status))
    out.append(_system_figures(db_url, repeat))
    return out


def _system_figures(db_url: str, repeat: int) -> PageTiming:
    """The System page's database figures (its worker ping waits a fixed 1 s: not timed)."""
    from datetime import UTC, datetime

    from priceradar.adapters.db import views

    engine = make_engine(db_url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with engine.connect() as conn:
            views.freshness(conn, datetime.now(UTC), 60.0)
            views.outcome_counts(conn)
            views.deal_counts(conn)
        times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return PageTiming("/system (database figures)", statistics.median(times), max(times), 200)


def run(admin_url: str, products: int, data_dir: Path, db_name: str = DB_NAME) -> dict[str, Any]:
    started = time.perf_counter()
    url = load(admin_url, products, db_name)
    load_s = time.perf_counter() - started
    timings = time_pages(url, data_dir)
    return {
        "products": products,
        "load_s": round(load_s, 1),
        "pages": [
            {"path": t.path, "median_ms": round(t.median_ms, 1), "max_ms": round(t.max_ms, 1),
             "status": t.status}
            for t in timings
        ],
    }  # fmt: skip
