"""The browser fetcher on real Chromium against real local servers: a script-only shop, a canary."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from priceradar.adapters.browser import renderer as renderer_module
from priceradar.adapters.browser.renderer import BrowserConfig, BrowserRenderer, renderer_stats
from priceradar.adapters.http.egress import route_name
from priceradar.adapters.http.fetcher import FetchConfig
from priceradar.domain.check import FetchedPage
from priceradar.domain.outcome import OutcomeKind
from tests.security.canary import Canary
from tests.support.browser import require_chromium
from tests.support.proxy import ForwardProxy
from tests.support.redis_server import free_port
from tests.support.script_site import PRICE_SPAN, Site


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
    fetch_cfg: FetchConfig | None = None,
) -> tuple[list[FetchedPage], BrowserRenderer]:
    """Render the paths (`batches` times) with only the site's own host:port allowed."""
    executable = require_chromium()
    fetch_cfg = fetch_cfg or FetchConfig(
        timeout_s=timeout_s, allowed_private_hosts=(f"127.0.0.1:{site.port}",)
    )
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


def test_a_placeholder_price_is_not_taken_while_the_real_one_is_loading(site: Site) -> None:
    # Given a page that shows $0.00 at once and the real price after a slow fetch()
    (page,), _ = render(site, ["/placeholder"])
    # Then the browser waited for the request and the DOM shows the real price only
    assert page.error is None, page
    assert f'<div id="app">{PRICE_SPAN}</div>'.encode() in page.body


def test_a_placeholder_is_not_taken_while_the_real_price_request_is_about_to_start(
    site: Site,
) -> None:
    # Given a page that shows $0.00 at once and asks for the real price 100 ms later, then
    # waits a second for it: the first look at the page finds no request in flight
    (page,), _ = render(site, ["/placeholder-later"])
    # Then the page was not taken at its first quiet moment: the DOM shows the real price
    assert page.error is None, page
    assert f'<div id="app">{PRICE_SPAN}</div>'.encode() in page.body


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


def test_a_missing_browser_is_a_clear_outcome_not_a_crash(site: Site) -> None:
    missing = BrowserConfig(executable="/nonexistent/chromium")
    pages, renderer = render(site, ["/fetched", "/fetched"], browser=missing, batches=2)
    assert all(p.error is OutcomeKind.NETWORK_ERROR for p in pages)
    assert all("/nonexistent/chromium did not start" in (p.error_detail or "") for p in pages)
    assert renderer.launches == 0 and renderer.proxy._server is None  # nothing left running


def test_the_browser_is_recycled_above_its_memory_bound(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(renderer_module, "RSS_CHECK_EVERY_S", 0.0)  # measure before every page
    executable = require_chromium()
    cfg = BrowserConfig(executable=executable, settle_s=2, max_rss_mb=1)
    pages, renderer = render(site, ["/fetched"], browser=cfg, batches=3)
    assert all(p.error is None for p in pages)
    assert renderer.launches == 3  # every browser is above 1 MB: relaunched before each page


def test_a_browser_killed_under_the_worker_is_replaced(site: Site) -> None:
    # Given a browser that rendered a page, then died (an OOM kill takes the whole tree)
    executable = require_chromium()
    renderer = BrowserRenderer(
        FetchConfig(allowed_private_hosts=(f"127.0.0.1:{site.port}",)),
        BrowserConfig(executable=executable, settle_s=2),
        wait_selector=lambda _url: "span.price",
    )

    async def go() -> list[FetchedPage]:
        try:
            await renderer.fetch_many([site.base + "/fetched"])
            for pid in chromium_pids():
                # one may be gone already: killing the browser's main process takes its children
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            # as a worker would meet it: after Playwright has seen the browser go (a page that
            # starts before that fails with a network error and is checked again later)
            browser = renderer._browser
            assert browser is not None
            for _ in range(100):
                if not browser.is_connected():
                    break
                await asyncio.sleep(0.1)
            return await renderer.fetch_many([site.base + "/fetched"])
        finally:
            await renderer.close()

    (page,) = asyncio.run(go())
    # Then the next page launches a new one and renders
    assert page.error is None and PRICE_SPAN.encode() in page.body, page
    assert renderer.launches == 2


def chromium_pids() -> list[int]:
    """Chromium processes under this test process (Playwright's driver is our child)."""
    own, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if "chrom" in name and _descends_from(int(entry.name), own):
                found.append(int(entry.name))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if pid == ancestor:
            return True
    return False


def test_pages_and_their_requests_go_out_through_the_egress_route(site: Site) -> None:
    # Given one egress route (a forward proxy), as PRICERADAR_FETCH_PROXIES sets it
    with ForwardProxy("a") as egress:
        fetch_cfg = FetchConfig(
            timeout_s=15, allowed_private_hosts=(f"127.0.0.1:{site.port}",), proxies=(egress.url,)
        )
        (page,), _ = render(site, ["/fetched"], selector="span.price", fetch_cfg=fetch_cfg)
    # Then the page and its fetch() left through that proxy, after the guard's check
    assert page.error is None and b'<span class="price">$12.99</span>' in page.body, page
    assert f"{site.base}/fetched" in egress.requests
    assert f"{site.base}/api/price" in egress.requests


def test_a_route_whose_proxy_is_down_is_cooled_and_the_page_rendered_through_another(
    site: Site,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with ForwardProxy("a") as egress:
        fetch_cfg = FetchConfig(
            timeout_s=15,
            allowed_private_hosts=(f"127.0.0.1:{site.port}",),
            proxies=(dead, egress.url),
        )
        (page,), renderer = render(site, ["/fetched"], selector="span.price", fetch_cfg=fetch_cfg)
    assert page.error is None and PRICE_SPAN.encode() in page.body, page
    assert renderer.egress.report()[route_name(dead)]["cooling_s"] > 0
    assert f"{site.base}/fetched" in egress.requests


def test_through_an_egress_route_the_browser_reaches_no_forbidden_address(
    site: Site, canary: Canary
) -> None:
    with ForwardProxy("a") as egress:
        fetch_cfg = FetchConfig(
            timeout_s=15, allowed_private_hosts=(f"127.0.0.1:{site.port}",), proxies=(egress.url,)
        )
        (hostile, redirected), renderer = render(
            site, ["/hostile", "/to-canary"], fetch_cfg=fetch_cfg
        )
    assert canary.hits == [] and canary.connections == 0
    assert not any(str(canary.port) in r for r in egress.requests + egress.tunnels)
    assert hostile.error is None and PRICE_SPAN.encode() in hostile.body, hostile
    assert redirected.error is OutcomeKind.FORBIDDEN_TARGET, redirected
    assert renderer_stats(renderer)["proxy_refusals"] >= 3
