"""The demo shop: deterministic catalog, real HTTP on localhost, faults, escaping, discovery."""

from __future__ import annotations

import gzip
import html
import http.client
import itertools
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from decimal import Decimal
from email.message import Message
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from priceradar.demo_shop import (
    CATEGORIES,
    FAULT_IDS,
    FORMAT_IDS,
    RESERVED_ID_BASE,
    Fault,
    PageFormat,
    RunningShop,
    ShopConfig,
    fault_of,
    format_price,
    in_stock_at,
    is_deal_at,
    price_at,
    product,
    render_product_page,
)
from priceradar.demo_shop.pages import category_page_count, padding
from priceradar.demo_shop.state import GzipSplicer

T0 = 1_700_000_000.0
SM_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


class FakeClock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get_json(url: str, data: object = None) -> object:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with _OPENER.open(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def shop(clock: FakeClock) -> Iterator[RunningShop]:
    cfg = ShopConfig(slow_delay_s=0.3, catalog_size=2500, sitemap_page_size=1000)
    with RunningShop(cfg, clock=clock) as running:
        yield running


# ------------------------------------------------------------------ catalog (pure)


def test_catalog_is_deterministic() -> None:
    a, b, other = ShopConfig(seed=1), ShopConfig(seed=1), ShopConfig(seed=2)
    ids = range(1, 301)
    assert [product(a, i) for i in ids] == [product(b, i) for i in ids]
    assert [price_at(i, 5) for i in ids] == [price_at(i, 5, seed=1) for i in ids]
    assert [product(a, i).title for i in ids] != [product(other, i).title for i in ids]
    assert [price_at(i, 5) for i in ids] != [price_at(i, 5, seed=2) for i in ids]
    assert product(a, 1).title.split()[0].isalpha()  # "Brand Noun Edition XY-123"
    assert {product(a, i).currency for i in ids} == {"TRY", "USD", "EUR"}
    assert {product(a, i).format for i in ids} == set(PageFormat)
    big = product(a, 987_654)  # the catalog is unbounded
    assert big.id == 987_654 and big.base_price > 0


def test_prices_evolve_mostly_unchanged_with_deals_and_stockouts() -> None:
    changes = unchanged = deals = deep_drops = out_of_stock = 0
    for pid in range(1, 201):
        prices = [price_at(pid, e) for e in range(1000, 1050)]
        for p in prices:
            assert isinstance(p, Decimal) and p > 0 and p.as_tuple().exponent == -2
        for before, after in itertools.pairwise(prices):
            unchanged += before == after
            changes += before != after
            deep_drops += after <= before * Decimal("0.72")
        deals += sum(is_deal_at(pid, e) for e in range(1000, 1050))
        out_of_stock += sum(not in_stock_at(pid, e) for e in range(1000, 1050))
    total = 200 * 49
    assert changes > 0 and unchanged > 0.7 * total
    assert deals > 0 and deep_drops > 0
    assert 0 < out_of_stock < 0.1 * 200 * 50


def test_locale_price_strings() -> None:
    assert format_price(Decimal("1299.99"), "TRY") == "1.299,99 TL"
    assert format_price(Decimal("1299.99"), "USD") == "$1,299.99"
    assert format_price(Decimal("1299.99"), "EUR") == "1 299,99 €"
    assert format_price(Decimal("5.90"), "USD") == "$5.90"


def test_faults_are_fixed_ids_and_a_configurable_share() -> None:
    assert set(FAULT_IDS) == {f.value for f in Fault}
    assert all(i > RESERVED_ID_BASE for i in [*FAULT_IDS.values(), *FORMAT_IDS.values()])
    assert len(set(FAULT_IDS.values()) | set(FORMAT_IDS.values())) == len(FAULT_IDS) + 7
    healthy, faulty = ShopConfig(), ShopConfig(fault_rate=0.1)
    assert all(fault_of(healthy, FAULT_IDS[f]) == f for f in FAULT_IDS)
    assert not any(fault_of(healthy, i) for i in range(1, 5001))
    share = sum(fault_of(faulty, i) is not None for i in range(1, 5001)) / 5000
    assert 0.08 < share < 0.12
    assert fault_of(faulty, FORMAT_IDS["plain"]) is None


def test_padding_has_no_prices_or_structured_data() -> None:
    top, bottom = padding(60_000)
    text = (top + bottom).decode()
    for needle in ("price", "itemprop", "ld+json", "$", "€", " TL", "og:", "itemscope"):
        assert needle not in text
    assert padding(60_000)[1] is bottom  # rendered once, cached
    assert padding(0) == (b"", b"")


def test_gzip_splicer_round_trips() -> None:
    static = b"<p>static boilerplate</p>" * 1000
    parts = [b"<html>head", static, b"<main>dynamic 42</main>", static, b"</html>", b""]
    splicer = GzipSplicer()
    for _ in range(2):  # second time from the cache
        assert gzip.decompress(splicer.compress(parts)) == b"".join(parts)
    assert len(splicer.compress(parts)) < len(b"".join(parts)) // 10
    assert zlib.decompress(splicer.compress([b"x"], cacheable=False), 31) == b"x"


# ------------------------------------------------------------------ product pages over HTTP


_CUR = [""]


def _price_in_page(fmt: PageFormat, body: str, amount: str) -> bool:
    if fmt is PageFormat.JSONLD:
        return f'"price":"{amount}"' in body
    if fmt is PageFormat.JSONLD_GRAPH:
        return '"@graph"' in body and f'"price":{amount},' in body
    if fmt is PageFormat.JSONLD_OFFERS_LIST:
        return body.count(f'"price":"{amount}"') == 2 and '"offers":[' in body
    if fmt is PageFormat.JSONLD_AGGREGATE:
        return '"@type":"AggregateOffer"' in body and f'"lowPrice":"{amount}"' in body
    if fmt is PageFormat.MICRODATA:
        return f'itemprop="price" content="{amount}"' in body
    if fmt is PageFormat.OPENGRAPH:
        return f'<meta property="product:price:amount" content="{amount}">' in body
    plain_only = "ld+json" not in body and "itemprop" not in body and "product:" not in body
    return (
        plain_only
        and f'<span class="price">{format_price(Decimal(amount), _CUR[0])}</span>' in body
    )


@pytest.mark.parametrize("fmt", list(PageFormat))
def test_every_format_carries_the_truth(shop: RunningShop, fmt: PageFormat) -> None:
    pid = FORMAT_IDS[fmt.value]
    status, headers, raw = get(shop.product_url(pid))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    body = raw.decode()
    truth = get_json(f"{shop.base_url}/_truth/{pid}")
    assert isinstance(truth, dict)
    assert truth["format"] == fmt.value and truth["served_at"] == shop.epoch()
    assert truth["price"] == str(price_at(pid, shop.epoch()))
    _CUR[0] = truth["currency"]
    assert _price_in_page(fmt, body, truth["price"])
    shown = format_price(Decimal(truth["price"]), truth["currency"])
    assert '<span class="price"' in body and shown in body  # visible locale string everywhere
    assert f'<link rel="canonical" href="{shop.base_url}/p/{pid}">' in body
    assert ("Out of stock" in body) is (truth["in_stock"] is False)
    assert html.escape(truth["title"]) in body


def test_truth_counts_and_bulk(shop: RunningShop) -> None:
    for _ in range(3):
        assert get(shop.product_url(42))[0] == 200
    direct = shop.truth(42)
    assert direct.served_count == 3 and direct.last_status == 200
    assert (
        direct.price == price_at(42, shop.epoch()) and direct.title == product(shop.cfg, 42).title
    )
    bulk = get_json(f"{shop.base_url}/_truth", {"ids": [42, 43_210]})
    assert isinstance(bulk, dict) and bulk["epoch"] == shop.epoch()
    first, never = bulk["items"]
    assert first == direct.to_json()
    assert never["served_count"] == 0 and never["price"] is None
    assert get(f"{shop.base_url}/_truth", {})[0] == 405  # GET /_truth needs an id
    bad = urllib.request.Request(f"{shop.base_url}/_truth", data=b'{"ids": "x"}')
    with pytest.raises(urllib.error.HTTPError) as err:
        _OPENER.open(bad, timeout=30)
    assert err.value.code == 400


def test_prices_follow_the_clock(shop: RunningShop, clock: FakeClock) -> None:
    pid = next(
        i
        for i in range(1, 500)
        if price_at(i, shop.epoch()) != price_at(i, shop.epoch() + 1) and not fault_of(shop.cfg, i)
    )
    get(shop.product_url(pid))
    before = shop.truth(pid)
    clock.t += shop.cfg.price_period_s
    try:
        status, _, body = get(shop.product_url(pid))
        after = shop.truth(pid)
    finally:
        clock.t -= shop.cfg.price_period_s
    assert before.served_at is not None and status == 200
    assert after.served_at == before.served_at + 1
    assert after.price != before.price and after.price == price_at(pid, after.served_at)
    assert (
        after.price is not None and format_price(after.price, after.currency or "").encode() in body
    )


@pytest.mark.parametrize(
    ("fault", "status"),
    [("not_found", 404), ("gone", 410), ("rate_limited", 429), ("forbidden", 403),
     ("server_error", 500), ("malformed", 200), ("not_html", 200), ("ambiguous", 200)],
)  # fmt: skip
def test_fault_ids(shop: RunningShop, fault: str, status: int) -> None:
    pid = FAULT_IDS[fault]
    got, headers, body = get(shop.product_url(pid))
    assert got == status
    truth = shop.truth(pid)
    assert truth.last_status == status and truth.price is None and truth.fault == fault
    if fault == "rate_limited":
        assert headers["Retry-After"] == "7"
    if fault == "not_html":
        assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    if fault == "malformed":
        assert headers["Content-Type"].startswith("text/html")
        assert b'class="price"' not in body and b'"price"' not in body and b"itemprop" not in body
        with pytest.raises(UnicodeDecodeError):
            body.decode()
    if fault == "ambiguous":
        products = [json.loads(s) for s in _ld_scripts(body.decode())]
        prices = {p["offers"]["price"] for p in products if p["@type"] == "Product"}
        assert len(products) == 2 and len(prices) == 2


def test_too_large_is_streamed_and_huge(shop: RunningShop) -> None:
    status, headers, body = get(shop.product_url(FAULT_IDS["too_large"]))
    assert status == 200 and len(body) > 10 * 1024 * 1024
    assert headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in headers


def test_slow_and_flaky(shop: RunningShop, clock: FakeClock) -> None:
    start = time.monotonic()
    status, _, _ = get(shop.product_url(FAULT_IDS["slow"]))
    assert status == 200 and time.monotonic() - start >= 0.3
    assert shop.truth(FAULT_IDS["slow"]).price is not None
    flaky = FAULT_IDS["flaky"]
    assert [get(shop.product_url(flaky))[0] for _ in range(3)] == [500, 200, 200]
    assert shop.truth(flaky).price == price_at(flaky, shop.epoch())
    clock.t += shop.cfg.price_period_s
    try:
        assert [get(shop.product_url(flaky))[0] for _ in range(2)] == [500, 200]
    finally:
        clock.t -= shop.cfg.price_period_s


# ------------------------------------------------------------------ escaping


class _Scripts(HTMLParser):
    """A real HTML tokenizer: where does each script really end, what is the <title> text."""

    def __init__(self) -> None:
        super().__init__()
        self.ld: list[str] = []
        self.title = ""
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "ld"
            self.ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "ld":
            self.ld[-1] += data
        elif self._in == "title":
            self.title += data


def _ld_scripts(body: str) -> list[str]:
    parser = _Scripts()
    parser.feed(body)
    return parser.ld


def test_hostile_titles_are_escaped(shop: RunningShop) -> None:
    cfg = ShopConfig()
    hostile = [i for i in range(7, 7 * 400, 7) if "<" in product(cfg, i).title]
    seen_formats = set()
    for pid in hostile:
        page = render_product_page(cfg, pid, 123, base_url="http://shop")
        body = page.body.decode()
        title = product(cfg, pid).title
        outside = re.sub(r'<script type="application/ld\+json">.*?</script>', "", body, flags=re.S)
        assert title not in body and "<b>" not in outside and "<script>alert" not in outside
        parser = _Scripts()
        parser.feed(body)
        assert parser.title == f"{title} | DemoShop"  # the tokenizer decodes the entities
        assert body.count("</script>") == parser.scripts == len(parser.ld)  # each ends where meant
        for script in parser.ld:
            assert "<!--" not in script and "</" not in script
            data = json.loads(script)
            names = [n["name"] for n in data.get("@graph", [data]) if n["@type"] == "Product"]
            assert names in ([], [title])
            seen_formats.add(page.format)
    assert {PageFormat.JSONLD, PageFormat.JSONLD_GRAPH, PageFormat.JSONLD_AGGREGATE} <= seen_formats
    status, _, raw = get(shop.product_url(14))  # and over HTTP
    assert status == 200 and b"</script><script>alert" not in raw
    assert "🎧" in product(cfg, 21).title and "🎧".encode() in get(shop.product_url(21))[2]


# ------------------------------------------------------------------ HTTP features


def test_gzip_is_honoured_and_connections_are_kept_alive(shop: RunningShop) -> None:
    url = shop.product_url(FORMAT_IDS["jsonld"])
    _, plain_headers, plain = get(url)
    assert "Content-Encoding" not in plain_headers
    status, headers, packed = get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding" and gzip.decompress(packed) == plain
    assert "Content-Encoding" not in get(url, {"Accept-Encoding": "gzip;q=0"})[1]
    parts = urlsplit(shop.base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        for pid in (1, 2, 3):
            conn.request("GET", f"/p/{pid}", headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            assert response.status == 200 and not response.will_close
            assert b"<!DOCTYPE html>" in gzip.decompress(response.read())
    finally:
        conn.close()


def test_padding_makes_pages_about_the_requested_size() -> None:
    with RunningShop(ShopConfig(page_padding_bytes=60_000)) as padded:
        for pid in [*FORMAT_IDS.values(), 1, 7, 1000]:
            status, _, body = get(padded.product_url(pid), {"Accept-Encoding": "gzip"})
            size = len(gzip.decompress(body))
            assert status == 200 and 54_000 <= size <= 66_000, (pid, size)
            assert len(body) < size / 4
    small = render_product_page(ShopConfig(), 1, 0).body
    assert len(small) < 6_000


def test_stats_health_and_not_found(shop: RunningShop) -> None:
    assert get(f"{shop.base_url}/healthz")[2] == b"ok"
    assert get(f"{shop.base_url}/p/0")[0] == 404
    assert get(f"{shop.base_url}/p/abc")[0] == 404
    stats = get_json(f"{shop.base_url}/_stats")
    assert isinstance(stats, dict) and stats.keys() == shop.stats().keys()
    assert stats["by_status"]["404"] >= 2 and stats["by_status"]["200"] >= 1
    assert stats["epoch"] == shop.epoch()


# ------------------------------------------------------------------ discovery


def test_sitemaps_list_the_catalog(shop: RunningShop) -> None:
    status, _, index = get(f"{shop.base_url}/sitemap.xml")
    assert status == 200
    locs = [e.text or "" for e in ET.fromstring(index).iter(f"{SM_NS}loc")]
    assert [loc.rsplit("/", 1)[1] for loc in locs] == [
        "products-1.xml", "products-2.xml.gz", "products-3.xml"
    ]  # fmt: skip
    ids: list[int] = []
    for loc in locs:
        status, headers, raw = get(loc)
        assert status == 200
        if loc.endswith(".gz"):
            assert headers["Content-Type"] == "application/gzip"
            xml_bytes = gzip.decompress(raw)
            assert xml_bytes == get(loc.removesuffix(".gz"))[2]
        else:
            xml_bytes = raw
        urls = [e.text or "" for e in ET.fromstring(xml_bytes).iter(f"{SM_NS}loc")]
        assert len(urls) <= 1000 and all(u.startswith(f"{shop.base_url}/p/") for u in urls)
        ids += [int(u.rsplit("/", 1)[1]) for u in urls]
    assert ids == list(range(1, 2501))
    assert get(f"{shop.base_url}/sitemaps/products-4.xml")[0] == 404
    assert get(f"{shop.base_url}/sitemaps/other.xml")[0] == 404
    robots = get(f"{shop.base_url}/robots.txt")[2].decode()
    assert f"Sitemap: {shop.base_url}/sitemap.xml" in robots


_HREF = re.compile(r'<a class="card-title" href="([^"]+)"')
_NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def _crawl_category(shop: RunningShop, name: str) -> tuple[int, list[str]]:
    pages, hrefs = 0, []
    url: str | None = f"{shop.base_url}/category/{name}"
    while url is not None:
        status, _, raw = get(url)
        body = raw.decode()
        assert status == 200
        pages += 1
        found = _HREF.findall(body)
        assert 0 < len(found) <= 24 and body.count("/p/") >= 2 * len(found)
        hrefs += [html.unescape(h) for h in found]
        nxt = _NEXT.search(body)
        url = f"{shop.base_url}{html.unescape(nxt.group(1))}" if nxt else None
        assert pages < 100
    return pages, hrefs


def _pid(href: str) -> int:
    return int(urlsplit(href).path.rsplit("/", 1)[1])


def test_categories_paginate_and_overlap(shop: RunningShop) -> None:
    pages, hrefs = _crawl_category(shop, "headphones")
    assert pages == category_page_count(shop.cfg, "headphones") == 11  # 209 own products / 20
    own = {_pid(h) for h in hrefs if "crosslist" not in h}
    assert own == set(range(1, 2501, len(CATEGORIES)))
    assert any("utm_source" in h for h in hrefs) and any("#" in h for h in hrefs)
    assert any(h.startswith("http://") for h in hrefs)
    _, next_hrefs = _crawl_category(shop, CATEGORIES[1])
    crosslisted = {_pid(h) for h in hrefs if "crosslist" in h}
    assert crosslisted and crosslisted <= {_pid(h) for h in next_hrefs}  # in two categories
    tracked = next(h for h in hrefs if "utm_source" in h)
    status, _, body = get(f"{shop.base_url}{tracked}")
    canonical = f'<link rel="canonical" href="{shop.base_url}/p/{_pid(tracked)}">'
    assert status == 200 and canonical.encode() in body
    assert get(f"{shop.base_url}/category/headphones?page={pages + 1}")[0] == 404
    assert get(f"{shop.base_url}/category/nope")[0] == 404
    assert get(f"{shop.base_url}/category/headphones?page=x")[0] == 404
    assert b"/category/headphones" in get(f"{shop.base_url}/")[2]


# ------------------------------------------------------------------ as a process


def test_module_entry_point_serves() -> None:
    cmd = [sys.executable, "-m", "priceradar.demo_shop", "--port", "0", "--padding", "20000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        base = line.rsplit(" ", 1)[1].strip()
        assert base.startswith("http://127.0.0.1:")
        assert get(f"{base}/healthz")[2] == b"ok"
        assert 15_000 < len(get(f"{base}/p/1")[2]) < 25_000
    finally:
        proc.terminate()
        proc.wait(timeout=10)
