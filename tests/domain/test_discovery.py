from __future__ import annotations

import gzip
import time

import pytest

from priceradar.domain.discovery import (
    MAX_SITEMAP_BYTES,
    DiscoverySource,
    DocumentError,
    parse_listing,
    parse_robots_sitemaps,
    parse_sitemap,
    parse_sources_setting,
    select_new,
)

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def urlset(*locs: str, ns: str = NS) -> bytes:
    entries = "".join(f"<url>\n  <loc>\n    {loc}\n  </loc>\n</url>\n" for loc in locs)
    return f"{HEAD}<urlset {ns}>\n{entries}</urlset>\n".encode()


# ---------------------------------------------------------------- sitemaps


def test_urlset_locs_in_order_with_whitespace_trimmed() -> None:
    page = parse_sitemap(urlset("https://s.example/p/1", "https://s.example/p/2?x=1&amp;y=2"))
    assert page.urls == ["https://s.example/p/1", "https://s.example/p/2?x=1&y=2"]
    assert page.sitemaps == []


def test_sitemap_index_gives_child_sitemaps() -> None:
    body = (
        f"{HEAD}<sitemapindex {NS}>"
        "<sitemap><loc>https://s.example/sm-1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>"
        "<sitemap><loc>https://s.example/sm-2.xml.gz</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    page = parse_sitemap(body)
    assert page.sitemaps == ["https://s.example/sm-1.xml", "https://s.example/sm-2.xml.gz"]
    assert page.urls == []


@pytest.mark.parametrize(
    "ns",
    ["", NS, 'xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"', 'xmlns="urn:other"'],
    ids=["no-namespace", "sitemaps-org", "prefixed", "other-namespace"],
)
def test_namespace_is_optional(ns: str) -> None:
    if ns.startswith("xmlns:sm"):
        body = f"<sm:urlset {ns}><sm:url><sm:loc>https://s.example/p/1</sm:loc></sm:url>"
        body += "</sm:urlset>"
        assert parse_sitemap(body.encode()).urls == ["https://s.example/p/1"]
    else:
        assert parse_sitemap(urlset("https://s.example/p/1", ns=ns)).urls == [
            "https://s.example/p/1"
        ]


def test_extension_locs_are_not_products() -> None:
    body = (
        f'<urlset {NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        "<url><loc>https://s.example/p/1</loc>"
        "<image:image><image:loc>https://cdn.example/1.jpg</image:loc></image:image></url>"
        "</urlset>"
    ).encode()
    assert parse_sitemap(body).urls == ["https://s.example/p/1"]


def test_gzip_sitemap_and_concatenated_members() -> None:
    first = gzip.compress(urlset("https://s.example/p/1"))
    assert parse_sitemap(first).urls == ["https://s.example/p/1"]
    split = urlset("https://s.example/p/1", "https://s.example/p/2")
    two_members = gzip.compress(split[:50]) + gzip.compress(split[50:])
    assert parse_sitemap(two_members).urls == ["https://s.example/p/1", "https://s.example/p/2"]


def test_large_gzip_sitemap_parses_fast() -> None:
    # Given the protocol's maximum of 50,000 URLs in one gzip file
    locs = [f"https://s.example/p/{i}" for i in range(50_000)]
    body = gzip.compress(urlset(*locs))
    # When it is parsed, Then every URL is there, in well under a second
    started = time.monotonic()
    assert parse_sitemap(body).urls == locs
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<urlset><url><loc>&lol2;</loc></url></urlset>",
        b'<!DOCTYPE urlset SYSTEM "file:///etc/passwd"><urlset/>',
        b'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>&xxe;</loc></url></urlset>",
        b"<!DOCTYPE html><html><body>Not found</body></html>",
    ],
    ids=["billion-laughs", "external-dtd", "external-entity", "html-page"],
)
def test_doctype_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(DocumentError, match="DOCTYPE"):
        parse_sitemap(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (urlset("https://s.example/p/1")[:-20], "not well-formed"),
        (b"", "not well-formed"),
        (b"<urlset><url><loc>x</url></urlset>", "not well-formed"),
        (b"<rss><channel/></rss>", "root element is <rss>"),
        (b"User-agent: *\n", "not well-formed"),
        (gzip.compress(urlset("https://s.example/p/1"))[:-12], "truncated"),
        (b"\x1f\x8b\x08\x00garbage-not-deflate", "corrupt gzip"),
    ],
    ids=["truncated", "empty", "mismatched", "rss", "text", "truncated-gzip", "corrupt-gzip"],
)
def test_broken_sitemaps_raise_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_sitemap(body)


def test_gzip_bomb_is_refused_at_the_decompressed_cap() -> None:
    # Given ~60 MB of valid XML whitespace that compresses to ~60 KB
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_SITEMAP_BYTES + 10_000_000), compresslevel=9)
    assert len(bomb) < 1_000_000
    # Then it is refused once 50 MB are inflated, not held in memory whole
    with pytest.raises(DocumentError, match="zip bomb"):
        parse_sitemap(bomb)


