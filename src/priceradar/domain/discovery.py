"""Product discovery, pure: parse sitemaps and listing pages, pick new product URLs. No I/O.

Sitemaps are parsed with expat directly (no tree is built) and refuse any DOCTYPE, so entity
expansion ("billion laughs") and external entities cannot happen; gzip bodies are inflated in
chunks with a cap on the decompressed size, so a small zip bomb cannot exhaust memory.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.price_text import decode_html, too_deeply_nested
from priceradar.domain.urls import InvalidProductURL, canonicalize, hostname_of

DEFAULT_PRODUCT_PATTERN = r"/p/|/product|/dp/|/item"
# sitemaps.org: a sitemap file may hold 50,000 URLs and 50 MB uncompressed; nothing larger is
# legitimate, so more decompressed bytes than that is treated as a zip bomb.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024  # expat is fed 1 MB at a time, so memory stays flat while inflating
_GZIP_MAGIC = b"\x1f\x8b"

SourceKind = Literal["sitemap", "listing"]


class DocumentError(ValueError):
    """A fetched sitemap or listing page cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class DiscoverySource:
    """Where new products come from: a sitemap (index, urlset, .gz or robots.txt) or a listing.

    `product_url_pattern` is searched (re.search) in each URL's path and query.
    """

    url: str
    kind: SourceKind
    product_url_pattern: str = DEFAULT_PRODUCT_PATTERN
    max_products: int = 10_000
    max_pages: int = 200  # documents fetched per run: sitemap files or listing pages
    check_interval_s: int | None = None  # for the products it inserts; None: by priority
    same_host_only: bool = True  # sitemaps of real shops list other hosts' URLs too (CDNs, ads)

    def __post_init__(self) -> None:
        canonicalize(self.url)  # InvalidProductURL is a ValueError: pydantic reports it
        try:
            re.compile(self.product_url_pattern)
        except re.error as exc:
            raise ValueError(f"product_url_pattern is not a valid regex: {exc}") from None
        if self.max_products < 1 or self.max_pages < 1:
            raise ValueError("max_products and max_pages must be at least 1")
        if self.check_interval_s is not None and self.check_interval_s < 1:
            raise ValueError("check_interval_s must be at least 1 second")


_SOURCE_KEYS = frozenset(f.name for f in fields(DiscoverySource))


def parse_sources_setting(value: Any) -> Any:
    """Before-validator for the sources setting: JSON text to a list; unknown keys refused.

    A typo such as "max_product" would otherwise be dropped silently and the default used.
    """
    if isinstance(value, str | bytes):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
        if not isinstance(value, list):
            raise ValueError('expected a JSON list: [{"url": "…", "kind": "sitemap"}]')
    if isinstance(value, list):
        for n, item in enumerate(value):
            unknown = sorted(set(item) - _SOURCE_KEYS) if isinstance(item, dict) else []
            if unknown:
                known = ", ".join(sorted(_SOURCE_KEYS))
                raise ValueError(f"source {n}: unknown keys {unknown} (known: {known})")
    return value


