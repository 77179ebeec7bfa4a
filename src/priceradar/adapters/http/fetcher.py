"""The page fetcher: pooled aiohttp client with timeouts, a body cap and bounded concurrency.

One Fetcher lives per worker process (the connection pool and DNS cache survive between
batches). Every failure becomes a FetchedPage with `error` set: fetching never raises.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp

from priceradar.adapters.http.egress import EgressListener, EgressPool, route_name
from priceradar.adapters.http.guard import ForbiddenTarget, GuardedConnector, unwrap_forbidden
from priceradar.adapters.http.redirects import TooManyRedirects, get_following
from priceradar.adapters.ratelimit import DomainLimiter
from priceradar.domain.check import FetchedPage
from priceradar.domain.outcome import OutcomeKind

READ_CHUNK = 64 * 1024
PROXY_DOWN = "egress proxy unreachable"


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeout_s: float = 20.0
    connect_timeout_s: float = 5.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "priceradar/0.1"
    concurrency: int = 100
    per_domain_concurrency: int = 16
    proxy: str | None = None
    proxies: tuple[str, ...] = ()  # egress routes rotated over (with `proxy`: that one only)
    egress_cooldown_s: float = 60.0  # a route whose proxy cannot be reached rests this long
    allowed_private_hosts: tuple[str, ...] = ()
    blocked_pause_s: float = 300.0  # after a 403, leave the domain alone this long
    rate_limited_pause_s: float = 30.0  # after a 429 without Retry-After


class Fetcher:
    """Fetch pages concurrently. Use as `async with Fetcher(cfg) as f: await f.fetch_many(urls)`."""

    def __init__(
        self,
        config: FetchConfig,
        limiter: DomainLimiter | None = None,
        egress_listener: EgressListener | None = None,
    ) -> None:
        self.config = config
        self.limiter = limiter
        self._session: aiohttp.ClientSession | None = None
        self._limit = asyncio.Semaphore(config.concurrency)
        routes = config.proxies or ((config.proxy,) if config.proxy else ("",))
        self.egress = EgressPool(routes, config.egress_cooldown_s, listener=egress_listener)

    async def __aenter__(self) -> Fetcher:
        await self.open()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._session is not None:
            return
        cfg = self.config
        connector = GuardedConnector(
            cfg.allowed_private_hosts,
            limit=cfg.concurrency,
            limit_per_host=cfg.per_domain_concurrency,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=cfg.timeout_s, sock_connect=cfg.connect_timeout_s),
            headers={
                "User-Agent": cfg.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            max_line_size=16 * 1024,
            max_field_size=16 * 1024,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch_many(
        self, urls: Sequence[str], deadline_s: float | None = None
    ) -> list[FetchedPage]:
        """Fetch all urls; those unfinished at the deadline come back as timeouts."""
        deadline_at = time.monotonic() + deadline_s if deadline_s is not None else None
        tasks = [asyncio.ensure_future(self.fetch(url, deadline_at)) for url in urls]
        if not tasks:
            return []
        done, pending = await asyncio.wait(tasks, timeout=deadline_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return [
            t.result()
            if t in done and not t.cancelled()
            else FetchedPage(url, error=OutcomeKind.TIMEOUT, error_detail="batch deadline reached")
            for t, url in zip(tasks, urls, strict=True)
        ]

    async def fetch(
        self, url: str, deadline_at: float | None = None, accept: str | None = None
    ) -> FetchedPage:
        domain = urlsplit(url).netloc.lower()
        routes = self.egress.order()
        for attempt in range(2):  # a second route when the first one's proxy is down
            route = await self._acquire(domain, routes, deadline_at)
            if route is None:
                return _error(
                    url, OutcomeKind.RATE_LIMITED, f"deferred: {domain} is at its rate limit"
                )
            async with self._limit:
                started = time.monotonic()
                page = await self._fetch(url, accept, route or None)
                if (page.error_detail or "").startswith(PROXY_DOWN):
                    self.egress.cool(route, page.error_detail or PROXY_DOWN)
                    routes = [r for r in routes if r != route]
                    if routes and attempt == 0:
                        continue
                await self._feed_back(domain, page, route)
                elapsed_ms = int((time.monotonic() - started) * 1000)
                return FetchedPage(
                    page.url,
                    page.status,
                    page.content_type,
                    page.body,
                    page.retry_after_s,
                    page.error,
                    page.error_detail,
                    elapsed_ms,
                )
        raise AssertionError("unreachable")  # pragma: no cover

    async def _acquire(
        self, domain: str, routes: list[str], deadline_at: float | None
    ) -> str | None:
        """A route whose (domain, route) lane grants a token: first any that has one now, then
        the first that grants one within the budget. None: defer the product."""
        if self.limiter is None:
            return routes[0]
        # Waiting past the batch deadline is pointless: defer the product instead, it is
        # rescheduled with backoff like any rate-limited check.
        budget = (deadline_at - time.monotonic()) if deadline_at else self.config.timeout_s * 10
        wait_s = max(0.0, budget - self.config.timeout_s)
        if len(routes) > 1:
            for route in routes:
                if await self.limiter.acquire(domain, 0.0, _lane(route)):
                    return route
        for route in routes:
            if await self.limiter.acquire(domain, wait_s, _lane(route)):
                return route
        return None

    async def _feed_back(self, domain: str, page: FetchedPage, route: str) -> None:
        """429s beyond noise cut the (domain, route) lane's rate (AIMD) and pause it for their
        Retry-After; a 403 pauses the lane. Every worker sharing the limiter sees it."""
        if self.limiter is None or page.status not in (403, 429):
            return
        self.egress.blocked(route)
        if page.status == 429:
            _rate, limited = await self.limiter.slow_down(domain, _lane(route))
            if not limited:
                return  # noise: the product alone waits its Retry-After (apply_check)
            pause = page.retry_after_s or self.config.rate_limited_pause_s
        else:
            pause = self.config.blocked_pause_s
        await self.limiter.pause(domain, pause, _lane(route))

    async def fetch_document(self, url: str, accept: str = "*/*") -> FetchedPage:
        """Fetch a body of any content type (sitemaps, .gz files) with the same SSRF guard,
        size cap, timeouts and domain rate limit as pages. Never raises."""
        return await self.fetch(url, accept=accept)

    async def _fetch(
        self, url: str, accept: str | None = None, proxy: str | None = None
    ) -> FetchedPage:
        """With `accept`, any content type is read; without, only HTML bodies are."""
        assert self._session is not None, "Fetcher.open() first"
        cfg = self.config
        try:
            async with get_following(
                self._session,
                url,
                max_redirects=cfg.max_redirects,
                allowed_private_hosts=cfg.allowed_private_hosts,
                proxy=proxy,
                headers={"Accept": accept} if accept else None,
            ) as resp:
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                content_type = resp.headers.get("Content-Type")
                declared = resp.content_length
                if declared is not None and declared > cfg.max_bytes:
                    return _error(
                        url,
                        OutcomeKind.INVALID_RESPONSE,
                        f"too large: {declared} bytes declared",
                        resp.status,
                    )
                if resp.status >= 300 or not (accept or _looks_html(content_type)):
                    # The status or type decides the outcome; the body is not needed.
                    return FetchedPage(url, resp.status, content_type, b"", retry_after)
                body = bytearray()
                async for chunk in resp.content.iter_chunked(READ_CHUNK):
                    body += chunk
                    if len(body) > cfg.max_bytes:
                        return _error(
                            url,
                            OutcomeKind.INVALID_RESPONSE,
                            f"too large: over {cfg.max_bytes} bytes",
                            resp.status,
                        )
                return FetchedPage(url, resp.status, content_type, bytes(body), retry_after)
        except ForbiddenTarget as exc:
            return _error(url, OutcomeKind.FORBIDDEN_TARGET, str(exc))
        except aiohttp.ClientProxyConnectionError as exc:
            return _error(url, OutcomeKind.NETWORK_ERROR, f"{PROXY_DOWN}: {exc}")
        except TooManyRedirects as exc:
            return _error(url, OutcomeKind.INVALID_RESPONSE, str(exc))
        except (TimeoutError, aiohttp.ServerTimeoutError):
            return _error(
                url, OutcomeKind.TIMEOUT, f"no complete answer within {cfg.timeout_s:g} s"
            )
        except aiohttp.ClientResponseError as exc:
            return _error(
                url, OutcomeKind.INVALID_RESPONSE, f"bad response: {exc.message}", exc.status
            )
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            forbidden = unwrap_forbidden(exc)
            if forbidden is not None:
                return _error(url, OutcomeKind.FORBIDDEN_TARGET, str(forbidden))
            return _error(url, OutcomeKind.NETWORK_ERROR, f"{type(exc).__name__}: {exc}")


def _lane(route: str) -> str:
    """The limiter's egress key of a route ("" for direct: the domain's own lane)."""
    return route_name(route) if route else ""


def _looks_html(content_type: str | None) -> bool:
    return content_type is None or "html" in content_type.lower()


def _error(url: str, kind: OutcomeKind, detail: str, status: int | None = None) -> FetchedPage:
    return FetchedPage(url, status=status, error=kind, error_detail=detail)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date. Capped at one day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 86_400.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - (now or datetime.now(UTC))).total_seconds(), 86_400.0))
