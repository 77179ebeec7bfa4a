"""Discovery end to end: real HTTP against the demo shop, real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.models import Product
from priceradar.adapters.http.fetcher import FetchConfig, Fetcher
from priceradar.demo_shop.catalog import CATEGORIES
from priceradar.demo_shop.pages import category_links, category_page_count
from priceradar.demo_shop.server import RunningShop
from priceradar.domain.discovery import DiscoverySource
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.discovery import SourceReport, discover

LOCAL = ("127.0.0.1", "localhost")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'priceradar.sqlite3'}"
        migrate.upgrade(url)
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def run_discovery(
    engine: Engine,
    sources: Sequence[DiscoverySource],
    fetch_private: tuple[str, ...] = LOCAL,
    insert_private: tuple[str, ...] = LOCAL,
) -> list[SourceReport]:
    """Discovery the way a worker runs it: one loop, an opened fetcher, sync database work."""
    loop = asyncio.new_event_loop()
    fetcher = Fetcher(FetchConfig(allowed_private_hosts=fetch_private))
    try:
        loop.run_until_complete(fetcher.open())
        return discover(
            engine, fetcher, loop.run_until_complete, sources, insert_private, bands=DEFAULT_BANDS
        )
    finally:
        loop.run_until_complete(fetcher.close())
        loop.close()


def product_urls(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(Product.url).order_by(Product.id)))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sitemap_index_with_cap_inserts_exactly_the_cap_then_nothing(
    engine: Engine, shop: RunningShop
) -> None:
    # Given the shop's sitemap index (10 files of 1000, every other one gzip)
    source = DiscoverySource(f"{shop.base_url}/sitemap.xml", "sitemap", max_products=1500)

    # When discovery runs with a cap of 1500
    [report] = run_discovery(engine, [source])

    # Then exactly the first 1500 products are inserted, without fetching all ten files
    assert report.errors == []
    assert (report.urls_found, report.inserted, report.existing) == (1500, 1500, 0)
    assert 3 <= report.pages_fetched <= 5  # the index plus one wave of sitemap files
    assert product_urls(engine) == [shop.product_url(i) for i in range(1, 1501)]

    # When it runs again, Then nothing is inserted and all of them are reported as existing
    [again] = run_discovery(engine, [source])
    assert (again.urls_found, again.inserted, again.existing, again.errors) == (1500, 0, 1500, [])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Product)) == 1500


def test_whole_catalog_from_sitemaps_takes_seconds(engine: Engine, shop: RunningShop) -> None:
    # Given the shop's 10,000 products in 5 plain and 5 gzip sitemap files
    source = DiscoverySource(f"{shop.base_url}/sitemap.xml", "sitemap", max_products=10_000)

    started = time.monotonic()
    [report] = run_discovery(engine, [source])
    elapsed_s = time.monotonic() - started

    assert report.errors == []
    assert (report.pages_fetched, report.inserted, report.invalid) == (11, 10_000, 0)
    assert len(set(product_urls(engine))) == 10_000
    # Measured ~3 s on SQLite and PostgreSQL alike: ~0.1 s fetching and parsing 11 files, the
    # rest the set-based insert. Minutes would mean per-row work crept in.
    assert elapsed_s < 30, f"discovery of 10k URLs took {elapsed_s:.1f} s"


def test_robots_txt_leads_to_the_sitemaps(engine: Engine, shop: RunningShop) -> None:
    source = DiscoverySource(f"{shop.base_url}/robots.txt", "sitemap", max_products=100)
    [report] = run_discovery(engine, [source])
    assert (report.inserted, report.errors) == (100, [])


def test_listing_follows_rel_next_up_to_max_pages(engine: Engine, shop: RunningShop) -> None:
    # Given a category whose pages repeat products (twice per card, cross-listings, utm
    # parameters, #fragments)
    name = CATEGORIES[0]
    expected: list[str] = []
    for page in (1, 2, 3):
        for href in category_links(shop.cfg, shop.base_url, name, page):
            pid = int(href.split("/p/")[1].split("?")[0].split("#")[0])
            if shop.product_url(pid) not in expected:
                expected.append(shop.product_url(pid))
    source = DiscoverySource(f"{shop.base_url}/category/{name}", "listing", max_pages=3)

    # When discovery follows rel=next for at most three pages
    [report] = run_discovery(engine, [source])

    # Then each product is inserted once, by its canonical URL, in page order
    assert report.errors == []
    assert report.pages_fetched == 3
    assert (report.urls_found, report.inserted) == (len(expected), len(expected))
    assert product_urls(engine) == expected


def test_listing_stops_at_the_last_page_and_at_the_product_cap(
    engine: Engine, shop: RunningShop
) -> None:
    name = CATEGORIES[1]
    last_page = category_page_count(shop.cfg, name)
    capped, whole = run_discovery(
        engine,
        [
            DiscoverySource(f"{shop.base_url}/category/{name}", "listing", max_products=30),
            DiscoverySource(f"{shop.base_url}/category/{name}", "listing", max_pages=500),
        ],
    )
    assert (capped.pages_fetched, capped.urls_found, capped.inserted) == (2, 30, 30)
    assert whole.errors == []
    assert whole.pages_fetched == last_page  # no rel=next on the last page
    assert whole.existing == 30


def test_a_dead_source_is_reported_and_the_next_one_still_runs(
    engine: Engine, shop: RunningShop
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/sitemap.xml"
    missing = f"{shop.base_url}/sitemaps/products-999.xml"
    reports = run_discovery(
        engine,
        [
            DiscoverySource(dead, "sitemap"),
            DiscoverySource(missing, "sitemap"),
            DiscoverySource(f"{shop.base_url}/sitemap.xml", "sitemap", max_products=50),
        ],
    )
    assert [r.url for r in reports] == [dead, missing, f"{shop.base_url}/sitemap.xml"]
    assert reports[0].pages_fetched == 1 and reports[0].inserted == 0
    assert reports[0].errors == [f"{dead}: {reports[0].errors[0].split(': ', 1)[1]}"]
    assert "Connect" in reports[0].errors[0]
    assert reports[1].errors == [f"{missing}: HTTP 404"]
    assert (reports[2].inserted, reports[2].errors) == (50, [])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_private_address_not_allowed_is_refused(
    engine: Engine, shop: RunningShop, host: str
) -> None:
    # Given the fetcher allows no private hosts (production default)
    url = f"http://{host}:{shop.port}/sitemap.xml"
    [report] = run_discovery(engine, [DiscoverySource(url, "sitemap")], fetch_private=())

    # Then the source is refused before any product is read, with the reason and the remedy
    assert report.inserted == 0 and report.urls_found == 0
    [error] = report.errors
    assert "non-public address 127.0.0.1" in error
    assert "PRICERADAR_ALLOWED_PRIVATE_HOSTS" in error
    assert product_urls(engine) == []


def test_products_on_private_addresses_are_not_inserted(engine: Engine, shop: RunningShop) -> None:
    # Given the sitemap may be fetched but its products may not be tracked
    source = DiscoverySource(f"{shop.base_url}/sitemap.xml", "sitemap", max_products=20)
    [report] = run_discovery(engine, [source], insert_private=())
    # Then they count as invalid, with the reason shown for the first few
    assert (report.urls_found, report.inserted, report.invalid) == (20, 0, 20)
    assert "non-public address" in report.errors[0]
    assert product_urls(engine) == []
