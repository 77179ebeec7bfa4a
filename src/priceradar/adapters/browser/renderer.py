"""The browser fetcher: product pages rendered by the system's Chromium through Playwright.

A `Fetcher` whose transport is a browser: `fetch_many`, the batch deadline, the per-domain rate
limit and the 429/403 feedback are the static fetcher's own (inherited), so rendered checks
are exactly as polite as static ones. One browser per worker process, launched lazily and
recycled after `max_pages` pages or above `max_rss_mb`; a fresh context (cookies, storage,
cache) per page; images, fonts, media and known trackers are aborted; every connection goes
through the guard proxy (`proxy.GuardProxy`), which with egress routes is one per route,
chained to that route's proxy (the context of a page uses its route's guard). A page that
cannot be rendered becomes a `FetchedPage` with `error` set: rendering never raises.

Waiting: after the DOM is loaded, for the site rule's CSS price selector when there is one,
else until `ready(html, url)` says the page shows a product (the check service passes the
extractor) on two polls in a row with no request of the page in flight, else for network idle;
each bounded by `settle_s`, the whole page by `FetchConfig.timeout_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page, Playwright, Request, Route, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from priceradar.adapters.browser.blocking import should_block
from priceradar.adapters.browser.memory import descendants_rss_mb
from priceradar.adapters.browser.proxy import EGRESS_DOWN_HEADER, REFUSED_HEADER, GuardProxy
from priceradar.adapters.http.egress import route_name
from priceradar.adapters.http.fetcher import PROXY_DOWN, FetchConfig, Fetcher, parse_retry_after
from priceradar.adapters.http.guard import ForbiddenTarget, check_url
from priceradar.adapters.ratelimit import DomainLimiter
from priceradar.domain.check import FetchedPage
from priceradar.domain.outcome import OutcomeKind

log = logging.getLogger(__name__)

DEFAULT_EXECUTABLE = "/usr/bin/chromium"
# No background traffic to Google's hosts, no GPU, no sandbox (containers run it unprivileged
# without user namespaces), and WebRTC kept off the network: it could reach around the proxy.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
)
POLL_S = 0.2  # how often the DOM is re-read while waiting for a price to appear
QUIET_POLLS = 2  # a price is taken once this many polls in a row saw it with nothing in flight
# Counts the page's own fetch() and XMLHttpRequest calls from the moment they are made:
# Playwright's `request` event can reach us after the script that sent the request has
# already drawn a placeholder price, and the page must not be taken in between.
PENDING_JS = "() => window.__priceradarPending || 0"
COUNT_REQUESTS_JS = """(() => {
  let pending = 0;
  const done = () => { pending = Math.max(0, pending - 1); };
  Object.defineProperty(window, '__priceradarPending', { get: () => pending });
  const nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function (...args) {
      pending++;
      let answer;
      try { answer = nativeFetch.apply(this, args); } catch (e) { done(); throw e; }
      answer.then(done, done);
      return answer;
    };
  }
  const XHR = window.XMLHttpRequest;
  if (XHR) {
    const send = XHR.prototype.send;
    XHR.prototype.send = function (...args) {
      pending++;
      this.addEventListener('loadend', done, { once: true });
      try { return send.apply(this, args); } catch (e) { done(); throw e; }
    };
  }
})();"""
RSS_CHECK_EVERY_S = 5.0  # how often the browser's memory is measured against its bound

WaitSelector = Callable[[str], str | None]
Ready = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class BrowserConfig:
    executable: str = DEFAULT_EXECUTABLE
    settle_s: float = 8.0  # longest wait for the price after the DOM is loaded
    max_pages: int = 200  # recycle the browser after this many pages
    max_rss_mb: int = 1024  # ... or when its processes hold more than this
    extra_trackers: frozenset[str] = frozenset()


class BrowserRenderer(Fetcher):
    """`async with BrowserRenderer(fetch_cfg, browser_cfg) as r: await r.fetch_many(urls)`."""

    def __init__(
        self,
        config: FetchConfig,
        browser: BrowserConfig,
        limiter: DomainLimiter | None = None,
        *,
        wait_selector: WaitSelector = lambda _url: None,
        ready: Ready | None = None,
    ) -> None:
        super().__init__(config, limiter)
        self.browser_config = browser
        self.wait_selector = wait_selector
        self.ready = ready
        self.pages_since_launch = 0
        self.launches = 0
        self.blocked = 0  # requests aborted by resource type or tracker host
        self.proxy = GuardProxy(config.allowed_private_hosts)  # direct: the browser's default
        # An egress route's pages use a context whose proxy is a guard chained to that route.
        self.route_proxies = {
            route: GuardProxy(config.allowed_private_hosts, upstream=route)
            for route in self.egress.routes
            if route
        }
        self._route_ports: dict[str, int] = {}
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._open_pages = 0
        self._launching: asyncio.Lock | None = None  # made on the loop that uses it
        self._rss_checked_at = float("-inf")

    async def open(self) -> None:
        if self._browser is not None:
            return
        try:
            port = await self.proxy.start()
            for route, proxy in self.route_proxies.items():
                self._route_ports[route] = await proxy.start()
            self._pw = await async_playwright().start()
            self._browser = await self._pw.chromium.launch(
                executable_path=self.browser_config.executable,
                args=[
                    *CHROMIUM_ARGS,
                    f"--proxy-server=http://127.0.0.1:{port}",
                    "--proxy-bypass-list=<-loopback>",  # loopback too goes through the guard
                ],
            )
        except Exception:
            await self.close()  # no proxy or driver left behind; the next page tries again
            raise
        self.launches += 1
        self.pages_since_launch = 0

    async def close(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                await self._browser.close()
            self._browser = None
        if self._pw is not None:
            with contextlib.suppress(Exception):
                await self._pw.stop()
            self._pw = None
        await self.proxy.close()
        for proxy in self.route_proxies.values():
            await proxy.close()
        self._route_ports.clear()

    def rss_mb(self) -> float:
        return descendants_rss_mb()

    def recycle_due(self) -> bool:
        cfg = self.browser_config
        if self._browser is None:
            return False
        if self.pages_since_launch >= cfg.max_pages:
            return True
        now = time.monotonic()
        if now - self._rss_checked_at < RSS_CHECK_EVERY_S:
            return False
        self._rss_checked_at = now  # a walk of /proc: not for every page
        return self.rss_mb() > cfg.max_rss_mb

    async def _take_browser(self) -> Browser:
        """The browser for one more page; relaunched first when it is due and no page is open
        (pages in flight finish on the old one; the next page to start without company
        relaunches, at the latest the first page of the next batch)."""
        if self._launching is None:
            self._launching = asyncio.Lock()
        async with self._launching:
            if self._browser is not None and not self._browser.is_connected():
                log.warning("the browser died (crash or OOM kill): launching a new one")
                await self.close()
            elif self._open_pages == 0 and self.recycle_due():
                log.info("recycling the browser", extra={"pages": self.pages_since_launch})
                await self.close()
            await self.open()
            assert self._browser is not None
            self._open_pages += 1
            self.pages_since_launch += 1
            return self._browser

    async def _fetch(
        self, url: str, accept: str | None = None, proxy: str | None = None
    ) -> FetchedPage:
        # `proxy`: the egress route the fetcher chose (and took a rate token for); the page's
        # context goes out through it, behind the guard.
        try:  # the guard's own check, before the browser is involved at all
            await check_url(url, self.config.allowed_private_hosts)
        except ForbiddenTarget as exc:
            return _error(url, OutcomeKind.FORBIDDEN_TARGET, str(exc))
        try:
            browser = await self._take_browser()
        except PlaywrightError as exc:
            detail = f"browser {self.browser_config.executable} did not start: {_first_line(exc)}"
            log.error(detail)
            return _error(url, OutcomeKind.NETWORK_ERROR, detail)
        try:
            page = await self._render_in_context(browser, url, proxy or "")
        finally:
            self._open_pages -= 1
        if proxy and page.error is OutcomeKind.NETWORK_ERROR:
            # a navigation that failed through an egress route: its proxy may be down
            guard = self.route_proxies.get(proxy)
            if guard is not None and not await guard.upstream_reachable():
                return _error(url, OutcomeKind.NETWORK_ERROR, f"{PROXY_DOWN}: {route_name(proxy)}")
        return page

    async def _render_in_context(self, browser: Browser, url: str, route: str) -> FetchedPage:
        options: dict[str, Any] = {}
        if route in self._route_ports:
            # loopback is not bypassed here either: every connection meets the guard
            options["proxy"] = {
                "server": f"http://127.0.0.1:{self._route_ports[route]}",
                "bypass": "<-loopback>",
            }
        try:
            context = await browser.new_context(
                user_agent=self.config.user_agent,
                service_workers="block",  # a worker's fetches would bypass interception
                accept_downloads=False,
                **options,
            )
        except PlaywrightError as exc:
            return _error(url, OutcomeKind.NETWORK_ERROR, f"browser: {_first_line(exc)}")
        try:
            await context.route("**/*", self._route)
            if self.ready is not None:
                await context.add_init_script(COUNT_REQUESTS_JS)
            page = await context.new_page()
            return await asyncio.wait_for(self._render(page, url), self.config.timeout_s)
        except TimeoutError:
            return _error(
                url, OutcomeKind.TIMEOUT, f"not rendered within {self.config.timeout_s:g} s"
            )
        except PlaywrightError as exc:
            return _error(url, OutcomeKind.NETWORK_ERROR, f"browser: {_first_line(exc)}")
        finally:
            with contextlib.suppress(PlaywrightError):
                await context.close()

    async def _route(self, route: Route, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        if should_block(request.resource_type, host, self.browser_config.extra_trackers):
            self.blocked += 1
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    async def _render(self, page: Page, url: str) -> FetchedPage:
        in_flight: Counter[str] = Counter()  # requests of this page not yet finished

        def started(_request: Request) -> None:
            in_flight["requests"] += 1

        def ended(_request: Request) -> None:
            in_flight["requests"] -= 1

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        response = await page.goto(url, wait_until="domcontentloaded")
        if response is None:
            return _error(url, OutcomeKind.INVALID_RESPONSE, "no response for the page")
        headers = await response.all_headers()
        if REFUSED_HEADER.lower() in headers and response.status == 403:
            return _error(url, OutcomeKind.FORBIDDEN_TARGET, "a redirect led to a refused address")
        if EGRESS_DOWN_HEADER.lower() in headers and response.status == 502:
            return _error(url, OutcomeKind.NETWORK_ERROR, f"{PROXY_DOWN}: the browser's route")
        content_type = headers.get("content-type")
        if response.status >= 300 or "html" not in (content_type or "html").lower():
            retry_after = parse_retry_after(headers.get("retry-after"))
            return FetchedPage(url, response.status, content_type, b"", retry_after)
        await self._settle(page, url, in_flight)
        body = (await page.content()).encode("utf-8")
        if len(body) > self.config.max_bytes:
            return _error(
                url,
                OutcomeKind.INVALID_RESPONSE,
                f"too large: over {self.config.max_bytes} bytes rendered",
                response.status,
            )
        return FetchedPage(url, response.status, "text/html; charset=utf-8", body)

    async def _settle(self, page: Page, url: str, in_flight: Counter[str]) -> None:
        """Wait for the price: the rule's selector; else until `ready` sees a product while no
        request of the page is in flight, `QUIET_POLLS` polls in a row (a placeholder price
        whose real value is still being fetched, or about to be, is not taken); without
        `ready`, network idle."""
        settle_ms = self.browser_config.settle_s * 1000
        selector = self.wait_selector(url)
        if selector:
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_selector(selector, state="attached", timeout=settle_ms)
            return
        if self.ready is None:
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state("networkidle", timeout=settle_ms)
            return
        until = time.monotonic() + self.browser_config.settle_s
        quiet = 0
        while True:
            # the page's own count first: a request it makes after this read shows up in
            # Playwright's count or in the next poll
            try:
                idle = await page.evaluate(PENDING_JS) == 0 and in_flight.total() == 0
            except PlaywrightError:  # the page is navigating (a script redirect): not yet
                idle = False
            quiet = quiet + 1 if idle and self.ready(await page.content(), url) else 0
            if quiet >= QUIET_POLLS or time.monotonic() >= until:
                return
            await asyncio.sleep(POLL_S)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _error(url: str, kind: OutcomeKind, detail: str, status: int | None = None) -> FetchedPage:
    return FetchedPage(url, status=status, error=kind, error_detail=detail)


def renderer_stats(renderer: BrowserRenderer) -> dict[str, Any]:
    """Counters for logs and the benchmark."""
    return {
        "launches": renderer.launches,
        "pages_since_launch": renderer.pages_since_launch,
        "blocked_requests": renderer.blocked,
        "proxy_refusals": sum(
            sum(p.refused.values()) for p in (renderer.proxy, *renderer.route_proxies.values())
        ),
    }
