"""Every hop the fetcher makes is guarded at connect time: direct fetches, redirects from a
tracked page, discovery sitemaps and a proxy. The canary on loopback must see zero requests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

import pytest

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.http.fetcher import FetchConfig, Fetcher
from priceradar.domain.check import FetchedPage
from priceradar.domain.discovery import DiscoverySource
from priceradar.domain.outcome import OutcomeKind
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.discovery import discover
from tests.security.canary import SHOP_HOST, Canary, Shop
from tests.security.spellings import canary_urls

ALLOWED = (SHOP_HOST,)


def fetch_all(
    urls: Sequence[str],
    max_redirects: int = 5,
    proxy: str | None = None,
    allowed: tuple[str, ...] = ALLOWED,
) -> list[FetchedPage]:
    async def go() -> list[FetchedPage]:
        config = FetchConfig(
            timeout_s=5, max_redirects=max_redirects, proxy=proxy, allowed_private_hosts=allowed
        )
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch_many(urls)

    return asyncio.run(go())


def assert_all_refused(pages: Sequence[FetchedPage], canary: Canary) -> None:
    """Zero canary hits, and no page got an answer: refused by the guard, or (a name that does
    not resolve, a URL aiohttp cannot parse) never connected at all."""
    assert canary.hits == []
    answered = [(p.url, p.status, p.error_detail) for p in pages if p.status is not None]
    assert answered == []
    refused = [p for p in pages if p.error is OutcomeKind.FORBIDDEN_TARGET]
    unreachable = [p.error_detail for p in pages if p.error is not OutcomeKind.FORBIDDEN_TARGET]
    assert len(refused) >= len(pages) - 2, unreachable


def test_direct_fetches_of_every_spelling_are_refused(canary: Canary) -> None:
    pages = fetch_all(canary_urls(canary.port))
    assert_all_refused(pages, canary)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_from_a_tracked_page_are_refused_before_the_request(
    canary: Canary, tracked: Shop, status: int
) -> None:
    urls = [
        f"{tracked.base}/go?{urlencode({'to': target, 'status': status})}"
        for target in canary_urls(canary.port)
    ]
    pages = fetch_all(urls)
    assert_all_refused(pages, canary)


def test_the_allowed_shop_itself_is_fetched(tracked: Shop) -> None:
    [page] = fetch_all([f"{tracked.base}/p/1"])
    assert (page.status, page.error) == (200, None)


@pytest.mark.parametrize(
    ("limit", "chain", "fetched"),
    [(0, 0, True), (0, 1, False), (1, 1, True), (1, 2, False), (5, 5, True), (5, 6, False)],
)
def test_redirect_limit_means_what_it_says(
    tracked: Shop, limit: int, chain: int, fetched: bool
) -> None:
    before = len(tracked.requests)
    [page] = fetch_all([f"{tracked.base}/chain?n={chain}"], max_redirects=limit)
    assert (page.status == 200) is fetched, page.error_detail
    if not fetched:
        assert page.error_detail == f"more than {limit} redirects"
    assert len(tracked.requests) - before == min(chain, limit) + 1


def test_a_redirect_loop_stops_at_the_limit(tracked: Shop) -> None:
    before = len(tracked.requests)
    [page] = fetch_all([f"{tracked.base}/loop"], max_redirects=0)
    assert page.error_detail == "more than 0 redirects"
    assert len(tracked.requests) - before == 1


def test_with_a_proxy_targets_are_checked_before_the_proxy_is_asked(canary: Canary) -> None:
    # Given a proxy on loopback (the operator's choice: allowed) that counts what it is asked
    with Canary() as proxy:
        # When internal targets are fetched through it
        pages = fetch_all(canary_urls(canary.port), proxy=f"http://127.0.0.1:{proxy.port}")
        # Then the proxy never hears of them, while an allowed target does go through it
        assert_all_refused(pages, canary)
        assert proxy.hits == []
        [page] = fetch_all([f"http://{SHOP_HOST}:1/p"], proxy=f"http://127.0.0.1:{proxy.port}")
        assert page.status == 200
        assert len(proxy.hits) == 1


def test_discovery_sitemaps_never_reach_internal_hosts(
    canary: Canary, tracked: Shop, tmp_path: Path
) -> None:
    # Given a sitemap index on the tracked shop whose children are internal URLs, and a
    # sitemap listing them as products
    tracked.lists["internal"] = canary_urls(canary.port)
    index = DiscoverySource(
        f"{tracked.base}/index/internal",
        "sitemap",
        same_host_only=False,
        max_pages=200,
    )
    listing = DiscoverySource(
        f"{tracked.base}/sitemap/internal",
        "sitemap",
        same_host_only=False,
        product_url_pattern=".",
    )
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)

    # When discovery runs over both, and every product it stored is then checked
    async def go() -> list[str]:
        async with Fetcher(FetchConfig(timeout_s=5, allowed_private_hosts=ALLOWED)) as fetcher:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(
                None,
                lambda: discover(
                    engine,
                    fetcher,
                    lambda c: asyncio.run_coroutine_threadsafe(c, loop).result(),
                    [index, listing],
                    ALLOWED,
                    bands=DEFAULT_BANDS,
                ),
            )
            with engine.connect() as conn:
                stored = [row[0] for row in conn.exec_driver_sql("SELECT url FROM products")]
            pages = await fetcher.fetch_many(stored)
            assert {p.error for p in pages} <= {OutcomeKind.FORBIDDEN_TARGET}
            return stored

    asyncio.run(go())
    engine.dispose()

    # Then the canary was never reached
    assert canary.hits == []
