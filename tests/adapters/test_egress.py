"""Egress pools through real forward proxies on localhost: rotation, a route whose proxy is
down is cooled and reported, a 429 through one route pauses only that route's lane, and the
adaptive rate settles below what the shop accepts."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from priceradar.adapters.http.egress import EgressPool, load_routes, route_name
from priceradar.adapters.http.fetcher import FetchConfig, Fetcher
from priceradar.adapters.ratelimit import LocalLimiter, rate_table
from priceradar.config import load_settings
from priceradar.domain.check import FetchedPage
from priceradar.observability import worker_metrics
from priceradar.worker.runtime import Runtime
from tests.support.pages import PageServer, product_page
from tests.support.proxy import ForwardProxy
from tests.support.redis_server import free_port


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with PageServer() as server:
        for i in range(200):
            server.pages[f"/p/{i}"] = product_page(f"P{i}", "9.99")
        yield server


def fetch_all(cfg: FetchConfig, urls: list[str], rate: float = 1000.0) -> list[FetchedPage]:
    async def run() -> list[FetchedPage]:
        async with Fetcher(cfg, LocalLimiter(rate_table(rate, 10, {}))) as fetcher:
            return [await fetcher.fetch(u) for u in urls]

    return asyncio.run(run())


def config(*proxies: str, cooldown_s: float = 60.0) -> FetchConfig:
    return FetchConfig(
        timeout_s=5, allowed_private_hosts=("127.0.0.1",), proxies=proxies,
        egress_cooldown_s=cooldown_s,
    )  # fmt: skip


def test_requests_rotate_over_the_egress_routes(pages: PageServer) -> None:
    with ForwardProxy("a") as a, ForwardProxy("b") as b:
        results = fetch_all(config(a.url, b.url), [pages.url(f"/p/{i}") for i in range(20)])
    assert [r.status for r in results] == [200] * 20
    assert (len(a.requests), len(b.requests)) == (10, 10)
    assert Counter(pages.egress_hits) == {"a": 10, "b": 10}


def test_a_route_whose_proxy_is_down_is_cooled_down_and_reported(pages: PageServer) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    async def run(proxy: str) -> tuple[list[FetchedPage], dict[str, dict[str, float]]]:
        async with Fetcher(config(proxy, dead), LocalLimiter(rate_table(1000, 10, {}))) as f:
            got = [await f.fetch(pages.url(f"/p/{i}")) for i in range(10)]
            return got, f.egress.report()

    with ForwardProxy("a") as a:
        results, report = asyncio.run(run(a.url))
    # every page arrived (the request that met the dead proxy went through the other route)
    assert [r.status for r in results] == [200] * 10
    assert len(a.requests) == 10
    assert report[route_name(dead)]["cooling_s"] > 50
    assert report[route_name(a.url)]["cooling_s"] == 0


def test_a_429_through_one_route_pauses_only_that_routes_lane(pages: PageServer) -> None:
    # Given a shop that answers 429 (Retry-After: 30) to everything arriving through route a
    pages.egress_status["a"] = 429
    pages.egress_headers["a"] = {"Retry-After": "30"}
    with ForwardProxy("a") as a, ForwardProxy("b") as b:
        started = time.monotonic()
        results = fetch_all(config(a.url, b.url), [pages.url(f"/p/{i}") for i in range(12)])
        took = time.monotonic() - started
    # Then route a got two requests (429s on every request are a limit, not noise: the lane
    # rests its Retry-After of 30 s), route b carried the rest at once, nothing waited
    assert len(a.requests) == 2
    assert [r.status for r in results].count(429) == 2
    assert [r.status for r in results].count(200) == 10
    assert took < 10


def test_adaptive_rate_settles_below_what_the_shop_accepts(pages: PageServer) -> None:
    # Given a shop that accepts 20 requests/s (more get 429, Retry-After: 1) and a configured
    # politeness rate of 100/s
    accepted_per_s = 20
    window: list[float] = []
    lock = threading.Lock()

    def limit(path: str) -> int | None:
        with lock:
            now = time.monotonic()
            window[:] = [t for t in window if now - t < 1.0]
            if len(window) >= accepted_per_s:
                return 429
            window.append(now)
            return None

    pages.gate = limit
    pages.headers.update({p: {"Retry-After": "1"} for p in pages.pages})
    limiter = LocalLimiter(rate_table(100.0, 5, {}))
    answers: list[tuple[float, int | None]] = []

    async def run() -> None:
        async with Fetcher(config(), limiter) as fetcher:
            stop = time.monotonic() + 12

            async def loop(n: int) -> None:
                i = n
                while time.monotonic() < stop:
                    page = await fetcher.fetch(pages.url(f"/p/{i % 200}"))
                    answers.append((time.monotonic(), page.status))
                    i += 8

            await asyncio.gather(*(loop(n) for n in range(8)))

    asyncio.run(run())
    # Then over the last 6 s most requests were accepted (few 429s) at close to the shop's rate
    late = [s for t, s in answers if t > answers[-1][0] - 6]
    assert late.count(429) / len(late) < 0.15
    assert late.count(200) / 6 >= 0.6 * accepted_per_s
    assert limiter.rate(pages.url("/").split("/")[2]) < 40


def test_routes_come_from_a_list_and_a_file(tmp_path: Path) -> None:
    listing = tmp_path / "proxies.txt"
    listing.write_text("# egress\nhttp://b.internal:3128\n\nhttp://a.internal:3128  # dup\n")
    assert load_routes(["http://a.internal:3128"], listing) == (
        "http://a.internal:3128",
        "http://b.internal:3128",
    )
    assert load_routes([]) == ("",)
    with pytest.raises(ValueError):
        load_routes(["socks5://x:1"])


def test_pool_rotation_skips_cooling_routes() -> None:
    now = [0.0]
    pool = EgressPool(("http://a:1", "http://b:1", "http://c:1"), 10.0, lambda: now[0])
    pool.cool("http://b:1", "refused")
    firsts = [pool.order()[0] for _ in range(6)]
    assert "http://b:1" not in firsts
    now[0] = 11.0
    assert "http://b:1" in [pool.order()[0] for _ in range(3)]


def test_the_workers_fetcher_exports_cooled_routes_and_blocked_answers(
    pages: PageServer,
) -> None:
    # Given a worker runtime with two egress routes, one of whose proxies is down, and a shop
    # that answers 403 to whatever arrives through the live one
    def counted(event: str, route: str) -> float:
        value = worker_metrics.REGISTRY.get_sample_value(
            "priceradar_egress_events_total", {"egress": route_name(route), "event": event}
        )
        return value or 0.0

    dead = f"http://127.0.0.1:{free_port()}"
    pages.egress_status["a"] = 403
    with ForwardProxy("a") as a:
        settings = load_settings(
            _env_file=None, allowed_private_hosts=["127.0.0.1"], fetch_proxies=[a.url, dead]
        )
        before = counted("cooled", dead), counted("blocked", a.url)
        rt = Runtime(settings)
        try:
            rt.run(rt.fetcher.fetch(pages.url("/p/1")))
            rt.run(rt.fetcher.fetch(pages.url("/p/2")))
        finally:
            rt.close()
    # Then the scrape shows the cooled-down route and the blocked answer, by route name
    assert counted("cooled", dead) == before[0] + 1
    assert counted("blocked", a.url) >= before[1] + 1