def test_plain_body_over_the_cap_is_refused() -> None:
    with pytest.raises(DocumentError, match="larger than 100 bytes"):
        parse_sitemap(urlset(*[f"https://s.example/p/{i}" for i in range(10)]), max_bytes=100)


def test_robots_txt_sitemap_lines() -> None:
    body = b"User-agent: *\nDisallow: /cart\nSitemap: https://s.example/sitemap.xml\n"
    body += b"sitemap:https://s.example/news.xml\n"
    assert parse_robots_sitemaps(body).sitemaps == [
        "https://s.example/sitemap.xml",
        "https://s.example/news.xml",
    ]


# ---------------------------------------------------------------- listing pages

LISTING = b"""<!DOCTYPE html><html><head>
<link rel="canonical" href="https://s.example/category/phones?page=2">
<link rel="prev" href="/category/phones?page=1">
<link rel="next" href="/category/phones?page=3">
</head><body>
<a href="/p/1">One</a><a href="/p/1">One again</a>
<a href="/p/2#reviews">Two</a>
<a href="https://s.example/p/3?utm_source=newsletter&amp;utm_campaign=x">Three</a>
<a href="p/4">Relative to the page</a>
<a href="/about">About</a><a href="mailto:x@s.example">Mail</a><a href="javascript:void(0)">js</a>
<a href="/p/2?color=red">Two in red</a>
</body></html>"""


def test_listing_links_resolved_canonical_and_deduplicated() -> None:
    page = parse_listing(LISTING, "https://s.example/category/phones?page=2")
    assert page.product_urls == [
        "https://s.example/p/1",
        "https://s.example/p/2",
        "https://s.example/p/3",
        "https://s.example/category/p/4",
        "https://s.example/p/2?color=red",
    ]
    assert page.next_url == "https://s.example/category/phones?page=3"


def test_listing_without_next_and_with_base_href() -> None:
    html = b'<html><head><base href="https://cdn.s.example/shop/"></head><body>'
    html += b'<a href="product/9">x</a><a rel="nofollow next" href="?page=2">more</a></body></html>'
    page = parse_listing(html, "https://s.example/")
    assert page.product_urls == ["https://cdn.s.example/shop/product/9"]
    assert page.next_url == "https://cdn.s.example/shop/?page=2"
    assert parse_listing(b"<a href='/p/1'>x</a>", "https://s.example/").next_url is None


def test_listing_pattern_is_configurable() -> None:
    # Matched against the canonical path and query: tracking parameters are gone by then.
    page = parse_listing(LISTING, "https://s.example/", pattern=r"^/p/\d+$")
    assert page.product_urls == [f"https://s.example/p/{i}" for i in (1, 2, 3, 4)]


def test_listing_too_deeply_nested_is_refused() -> None:
    with pytest.raises(DocumentError, match="nested"):
        parse_listing(b"<div>" * 20_000 + b"<a href='/p/1'>x</a>", "https://s.example/")


# ---------------------------------------------------------------- choosing URLs


def test_select_new_canonicalizes_dedupes_and_caps() -> None:
    urls = [
        "https://S.example/p/1?utm_source=x",
        "https://s.example/p/1#top",
        "not a url",
        "https://s.example/blog/1",
        "https://s.example/p/2",
        "https://s.example/p/3",
    ]
    assert select_new(urls, r"/p/", cap=2) == ["https://s.example/p/1", "https://s.example/p/2"]
    assert select_new(urls, r"/p/", cap=None) == [
        "https://s.example/p/1",
        "https://s.example/p/2",
        "https://s.example/p/3",
    ]


def test_select_new_keeps_the_sources_site_only() -> None:
    urls = ["https://www.s.example/p/1", "https://s.example/p/2", "https://ads.example/p/3"]
    assert select_new(urls, r"/p/", cap=None, host="s.example") == [
        "https://www.s.example/p/1",
        "https://s.example/p/2",
    ]


# ---------------------------------------------------------------- sources


def test_source_validation() -> None:
    DiscoverySource("https://s.example/sitemap.xml", "sitemap")
    with pytest.raises(ValueError, match="regex"):
        DiscoverySource("https://s.example/", "listing", product_url_pattern="(")
    with pytest.raises(ValueError, match="at least 1"):
        DiscoverySource("https://s.example/", "listing", max_products=0)
    with pytest.raises(ValueError, match="only http"):
        DiscoverySource("ftp://s.example/", "listing")


def test_sources_setting_parsing() -> None:
    assert parse_sources_setting("  ") == []
    assert parse_sources_setting('[{"url": "https://s.example/", "kind": "listing"}]') == [
        {"url": "https://s.example/", "kind": "listing"}
    ]
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_sources_setting('[{"url": ')
    with pytest.raises(ValueError, match="unknown keys \\['max_product'\\]"):
        parse_sources_setting('[{"url": "https://s.example/", "max_product": 5}]')
