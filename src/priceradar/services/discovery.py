"""Discovering new products: crawl configured sitemaps and listing pages, insert set-based.

Each source is crawled breadth-first within its caps (products, documents fetched, sitemap
depth), its URLs deduplicated by canonical URL, then inserted with `add_products` in one pass;
URLs already tracked count as existing. Sources are isolated: one failing (dead host, broken
XML, refused address) is reported and the next one still runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine

from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import FetchedPage
from priceradar.domain.discovery import (
    DiscoverySource,
    DocumentError,
    UrlSelector,
    parse_listing,
    parse_robots_sitemaps,
    parse_sitemap,
)
from priceradar.domain.priority import Band
from priceradar.domain.urls import hostname_of
from priceradar.services.catalog import ProductInput, add_products
from priceradar.services.check import Runner

log = logging.getLogger(__name__)

# Index nesting followed below the source URL: the protocol allows one level (index -> urlset);
# real shops nest up to two more, and deeper chains are a loop or a trap.
MAX_SITEMAP_DEPTH = 3
# Sitemap files fetched at once per source: bodies are held whole (up to the fetch cap each),
# and a small product cap is usually met by the first wave, sparing the rest of the files.
SITEMAP_WAVE = 4
SITEMAP_ACCEPT = "application/xml,text/xml;q=0.9,application/x-gzip;q=0.8,*/*;q=0.5"
LISTING_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass
class SourceReport:
    """What discovery did for one source; `errors` holds one line per failed document."""

    url: str
    kind: str
    pages_fetched: int = 0
    urls_found: int = 0  # distinct new-or-known product URLs selected, at most max_products
    inserted: int = 0
    existing: int = 0
    invalid: int = 0  # unparseable URLs in documents plus those add_products refused
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable, for task results and logs."""
        return asdict(self)


def discover(
    engine: Engine,
    fetcher: Fetcher,
    run: Runner[Any],
    sources: Sequence[DiscoverySource],
    allowed_private_hosts: tuple[str, ...],
    *,
    bands: Sequence[Band],
) -> list[SourceReport]:
    """Crawl every source and insert the products found; one report per source, in order.

    `run` executes a coroutine on the loop the (opened) fetcher belongs to; new products start
    in the configured `bands`.
    """
    return [
        discover_source(engine, fetcher, run, s, allowed_private_hosts, bands=bands)
        for s in sources
    ]


def discover_source(
    engine: Engine,
    fetcher: Fetcher,
    run: Runner[Any],
    source: DiscoverySource,
    allowed_private_hosts: tuple[str, ...],
    *,
    bands: Sequence[Band],
) -> SourceReport:
    """Crawl one source and insert its products. Never raises: failures land in `errors`."""
    report = SourceReport(source.url, source.kind)
    started = time.monotonic()
    try:
        selector: UrlSelector = run(crawl(source, fetcher, report))
        items = (ProductInput(url, source.check_interval_s) for url in selector.selected)
        added = add_products(engine, items, allowed_private_hosts, bands=bands)
        report.inserted, report.existing = added.inserted, added.existing
        report.invalid += len(added.invalid)
        for url, reason in added.invalid[:5]:  # enough to see the cause; the count has the rest
            report.errors.append(f"{url}: {reason}")
    except Exception as exc:  # a source's bug or a database hiccup must not stop the others
        log.exception("discovery from %s failed", source.url)
        report.errors.append(f"{type(exc).__name__}: {exc}")
    report.elapsed_s = round(time.monotonic() - started, 3)
    log.info("discovery %s", report.as_dict() | {"errors": len(report.errors)})
    return report


async def crawl(source: DiscoverySource, fetcher: Fetcher, report: SourceReport) -> UrlSelector:
    """Fetch the source's documents within its caps; the selector holds the product URLs."""
    host = hostname_of(source.url) if source.same_host_only else None
    selector = UrlSelector(source.product_url_pattern, source.max_products, host)
    # Documents go through a selector too: canonical, same host, each fetched once, capped.
    documents = UrlSelector("", source.max_pages, host)
    start = documents.offer([source.url])
    if source.kind == "sitemap":
        await _crawl_sitemaps(start, fetcher, selector, documents, report)
    else:
        await _crawl_listing(start, source, fetcher, selector, documents, report)
    report.urls_found = len(selector.selected)
    report.invalid += selector.invalid
    return selector


async def _crawl_sitemaps(
    frontier: list[str],
    fetcher: Fetcher,
    selector: UrlSelector,
    documents: UrlSelector,
    report: SourceReport,
) -> None:
    """Breadth-first over index levels, a few files at a time, until the product cap."""
    for depth in range(MAX_SITEMAP_DEPTH + 1):
        children: list[str] = []
        for start in range(0, len(frontier), SITEMAP_WAVE):
            if selector.full:
                return
            wave = frontier[start : start + SITEMAP_WAVE]
            pages = await asyncio.gather(*(fetcher.fetch_document(u, SITEMAP_ACCEPT) for u in wave))
            report.pages_fetched += len(wave)
            for page in pages:
                body = _usable_body(page, report)
                if body is None:
                    continue
                try:
                    robots = page.url.endswith("/robots.txt")
                    found = parse_robots_sitemaps(body) if robots else parse_sitemap(body)
                except DocumentError as exc:
                    report.errors.append(f"{page.url}: {exc}")
                    continue
                selector.offer(found.urls)
                if found.sitemaps and depth == MAX_SITEMAP_DEPTH:
                    report.errors.append(
                        f"{page.url}: sitemap indexes nested deeper than "
                        f"{MAX_SITEMAP_DEPTH} levels are not followed"
                    )
                elif found.sitemaps:
                    # The documents cap is max_pages: files beyond it are never queued.
                    children += documents.offer(found.sitemaps)
        frontier = children


async def _crawl_listing(
    start: list[str],
    source: DiscoverySource,
    fetcher: Fetcher,
    selector: UrlSelector,
    documents: UrlSelector,
    report: SourceReport,
) -> None:
    """Follow rel=next from the first page; each page names the next, so this is sequential."""
    url = start[0] if start else None
    while url is not None and not selector.full:
        page = await fetcher.fetch_document(url, LISTING_ACCEPT)
        report.pages_fetched += 1
        body = _usable_body(page, report)
        if body is None:
            return
        try:
            listing = parse_listing(body, url, source.product_url_pattern)
        except DocumentError as exc:
            report.errors.append(f"{url}: {exc}")
            return
        selector.offer(listing.product_urls)
        # A page seen before (a rel=next loop) or past max_pages yields nothing: the crawl ends.
        following = documents.offer([listing.next_url] if listing.next_url else [])
        url = following[0] if following else None


def _usable_body(page: FetchedPage, report: SourceReport) -> bytes | None:
    """The body of a successful fetch, or None with the reason recorded."""
    if page.error is not None:
        report.errors.append(f"{page.url}: {page.error_detail or page.error.value}")
        return None
    if page.status != 200:
        report.errors.append(f"{page.url}: HTTP {page.status}")
        return None
    return page.body
