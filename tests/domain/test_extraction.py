"""Page-level extraction: every JSON-LD/microdata/meta/rule shape, ambiguity and bad pages."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import pytest

from priceradar.domain.extraction import SiteRule, extract_product, parse_price_text
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure

URL = "https://shop.example/p/42"
IN_STOCK = "https://schema.org/InStock"
NO_PRICE = "no price: no JSON-LD Product, no microdata Product, no price meta, no site rule"


def page(head: str = "", body: str = "") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    )


def ld(*objects: Any) -> str:
    """JSON-LD script blocks; a str is inserted verbatim (for invalid or hand-written JSON)."""
    return "".join(
        f'<script type="application/ld+json">{o if isinstance(o, str) else json.dumps(o)}</script>'
        for o in objects
    )


def offer(price: Any = "1299.99", currency: str | None = "TRY", **extra: Any) -> dict[str, Any]:
    return {"@type": "Offer", "price": price, "priceCurrency": currency, **extra}


def product(offers: Any = None, name: str = "Espresso Machine", **extra: Any) -> dict[str, Any]:
    node = {"@context": "https://schema.org", "@type": "Product", "name": name, **extra}
    if offers is not None:
        node["offers"] = offers
    return node


def ok(html: str | bytes, rule: SiteRule | None = None) -> ExtractedProduct:
    result = extract_product(html, URL, rule)
    assert isinstance(result, ExtractedProduct), result
    assert result.price is None or isinstance(result.price, Decimal)
    return result


def fail(html: str | bytes, rule: SiteRule | None = None) -> ExtractionFailure:
    result = extract_product(html, URL, rule)
    assert isinstance(result, ExtractionFailure), result
    return result


# --- JSON-LD ---------------------------------------------------------------------------------


def test_json_ld_simple_product() -> None:
    html = page(ld(product(offer(availability=IN_STOCK), image="/img/espresso.jpg")))

    assert ok(html) == ExtractedProduct(
        price=Decimal("1299.99"),
        currency="TRY",
        in_stock=True,
        title="Espresso Machine",
        image_url="https://shop.example/img/espresso.jpg",
        source="json-ld",
    )


def test_json_ld_number_is_decimal_not_float() -> None:
    raw = '{"@type": "Product", "name": "X", "offers": {"price": 1299.99, "priceCurrency": "USD"}}'

    result = ok(page(ld(raw)))

    assert result.price == Decimal("1299.99")
    assert str(result.price) == "1299.99"  # a float would have leaked 1299.9900000000000091...


@pytest.mark.parametrize(
    ("raw_price", "currency", "expected", "expected_currency"),
    [
        ("1299.99", "TRY", "1299.99", "TRY"),
        ("1.299,99", "TRY", "1299.99", "TRY"),
        ("1,299.99", "USD", "1299.99", "USD"),
        ("1.299,99 TL", None, "1299.99", "TRY"),
        ("₺1.299", None, "1299", "TRY"),
        ("12.50", "eur", "12.50", "EUR"),
        ("99", "TL", "99", "TRY"),  # symbol in priceCurrency is normalised
        ("99", "XX1", "99", None),  # garbage currency is dropped, not invented
        (49, "GBP", "49", "GBP"),
        ("12.345678", "USD", "12.3457", "USD"),
    ],
)
def test_json_ld_price_formats(
    raw_price: Any, currency: str | None, expected: str, expected_currency: str | None
) -> None:
    result = ok(page(ld(product(offer(raw_price, currency)))))

    assert (result.price, result.currency) == (Decimal(expected), expected_currency)


def test_json_ld_graph() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Shop"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            product(offer("59.90", "EUR")),
        ],
    }

    assert ok(page(ld(graph))).price == Decimal("59.90")


def test_json_ld_top_level_list_and_type_list() -> None:
    node = product(offer("10", "USD"))
    node["@type"] = ["Product", "Thing"]

    result = ok(page(ld([{"@type": "Organization", "name": "Shop"}, node])))

    assert (result.price, result.currency) == (Decimal("10"), "USD")


def test_json_ld_full_type_url_and_main_entity() -> None:
    node = product(offer("15", "USD"))
    node["@type"] = "http://schema.org/Product"

    assert ok(page(ld({"@type": "ItemPage", "mainEntity": node}))).price == Decimal("15")


def test_json_ld_several_blocks_one_invalid_is_skipped() -> None:
    html = page(ld('{"@type": "Product", "name": broken', product(offer("20", "EUR"))))

    assert ok(html).price == Decimal("20")


@pytest.mark.parametrize(
    "wrapped",
    [
        "<!-- {json} -->",
        "<![CDATA[ {json} ]]>",
        "//<![CDATA[\n{json}\n//]]>",
        "\n\n  {json};\n",
    ],
)
def test_json_ld_wrappers_are_tolerated(wrapped: str) -> None:
    html = page(ld(wrapped.replace("{json}", json.dumps(product(offer("7.5", "USD"))))))

    assert ok(html).price == Decimal("7.5")


def test_json_ld_offers_list_with_same_price() -> None:
    offers = [offer("100", availability=IN_STOCK), offer("100.00", availability="OutOfStock")]

    result = ok(page(ld(product(offers))))

    assert (result.price, result.in_stock) == (Decimal("100"), True)  # one seller has it


def test_json_ld_offers_list_with_different_prices_is_ambiguous() -> None:
    result = fail(page(ld(product([offer("100"), offer("120")]))))

    assert result.ambiguous
    assert result.reason.startswith("ambiguous: several different prices")
    assert "100" in result.reason and "120" in result.reason


def test_json_ld_aggregate_offer_uses_low_price() -> None:
    agg = {
        "@type": "AggregateOffer",
        "lowPrice": "89.90",
        "highPrice": "129.90",
        "priceCurrency": "TRY",
    }

    result = ok(page(ld(product(agg))))

    assert (result.price, result.currency) == (Decimal("89.90"), "TRY")


def test_json_ld_aggregate_offer_falls_back_to_price_then_inner_offers() -> None:
    with_price = {"@type": "AggregateOffer", "price": "75", "priceCurrency": "EUR"}
    inner_only = {"@type": "AggregateOffer", "offers": [offer("30", "EUR"), offer("25", "EUR")]}

    assert ok(page(ld(product(with_price)))).price == Decimal("75")
    assert ok(page(ld(product(inner_only)))).price == Decimal("25")


@pytest.mark.parametrize(
    "spec",
    [
        {"@type": "UnitPriceSpecification", "price": "44.50", "priceCurrency": "EUR"},
        [{"@type": "UnitPriceSpecification", "price": 44.50, "priceCurrency": "EUR"}],
    ],
)
def test_json_ld_price_specification_fallback(spec: Any) -> None:
    node = product({"@type": "Offer", "priceSpecification": spec})

    result = ok(page(ld(node)))

    assert (result.price, result.currency) == (Decimal("44.50"), "EUR")


@pytest.mark.parametrize(
    ("availability", "in_stock"),
    [
        ("https://schema.org/InStock", True),
        ("http://schema.org/OutOfStock", False),
        ("InStock", True),
        ("SoldOut", False),
        ("Discontinued", False),
        ("PreOrder", True),
        ("BackOrder", True),
        ("LimitedAvailability", True),
        ("https://schema.org/OutOfStock", False),
        ("SomethingNew", None),
        (None, None),
    ],
)
def test_json_ld_availability(availability: str | None, in_stock: bool | None) -> None:
    assert ok(page(ld(product(offer(availability=availability))))).in_stock is in_stock


def test_json_ld_out_of_stock_without_price_is_a_valid_outcome() -> None:
    node = product({"@type": "Offer", "availability": "https://schema.org/OutOfStock"})

    assert ok(page(ld(node))) == ExtractedProduct(
        price=None, currency=None, in_stock=False, title="Espresso Machine", image_url=None,
        source="json-ld",
    )  # fmt: skip


def test_json_ld_in_stock_without_price_is_a_failure() -> None:
    result = fail(page(ld(product({"@type": "Offer", "availability": IN_STOCK}))))

    assert "json-ld product without price" in result.reason
    assert not result.ambiguous


def test_json_ld_two_products_with_different_prices_is_ambiguous() -> None:
    html = page(ld(product(offer("10"), name="A"), product(offer("12"), name="B")))

    result = fail(html)

    assert result.ambiguous
    assert "across json-ld products" in result.reason


def test_json_ld_same_product_twice_is_not_ambiguous() -> None:
    node = product(offer("10"))

    assert ok(page(ld(node, node))).price == Decimal("10")


def test_json_ld_same_amount_in_two_currencies_is_ambiguous() -> None:
    html = page(ld(product(offer("10", "USD")), product(offer("10", "EUR"))))

    assert fail(html).ambiguous


def test_json_ld_product_group_variants() -> None:
    def group(*prices: str) -> dict[str, Any]:
        variants = [product(offer(p), name=f"Size {i}") for i, p in enumerate(prices)]
        return {"@type": "ProductGroup", "name": "Shirt", "image": "s.jpg", "hasVariant": variants}

    assert ok(page(ld(group("25", "25")))).price == Decimal("25")
    assert fail(page(ld(group("25", "30")))).ambiguous
    with_own_offer = group("25", "30") | {"offers": offer("19.99")}
    assert ok(page(ld(with_own_offer))).price == Decimal("19.99")  # the group's own price wins


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
        (["/a.jpg", "/b.jpg"], "https://shop.example/a.jpg"),
        ({"@type": "ImageObject", "url": "https://cdn.example/c.jpg"}, "https://cdn.example/c.jpg"),
        (
            [{"@type": "ImageObject", "contentUrl": "//cdn.example/d.jpg"}],
            "https://cdn.example/d.jpg",
        ),
        ("data:image/gif;base64,R0lGOD", None),
    ],
)
def test_json_ld_image_shapes(image: Any, expected: str | None) -> None:
    assert ok(page(ld(product(offer(), image=image)))).image_url == expected


def test_json_ld_title_entities_are_decoded() -> None:
    result = ok(page(ld(product(offer(), name="  Tom &amp; Jerry\n  <Deluxe>  "))))

    assert result.title == "Tom & Jerry <Deluxe>"


@pytest.mark.parametrize(
    ("raw_price", "shown"),
    [("0", "'0'"), ("-5", "'-5'"), ("1e12", "'1e12'"), ("Call for price", "'Call for price'")],
)
def test_json_ld_unusable_prices_fail_with_reason(raw_price: str, shown: str) -> None:
    result = fail(page(ld(product(offer(raw_price)))))

    assert f"json-ld price unusable ({shown})" in result.reason


@pytest.mark.parametrize(
    "raw",
    [
        '{"@type": "Product", "name": "X", "offers": {"price": NaN}}',
        '{"@type": "Product", "name": "X", "offers": {"price": Infinity}}',
        '{"@type": "Product", "name": "X", "offers": {"price": true}}',
        '{"@type": "Product", "name": "X", "offers": {"price": 1' + "0" * 5000 + "}}",
        '{"@type": "Product", "name": "X", "offers": "cheap"}',
        '{"@type": 42, "offers": {"price": 3}}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_json_ld_hostile_values_do_not_raise(raw: str) -> None:
    result = fail(page(ld(raw)))

    assert not result.ambiguous


# --- microdata -------------------------------------------------------------------------------


def md_product(inner: str, itemtype: str = "https://schema.org/Product") -> str:
    return f'<div itemscope itemtype="{itemtype}">{inner}</div>'


def md_offer(inner: str, itemtype: str = "https://schema.org/Offer") -> str:
    return f'<div itemprop="offers" itemscope itemtype="{itemtype}">{inner}</div>'


def test_microdata_content_attribute_beats_text() -> None:
    body = md_product(
        '<h1 itemprop="name">Kettle</h1><img itemprop="image" src="/k.jpg">'
        + md_offer(
            '<span itemprop="price" content="1299.99">1.299,99 TL</span>'
            '<meta itemprop="priceCurrency" content="TRY">'
            '<link itemprop="availability" href="https://schema.org/InStock">'
        )
    )

    assert ok(page(body=body)) == ExtractedProduct(
        price=Decimal("1299.99"), currency="TRY", in_stock=True, title="Kettle",
        image_url="https://shop.example/k.jpg", source="microdata",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("price_html", "expected", "currency"),
    [
        ('<span itemprop="price">1.299,99 TL</span>', "1299.99", "TRY"),
        ('<span itemprop="price">₺1.299</span>', "1299", "TRY"),
        ('<span itemprop="price">1.299<sup>,99</sup> €</span>', "1299.99", "EUR"),
        ('<span itemprop="price">$ 24.00</span>', "24.00", "USD"),
        ('<meta itemprop="price" content="24.5">', "24.5", None),
    ],
)
def test_microdata_text_prices(price_html: str, expected: str, currency: str | None) -> None:
    result = ok(page(body=md_product(md_offer(price_html))))

    assert (result.price, result.currency) == (Decimal(expected), currency)


def test_microdata_price_directly_on_product_and_text_availability() -> None:
    body = md_product(
        '<span itemprop="name">Lamp</span><span itemprop="price">19,90</span>'
        '<span itemprop="priceCurrency">EUR</span><span itemprop="availability">Out of stock</span>'
    )

    result = ok(page(body=body))

    assert (result.price, result.currency, result.in_stock) == (Decimal("19.90"), "EUR", False)


def test_microdata_two_products_with_different_prices_is_ambiguous() -> None:
    body = md_product(md_offer('<meta itemprop="price" content="10">')) + md_product(
        md_offer('<meta itemprop="price" content="11">')
    )

    result = fail(page(body=body))

    assert result.ambiguous and "microdata" in result.reason


def test_microdata_nested_related_product_and_review_are_ignored() -> None:
    related = md_product('<span itemprop="name">Filter</span><meta itemprop="price" content="5">')
    review = (
        '<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
        '<span itemprop="name">Great buy</span></div>'
    )
    body = md_product(
        review
        + '<span itemprop="name">Kettle</span>'
        + md_offer('<meta itemprop="price" content="80">')
        + f'<div itemprop="isRelatedTo">{related}</div>'
    )

    result = ok(page(body=body))

    assert (result.price, result.title) == (Decimal("80"), "Kettle")


def test_microdata_aggregate_offer_and_price_specification() -> None:
    agg = md_offer(
        '<meta itemprop="lowPrice" content="15"><meta itemprop="highPrice" content="30">',
        itemtype="https://schema.org/AggregateOffer",
    )
    spec = md_offer(
        '<div itemprop="priceSpecification" itemscope itemtype="https://schema.org/PriceSpecification">'
        '<meta itemprop="price" content="42"><meta itemprop="priceCurrency" content="GBP"></div>'
    )

    assert ok(page(body=md_product(agg))).price == Decimal("15")
    assert (ok(page(body=md_product(spec))).price, ok(page(body=md_product(spec))).currency) == (
        Decimal("42"),
        "GBP",
    )


def test_microdata_out_of_stock_without_price() -> None:
    body = md_product(md_offer('<link itemprop="availability" href="http://schema.org/SoldOut">'))

    result = ok(page(body=body))

    assert (result.price, result.in_stock, result.source) == (None, False, "microdata")


# --- OpenGraph / product meta ----------------------------------------------------------------


def meta(prop: str, content: str, attr: str = "property") -> str:
    return f'<meta {attr}="{prop}" content="{content}">'


def test_opengraph_product_price() -> None:
    head = (
        meta("og:title", "Desk Lamp")
        + meta("og:image", "/lamp.jpg")
        + meta("product:price:amount", "249.00")
        + meta("product:price:currency", "TRY")
        + meta("product:availability", "instock")
    )

    assert ok(page(head)) == ExtractedProduct(
        price=Decimal("249.00"), currency="TRY", in_stock=True, title="Desk Lamp",
        image_url="https://shop.example/lamp.jpg", source="opengraph",
    )  # fmt: skip


def test_opengraph_og_price_with_name_attribute_and_title_tag() -> None:
    head = (
        "<title> Lamp | Shop </title>"
        + meta("og:price:amount", "1.299,99", attr="name")
        + meta("og:price:currency", "eur", attr="name")
    )

    result = ok(page(head))

    assert (result.price, result.currency, result.title) == (
        Decimal("1299.99"),
        "EUR",
        "Lamp | Shop",
    )


@pytest.mark.parametrize(
    ("availability", "in_stock"),
    [
        ("instock", True),
        ("in stock", True),
        ("oos", False),
        ("out of stock", False),
        ("available for order", True),
        ("preorder", True),
    ],
)
def test_opengraph_availability(availability: str, in_stock: bool) -> None:
    head = meta("product:price:amount", "10") + meta("og:availability", availability)

    assert ok(page(head)).in_stock is in_stock


def test_opengraph_out_of_stock_without_price() -> None:
    result = ok(page(meta("og:title", "Lamp") + meta("product:availability", "out of stock")))

    assert (result.price, result.in_stock, result.title) == (None, False, "Lamp")


def test_opengraph_different_amounts_are_ambiguous() -> None:
    head = meta("product:price:amount", "10") + meta("og:price:amount", "12")

    assert fail(page(head)).ambiguous


# --- site rules ------------------------------------------------------------------------------

RULE_BODY = (
    '<h1 class="name">  Çay Süzgeci  </h1><img class="main" data-src="/c.jpg">'
    '<div class="price"><span>1.299</span><sup>,90</sup> TL</div>'
    '<div class="stock">Tükendi</div>'
)


def test_css_rule_with_all_fields() -> None:
    rule = SiteRule(price="div.price", title="h1.name", availability="div.stock", image="img.main")

    assert ok(page(body=RULE_BODY), rule) == ExtractedProduct(
        price=Decimal("1299.90"), currency="TRY", in_stock=False, title="Çay Süzgeci",
        image_url="https://shop.example/c.jpg", source="rule",
    )  # fmt: skip


@pytest.mark.parametrize(
    "price_selector",
    [
        "xpath://div[@class='price']",
        "xpath:string(//div[@class='price'])",
        "xpath://div[@class='price']//text()",  # first text node: "1.299"
    ],
)
def test_xpath_rule(price_selector: str) -> None:
    rule = SiteRule(price=price_selector, title="xpath://h1", currency="TRY")

    result = ok(page(body=RULE_BODY), rule)

    assert result.price in (Decimal("1299.90"), Decimal("1299"))
    assert (result.currency, result.title, result.in_stock) == ("TRY", "Çay Süzgeci", None)


def test_xpath_rule_attribute_results() -> None:
    body = '<meta itemprop="price" content="12.5"><img class="m" data-src="/a.jpg">'
    rule = SiteRule(
        price="xpath://meta[@itemprop='price']/@content",
        image="xpath://img[@class='m']/@data-src",
        currency="EUR",
    )

    result = ok(page(body=body), rule)

    assert (result.price, result.currency, result.image_url) == (
        Decimal("12.5"),
        "EUR",
        "https://shop.example/a.jpg",
    )


def test_lxml_is_imported_only_for_xpath_rules() -> None:
    code = (
        "import sys\n"
        "from priceradar.domain.extraction import SiteRule, extract_product\n"
        "extract_product('<b>1</b>', 'https://x/', SiteRule(price='b'))\n"
        "before = 'lxml' in sys.modules\n"
        "extract_product('<b>1</b>', 'https://x/', SiteRule(price='xpath://b'))\n"
        "print(before, 'lxml' in sys.modules)\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.split() == ["False", "True"]


def test_rule_fixed_currency_applies_only_without_symbol() -> None:
    body = '<b class="p">45,00</b><i class="q">€45,00</i>'

    assert ok(page(body=body), SiteRule(price="b.p", currency="TRY")).currency == "TRY"
    assert ok(page(body=body), SiteRule(price="i.q", currency="TRY")).currency == "EUR"


def test_rule_content_attribute_and_in_stock_text() -> None:
    body = '<meta class="pr" content="19.99"><p class="st">In stock, ships today</p>'
    rule = SiteRule(price="meta.pr", availability="p.st", currency="USD")

    result = ok(page("<title>T</title>" + meta("og:image", "https://cdn/x.jpg"), body), rule)

    assert (result.price, result.in_stock, result.title) == (Decimal("19.99"), True, "T")
    assert result.image_url == "https://cdn/x.jpg"


def test_rule_sold_out_in_price_slot_is_out_of_stock() -> None:
    result = ok(page(body='<div class="price">Sold out</div>'), SiteRule(price="div.price"))

    assert (result.price, result.in_stock) == (None, False)


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (SiteRule(price=".missing"), "site rule matched nothing"),
        (
            SiteRule(price="div.price", availability="div.stock", out_of_stock_pattern="("),
            "site rule error",
        ),
        (SiteRule(price="div[["), "site rule error: SelectolaxError"),
        (SiteRule(price="xpath://div[@class="), "site rule error: XPathEvalError"),
        (SiteRule(price="div.call"), "rule price unusable ('Call for price')"),
    ],
)
def test_rule_failures(rule: SiteRule, reason: str) -> None:
    body = '<div class="price">12</div><div class="call">Call for price</div>'

    result = fail(page(body=body), rule)

    assert reason in result.reason and not result.ambiguous


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
