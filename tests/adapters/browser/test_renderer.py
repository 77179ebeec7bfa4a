"""The browser fetcher on real Chromium against real local servers: a script-only shop, a canary."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from aiohttp import web

from priceradar.adapters.browser.renderer import BrowserConfig, BrowserRenderer
from priceradar.adapters.http.fetcher import FetchConfig
from priceradar.domain.check import FetchedPage
from priceradar.domain.outcome import OutcomeKind
from tests.security.canary import Canary
from tests.support.browser import require_chromium

PRICE_SPAN = '<span class="price">$12.99</span>'


def shell(script: str, extra: str = "") -> str:
    body = f'<div id="app"></div>{extra}<script>{script}</script>'
    return f"<html><head></head><body>{body}</body></html>"


class Site:
    """A tiny script-only shop on a free loopback port, in a background thread."""

    def __init__(self, canary_url: str) -> None:
        self.hits: Counter[str] = Counter()
        self.canary_url = canary_url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def pages(self) -> dict[str, Callable[[web.Request], Any]]:
        c = self.canary_url
        later = f"setTimeout(()=>{{app.innerHTML='{PRICE_SPAN}'}}, 1200)"
        loaded = "fetch('/api/price').then(r=>r.json()).then(d=>{app.innerHTML="
        loaded += "'<span class=\"price\">$'+d.price+'</span>'})"
        return {
            "/delayed": lambda r: _html(
                shell(later, '<img src="/img.png"><link rel=stylesheet href="/font.woff2">')
            ),
            "/fetched": lambda r: _html(shell(loaded)),
            "/api/price": lambda r: web.json_response({"price": "12.99"}),
            "/img.png": lambda r: web.Response(body=b"\x89PNG", content_type="image/png"),
            "/hang": self._hang,
            "/to-canary": lambda r: _redirect(f"{c}/navigation-redirect"),
            "/xhr-redirect": lambda r: _redirect(f"{c}/fetch-redirect"),
            "/hostile": lambda r: _html(
                shell(
                    f"fetch('{c}/fetch').catch(()=>0); fetch('/xhr-redirect').catch(()=>0);"
                    f"var x=new XMLHttpRequest(); x.open('GET','{c}/xhr'); x.send();"
                    f"new WebSocket('ws://127.0.0.1:{c.rsplit(':', 1)[1]}/ws');"
                    f"{later}",
                    f'<script src="{c}/script.js"></script><link rel=stylesheet href="{c}/s.css">'
                    f'<iframe src="{c}/frame"></iframe><link rel=preconnect href="{c}">'
                    f'<img src="{c}/img.png">',
                )
            ),
        }

    async def _hang(self, request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return _html("late")

    def __enter__(self) -> Site:
        app = web.Application()
        for path, handler in self.pages().items():

            async def counted(
                request: web.Request, handler: Callable[[web.Request], Any] = handler
            ) -> Any:
                self.hits[request.path] += 1
                result = handler(request)
                return await result if asyncio.iscoroutine(result) else result

            app.router.add_get(path, counted)
        self._thread.start()
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        asyncio.run_coroutine_threadsafe(self._runner.setup(), self._loop).result(10)
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        asyncio.run_coroutine_threadsafe(site.start(), self._loop).result(10)
        self.port = int(self._runner.addresses[0][1])
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html")


def _redirect(url: str) -> web.Response:
    raise web.HTTPFound(url)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as running:
        yield running


@pytest.fixture(scope="module")
def site(canary: Canary) -> Iterator[Site]:
    with Site(f"http://127.0.0.1:{canary.port}") as running:
        yield running


def render(
    site: Site,
    paths: Sequence[str],
    *,
    selector: str | None = None,
    timeout_s: float = 15,
    browser: BrowserConfig | None = None,
    batches: int = 1,
) -> tuple[list[FetchedPage], BrowserRenderer]:
    """Render the paths (`batches` times) with only the site's own host:port allowed."""
    executable = require_chromium()
    fetch_cfg = FetchConfig(timeout_s=timeout_s, allowed_private_hosts=(f"127.0.0.1:{site.port}",))
    renderer = BrowserRenderer(
        fetch_cfg,
        browser or BrowserConfig(executable=executable, settle_s=5),
        wait_selector=lambda _url: selector,
        ready=lambda html, _url: 'class="price"' in html,
    )

    async def go() -> list[FetchedPage]:
        try:
            pages: list[FetchedPage] = []
            for _ in range(batches):
                pages = await renderer.fetch_many([site.base + p for p in paths])
            return pages
        finally:
            await renderer.close()

    return asyncio.run(go()), renderer


def test_a_price_inserted_after_a_delay_is_waited_for(site: Site) -> None:
    # Given a page that draws its price 1.2 s after load, well after the network is idle
    (page,), renderer = render(site, ["/delayed"])
    # Then the rendered DOM carries it, and the image and font were never requested
    assert page.error is None and page.status == 200, page
    assert PRICE_SPAN.encode() in page.body
    assert site.hits["/img.png"] == 0
    assert renderer.blocked >= 1


def test_a_price_loaded_by_fetch_is_waited_for_by_the_rules_selector(site: Site) -> None:
    (page,), _ = render(site, ["/fetched"], selector="span.price")
    assert page.error is None, page
    assert b'<span class="price">$12.99</span>' in page.body


def test_the_browser_reaches_no_forbidden_address(site: Site, canary: Canary) -> None:
    # Given pages that redirect, load subresources, fetch(), XHR, WebSocket, preconnect and
    # iframe to a loopback port that is not allowed (only the shop's host:port is)
    pages, renderer = render(site, ["/hostile", "/to-canary"])
    hostile, redirected = pages
    # Then the canary saw no request and no connection at all
    assert canary.hits == [] and canary.connections == 0
    # and the page itself still rendered; the redirecting navigation is a forbidden target
    assert hostile.error is None and PRICE_SPAN.encode() in hostile.body, hostile
    assert redirected.error is OutcomeKind.FORBIDDEN_TARGET, redirected
    assert renderer.proxy.refused[f"127.0.0.1:{canary.port}"] >= 3


def test_a_forbidden_page_is_refused_before_the_browser_opens_it(
    site: Site, canary: Canary
) -> None:
    executable = require_chromium()
    renderer = BrowserRenderer(FetchConfig(), BrowserConfig(executable=executable))

    async def go() -> list[FetchedPage]:
        try:
            return await renderer.fetch_many([f"http://127.0.0.1:{canary.port}/direct"])
        finally:
            await renderer.close()

    (page,) = asyncio.run(go())
    assert page.error is OutcomeKind.FORBIDDEN_TARGET
    assert canary.hits == []


def test_a_page_that_never_answers_times_out(site: Site) -> None:
    (page,), _ = render(site, ["/hang"], timeout_s=2)
    assert page.error is OutcomeKind.TIMEOUT, page


def test_the_browser_is_recycled_after_its_page_budget(site: Site) -> None:
    executable = require_chromium()
    cfg = BrowserConfig(executable=executable, settle_s=2, max_pages=2)
    pages, renderer = render(site, ["/fetched", "/fetched"], browser=cfg, batches=3)
    assert all(p.error is None for p in pages)
    assert renderer.launches == 3  # a fresh browser for each batch after the budget was spent
