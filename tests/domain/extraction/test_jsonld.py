"""JSON-LD: every Product/Offer shape, ambiguity across products and offers, hostile values."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from priceradar.domain.outcome import ExtractedProduct
from tests.domain.extraction.builders import IN_STOCK, fail, ld, offer, ok, page, product


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


def test_json_ld_offers_list_with_different_prices_is_a_range() -> None:
    result = ok(page(ld(product([offer("120"), offer("100")]))))

    assert (result.price, result.price_high, result.variant_rule) == (
        Decimal("100"),
        Decimal("120"),
        "price range",
    )


def test_json_ld_offers_in_different_currencies_stay_ambiguous() -> None:
    result = fail(page(ld(product([offer("100", "EUR"), offer("120", "USD")]))))

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
    ranged = ok(page(ld(group("30", "25"))))
    assert (ranged.price, ranged.price_high) == (Decimal("25"), Decimal("30"))
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


# --- rating, review count and category ------------------------------------------------------


@pytest.mark.parametrize(
    ("aggregate_rating", "rating", "review_count"),
    [
        ({"@type": "AggregateRating", "ratingValue": "4.6", "reviewCount": "89"}, 4.6, 89),
        ({"ratingValue": 8, "bestRating": 10, "worstRating": 1, "ratingCount": 12}, 4.0, 12),
        ({"ratingValue": "4,5", "reviewCount": "1.234"}, 4.5, 1234),
        ({"ratingValue": "excellent", "reviewCount": 3}, None, 3),
        ({"ratingValue": 4.4}, 4.4, None),  # a JSON number, read as Decimal like prices
        ({"ratingValue": 0, "reviewCount": 0}, None, 0),  # "no reviews yet" is no rating
        ([{"ratingValue": "3.9", "ratingCount": 7}, {"ratingValue": 1}], 3.9, 7),
        ("4.5 stars", None, None),
        (None, None, None),
    ],
)
def test_json_ld_aggregate_rating(
    aggregate_rating: Any, rating: float | None, review_count: int | None
) -> None:
    extra = {} if aggregate_rating is None else {"aggregateRating": aggregate_rating}

    result = ok(page(ld(product(offer(), **extra))))

    assert (result.rating, result.review_count) == (rating, review_count)
    assert result.price == Decimal("1299.99")  # extras never change the price


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("Coffee Machines", "Coffee Machines"),
        ("  Home &amp; Kitchen\n", "Home & Kitchen"),
        (["Home", "Kitchen", "Espresso"], "Espresso"),  # a list: its most specific entry
        (["Kitchen", ""], "Kitchen"),
        ({"@type": "Thing", "name": "Espresso"}, "Espresso"),
        ([{"@type": "CategoryCode", "name": "Espresso"}], "Espresso"),
        ("Home & Garden > Kitchen > Coffee", "Coffee"),
        (2271, None),  # Google taxonomy id
        ({"@id": "https://shop.example/c/7"}, None),
    ],
)
def test_json_ld_product_category(category: Any, expected: str | None) -> None:
    assert ok(page(ld(product(offer(), category=category)))).category == expected


def test_json_ld_product_group_variants_share_the_group_extras() -> None:
    variants = [product(offer("25"), name=f"Size {s}") for s in "SM"]
    group = {
        "@type": "ProductGroup",
        "name": "Shirt",
        "category": "Shirts",
        "aggregateRating": {"ratingValue": "4.1", "reviewCount": 52},
        "hasVariant": variants,
    }

    result = ok(page(ld(group)))

    assert (result.price, result.rating, result.review_count, result.category) == (
        Decimal("25"),
        4.1,
        52,
        "Shirts",
    )


def test_json_ld_rating_from_a_review_widget_product_of_the_same_name() -> None:
    # Shopify/WooCommerce review apps print a second Product carrying only the rating.
    rating = {"ratingValue": "4.8", "reviewCount": "126"}
    widget = {"@type": "Product", "name": "ESPRESSO MACHINE", "aggregateRating": rating}
    related = {"@type": "Product", "name": "Milk Jug", "aggregateRating": {"ratingValue": 2}}

    assert ok(page(ld(product(offer()), widget))).rating == 4.8
    assert ok(page(ld(product(offer()), related))).rating is None


def test_json_ld_different_ratings_never_make_a_page_ambiguous() -> None:
    first = product(offer("10"), aggregateRating={"ratingValue": 5, "reviewCount": 1})
    second = product(offer("10"), aggregateRating={"ratingValue": 1, "reviewCount": 9})

    result = ok(page(ld(first, second)))

    assert (result.price, result.rating, result.review_count) == (Decimal("10"), 5.0, 1)


@pytest.mark.parametrize(
    "extras",
    [
        {"aggregateRating": {"ratingValue": 1e308, "bestRating": "1e999999999"}},
        {"aggregateRating": {"ratingValue": "1e-999999999", "worstRating": -1e300}},
        {"aggregateRating": {"reviewCount": 10**400, "ratingCount": -1}},
        {"aggregateRating": [[{"ratingValue": 4}]], "category": [[["x"]]]},
        {"category": {"name": {"name": "x"}}, "aggregateRating": {"ratingValue": {"@value": 4}}},
        {"category": "&#xD800;" * 10_000},
    ],
)
def test_json_ld_hostile_extras_never_cost_the_price(extras: dict[str, Any]) -> None:
    result = ok(page(ld(json.dumps(product(offer(), **extras)))))

    assert result.price == Decimal("1299.99")


def test_json_ld_capitalised_offers_key() -> None:
    node = {"@context": "https://schema.org", "@type": ["Product", "SubType"], "name": "Lamp",
            "Offers": {"@type": "Offer", "price": 121.95, "priceCurrency": "EUR"}}  # fmt: skip

    assert ok(page(ld(node))).price == Decimal("121.95")


def test_json_ld_quantity_tiers_take_the_single_piece_price() -> None:
    tiers = [
        offer("24.90", "EUR", eligibleQuantity={"minValue": 1}),
        offer("21.50", "EUR", eligibleQuantity={"minValue": 10}),
    ]

    result = ok(page(ld(product(tiers))))

    assert (result.price, result.price_high) == (Decimal("24.90"), None)