@dataclass(frozen=True, slots=True)
class SitemapPage:
    """One sitemap document: page URLs (a urlset) or child sitemaps (an index or robots.txt)."""

    urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_sitemap(body: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> SitemapPage:
    """Read `<loc>`s of a `<urlset>` or `<sitemapindex>`, plain or gzip, with or without the
    sitemaps.org namespace. Raises DocumentError for DOCTYPEs, broken XML, oversized data."""
    handler = _SitemapHandler()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity  # unreachable without a DOCTYPE; kept as a belt
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    try:
        for chunk in _plain_chunks(body, max_bytes):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise DocumentError(f"sitemap is not well-formed XML ({exc})") from None
    if handler.is_index:
        return SitemapPage(sitemaps=handler.locs)
    return SitemapPage(urls=handler.locs)


class _SitemapHandler:
    """Collects `<loc>` text only where the protocol puts it: root/url/loc or root/sitemap/loc
    (so image and video extension `<loc>`s nested deeper are ignored)."""

    def __init__(self) -> None:
        self.path: list[str] = []
        self.locs: list[str] = []
        self.is_index = False
        self._text: list[str] | None = None

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]  # "namespace local" -> local: namespace is optional
        self.path.append(local)
        if len(self.path) == 1:
            if local not in ("urlset", "sitemapindex"):
                raise DocumentError(f"not a sitemap: the root element is <{local}>")
            self.is_index = local == "sitemapindex"
        elif len(self.path) == 3 and local == "loc" and self.path[1] in ("url", "sitemap"):
            self._text = []

    def end(self, _name: str) -> None:
        if self._text is not None and len(self.path) == 3:
            self.locs.append("".join(self._text).strip())
            self._text = None
        self.path.pop()

    def text(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _refuse_doctype(name: str, *_: object) -> None:
    raise DocumentError(
        f"refused: the document declares a DOCTYPE ({name!r}); "
        "sitemaps need none and entity declarations enable expansion attacks"
    )


def _refuse_entity(name: str, *_: object) -> None:
    raise DocumentError(f"refused: entity declaration {name!r}")


def _plain_chunks(body: bytes, max_bytes: int) -> Iterator[bytes]:
    """The body itself, or its gzip members inflated chunk by chunk up to `max_bytes`."""
    if not body.startswith(_GZIP_MAGIC):
        if len(body) > max_bytes:
            raise DocumentError(f"sitemap larger than {max_bytes} bytes")
        yield body
        return
    data, total = body, 0
    try:
        while data.startswith(_GZIP_MAGIC):  # concatenated members are valid gzip
            inflater = zlib.decompressobj(wbits=31)
            while not inflater.eof:
                chunk = inflater.decompress(data, _INFLATE_CHUNK)
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    raise DocumentError("gzip data is truncated")
                total += len(chunk)
                if total > max_bytes:
                    raise DocumentError(
                        f"sitemap larger than {max_bytes} bytes when decompressed (zip bomb?)"
                    )
                yield chunk
            data = inflater.unused_data
    except zlib.error as exc:
        raise DocumentError(f"corrupt gzip data ({exc})") from None


def parse_robots_sitemaps(body: bytes) -> SitemapPage:
    """The `Sitemap:` lines of a robots.txt, as child sitemaps."""
    found = []
    for line in body.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return SitemapPage(sitemaps=found)


@dataclass(frozen=True, slots=True)
class ListingPage:
    """Canonical product URLs linked from a category page, in order, and its rel=next page."""

    product_urls: list[str]
    next_url: str | None


def parse_listing(
    html: bytes, base_url: str, pattern: str | re.Pattern[str] = DEFAULT_PRODUCT_PATTERN
) -> ListingPage:
    """Links whose path matches `pattern`, resolved against `<base href>` or `base_url`."""
    text = decode_html(html)
    if too_deeply_nested(text):  # lexbor takes seconds on such pages; real listings are shallow
        raise DocumentError("listing page too deeply nested to parse safely")
    doc = LexborHTMLParser(text)
    base = base_url
    base_node = doc.css_first("base[href]")
    if base_node is not None:
        base = urljoin(base_url, base_node.attributes.get("href") or "")
    hrefs = (urljoin(base, n.attributes.get("href") or "") for n in doc.css("a[href]"))
    products = select_new(hrefs, pattern, cap=None)
    next_url = None
    for node in doc.css("link[rel~=next i][href], a[rel~=next i][href]"):
        candidate = _canonical_or_none(urljoin(base, node.attributes.get("href") or ""))
        if candidate is not None:
            next_url = candidate
            break
    return ListingPage(products, next_url)


class UrlSelector:
    """A source's product URLs as they are found: canonical, matching `pattern`, on `host` (if
    given, "www." ignored), deduplicated in order and capped at `cap` (None: no cap)."""

    def __init__(
        self, pattern: str | re.Pattern[str], cap: int | None, host: str | None = None
    ) -> None:
        self.pattern = re.compile(pattern)
        self.cap = cap
        self.host = _site(host) if host is not None else None
        self.selected: list[str] = []
        self.invalid = 0  # URLs that could not be canonicalized (relative, bad scheme, …)
        self._seen: set[str] = set()

    @property
    def full(self) -> bool:
        return self.cap is not None and len(self.selected) >= self.cap

    def offer(self, urls: Iterable[str]) -> list[str]:
        """Take new URLs from `urls` until the cap; returns the ones newly selected."""
        new: list[str] = []
        for raw in urls:
            if self.full:
                break
            url = _canonical_or_none(raw)
            if url is None:
                self.invalid += 1
                continue
            if url in self._seen:
                continue
            self._seen.add(url)
            parts = urlsplit(url)
            target = f"{parts.path}?{parts.query}" if parts.query else parts.path
            if self.pattern.search(target) is None:
                continue
            if self.host is not None and _site(hostname_of(url)) != self.host:
                continue
            new.append(url)
            self.selected.append(url)
        return new


def select_new(
    urls: Iterable[str], pattern: str | re.Pattern[str], cap: int | None, host: str | None = None
) -> list[str]:
    """Canonical, matching, deduplicated URLs from `urls` (invalid ones dropped), at most `cap`."""
    return UrlSelector(pattern, cap, host).offer(urls)


def _canonical_or_none(url: str) -> str | None:
    try:
        return canonicalize(url)
    except InvalidProductURL:
        return None


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")
