"""`extract_product` as a whole: source precedence, bad and hostile pages, the public API."""

from __future__ import annotations

import random
import time
from decimal import Decimal

import pytest

from priceradar.demo_shop import FORMAT_IDS, PageFormat, ShopConfig, render_product_page
from priceradar.demo_shop import product as shop_product
from priceradar.domain.extraction import SiteRule, extract_product, parse_price_text
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from tests.domain.extraction.builders import (
    NO_PRICE,
    URL,
    fail,
    ld,
    md_offer,
    md_product,
    meta,
    offer,
    ok,
    page,
    product,
)

# --- precedence ------------------------------------------------------------------------------


def test_precedence_json_ld_then_microdata_then_meta_then_rule() -> None:
    og = meta("product:price:amount", "3")
    micro = md_product(md_offer('<meta itemprop="price" content="2">'))
    rule = SiteRule(price="b")
    rule_body = "<b>4</b>"

    assert ok(page(ld(product(offer("1"))) + og, micro + rule_body), rule).source == "json-ld"
    assert ok(page(og, micro + rule_body), rule).price == Decimal("2")
    assert ok(page(og, rule_body), rule).price == Decimal("3")
    assert ok(page(body=rule_body), rule).price == Decimal("4")


def test_invalid_json_ld_falls_back_to_microdata() -> None:
    micro = md_offer(
        '<meta itemprop="price" content="9.5"><meta itemprop="priceCurrency" content="USD">'
    )
    html = page(ld('{"@type": "Product", "offers": {"price": "9",}'), md_product(micro))

    result = ok(html)

    assert (result.price, result.source) == (Decimal("9.5"), "microdata")


def test_ambiguous_json_ld_stops_the_search() -> None:
    html = page(
        ld(product(offer("1"), name="A"), product(offer("2"), name="B")),
        meta("product:price:amount", "3"),
    )

    assert fail(html).ambiguous


# --- bad pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "reason"), [("", "empty page"), (b"", "empty page"), ("  \n ", "empty page")]
)
def test_empty_pages(html: str | bytes, reason: str) -> None:
    assert fail(html).reason == reason


def test_binary_garbage() -> None:
    garbage = bytes(random.Random(7).randrange(256) for _ in range(20_000))

    assert fail(garbage).reason == "not an HTML page (binary content)"


def test_no_price_anywhere_lists_every_source() -> None:
    result = fail(page("<title>About us</title>", "<p>Hello</p>"))

    assert result == ExtractionFailure(NO_PRICE)
    invalid = fail(page(ld("{oops")))
    assert invalid.reason.startswith(
        "no price: no JSON-LD Product (1 invalid JSON-LD block skipped)"
    )


def test_truncated_html() -> None:
    full = page(ld(product(offer("33"))), "<p>" * 50)

    assert ok(full[: full.index("</script>")]).price == Decimal("33")  # lexbor closes the script
    assert not fail(full[: full.index('"price"')]).ambiguous


@pytest.mark.parametrize(
    "junk",
    [
        "<div>" * 50_000,
        "<div>" * 20_000 + "</div>" * 20_000,  # balanced, but still 20k deep
        "<section><article>" * 5_000,
    ],
)
def test_pathological_nesting_is_refused_fast(junk: str) -> None:
    # lexbor needs seconds for 50k nested <div>s (quadratic); a 5 MB page would need minutes
    started = time.perf_counter()

    result = fail(page(body=junk))

    assert result.reason == "page too deeply nested to parse safely"
    assert time.perf_counter() - started < 0.5


def test_moderate_nesting_many_flat_tags_and_huge_attributes_still_extract() -> None:
    nested = "<div>" * 3_000 + "<span>" * 10_000
    flat = "<div><i></i></div>" * 20_000
    huge = meta("og:title", "A" * 3_000_000) + meta("product:price:amount", "7")

    assert fail(page(body=flat)).reason == NO_PRICE
    result = ok(page(huge, nested + flat))
    assert result.title == "A" * 500 and result.price == Decimal("7")


@pytest.mark.parametrize(
    "junk",
    [
        "\ud800<p>lone surrogate</p>",
        "<<<>>>&&&;;;</script></div>",
        "<script type='application/ld+json'>",
        "<div itemscope itemtype='https://schema.org/Product'><span itemprop='price'>",
        "<meta property='product:price:amount'>",
        '<meta charset="utf-8">' * 1000,
        "\x00" * 10 + "<html>" + "x" * 2000,
    ],
)
def test_junk_never_raises(junk: str) -> None:
    assert isinstance(extract_product(junk, URL), ExtractionFailure)


def test_hostile_title_is_kept_verbatim() -> None:
    title = '&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry\'s "Best" &#8364;5 ${x} %s'
    head = f"<title>{title}</title>" + meta("product:price:amount", "5")

    assert ok(page(head)).title == '<script>alert(1)</script> Tom & Jerry\'s "Best" €5 ${x} %s'


def test_windows_1254_page_via_meta_charset() -> None:
    html = (
        '<html><head><meta charset="windows-1254"><title>Şeker Ağaç Çay</title></head><body>'
        '<span class="p">1.299,99 TL</span></body></html>'
    ).encode("cp1254")

    result = ok(html, SiteRule(price="span.p"))

    assert (result.price, result.currency, result.title) == (
        Decimal("1299.99"),
        "TRY",
        "Şeker Ağaç Çay",
    )


def test_bytes_without_charset_are_utf8() -> None:
    html = page(ld(product(offer("5"), name="Göz Kremi"))).replace('<meta charset="utf-8">', "")

    assert ok(html.encode()).title == "Göz Kremi"


def test_parse_price_text_is_reexported() -> None:
    assert parse_price_text("1.299,99 TL") == (Decimal("1299.99"), "TRY")


# --- the demo shop ---------------------------------------------------------------------------


@pytest.mark.parametrize("page_format", list(PageFormat))
def test_every_demo_shop_format_yields_its_category(page_format: PageFormat) -> None:
    # Given a padded demo page (jsonld/jsonld_graph carry a BreadcrumbList, all an HTML trail)
    cfg = ShopConfig(page_padding_bytes=60_000)
    shop_id = FORMAT_IDS[page_format.value]
    rendered = render_product_page(cfg, shop_id, 0, base_url="http://127.0.0.1:8080")
    rule = SiteRule(price="span.price") if page_format is PageFormat.PLAIN else None

    # When it is extracted
    result = extract_product(rendered.body, f"http://127.0.0.1:8080/p/{shop_id}", rule)

    # Then price and title are what the shop served, and the category is the shop's own
    assert isinstance(result, ExtractedProduct), result
    assert result.price == rendered.price
    assert result.category == shop_product(cfg, shop_id).category
    assert (result.rating, result.review_count) == (None, None)  # the demo shop rates nothing
