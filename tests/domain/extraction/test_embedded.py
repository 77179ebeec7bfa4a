"""Embedded state recognizers: framework states and shop platforms, each on a minimal page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from priceradar.domain.extraction import extract_product
from priceradar.domain.extraction.state import assigned_states, devalue, read_states
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from tests.domain.extraction.builders import page

URL = "https://shop.example/p/espresso-machine"


def got(html: str, url: str = URL) -> ExtractedProduct:
    result = extract_product(html, url)
    assert isinstance(result, ExtractedProduct), result
    assert result.source == "embedded-state"
    return result


def script(body: str, **attrs: str) -> str:
    rendered = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<script{rendered}>{body}</script>"


PRODUCT = {"name": "Espresso Machine", "price": 249.9, "currency": "EUR", "sku": "EM-1"}
RELATED = {"name": "Milk Jug", "price": 19.9, "currency": "EUR", "sku": "MJ-2"}


def test_next_data_main_product_named_like_the_h1() -> None:
    state = {"props": {"pageProps": {"product": PRODUCT, "related": [RELATED, RELATED]}}}
    body = "<h1>Espresso Machine</h1>" + script(
        json.dumps(state), id="__NEXT_DATA__", type="application/json"
    )

    result = got(page(body=body))

    assert (result.price, result.currency, result.title) == (
        Decimal("249.9"), "EUR", "Espresso Machine"
    )  # fmt: skip


def test_state_with_several_unnamed_products_is_not_guessed() -> None:
    state = {"products": [PRODUCT, RELATED]}
    body = "<h1>Something else</h1>" + script(f"window.__INITIAL_STATE__ = {json.dumps(state)};")

    result = extract_product(page(body=body), URL)

    assert isinstance(result, ExtractionFailure)
    assert "no product in embedded state (initial-state)" in result.reason


@pytest.mark.parametrize(
    "assignment",
    [
        "window.__INITIAL_STATE__ = {};",
        "window.__PRELOADED_STATE__={};",
        "window.__APOLLO_STATE__ = {};",
        "window.__NUXT__ = {};",
        'window.__INITIAL_STATE__ = JSON.parse("{}");',
    ],
)
def test_assigned_states(assignment: str) -> None:
    data = json.dumps({"product": PRODUCT})
    text = assignment.replace(
        "{}", data if "JSON.parse" not in assignment else json.dumps(data)[1:-1]
    )

    states = list(assigned_states(text))

    assert [s.data["product"]["sku"] for s in states] == ["EM-1"]


def test_apollo_state_product_by_sku_in_url() -> None:
    cache = {"Product:1": PRODUCT, "Product:2": RELATED, "ROOT_QUERY": {"x": 1}}
    body = script(f"window.__APOLLO_STATE__ = {json.dumps(cache)}")

    result = got(page(body=body), "https://shop.example/p/MJ-2")

    assert result.price == Decimal("19.9")


def test_nuxt_data_devalue_format() -> None:
    table: list[Any] = [
        {"data": 1},
        ["ShallowReactive", 2],
        {"product": 3},
        {"name": 4, "price": 5},
    ]
    table += ["Espresso Machine", 249.9]

    assert devalue(table) == {"data": {"product": {"name": "Espresso Machine", "price": 249.9}}}
    body = "<h1>Espresso Machine</h1>" + script(json.dumps(table), id="__NUXT_DATA__")
    assert got(page(body=body)).price == Decimal("249.9")


def test_javascript_state_is_skipped_not_crashed() -> None:
    assert read_states([({}, "window.__NUXT__=(function(a){return {x:f(a)}}(1));")]) == []
    assert read_states([({}, "window.__INITIAL_STATE__ = makeState();")]) == []


def test_nuxt2_function_payload() -> None:
    payload = (
        'window.__NUXT__=(function(a,b,c){return {layout:"default",data:[{product:'
        '{name:"Espresso Machine",price:a,currency:b,inStock:c,tags:[!0,void 0]}}],'
        'serverRendered:!0}}(249.90,"EUR",false));'
    )
    body = "<h1>Espresso Machine</h1>" + script(payload)

    result = got(page(body=body))

    assert (result.price, result.currency, result.in_stock) == (Decimal("249.90"), "EUR", False)


def test_price_objects_and_cent_amounts() -> None:
    state = {"product": {"name": "Espresso Machine",
                         "price": {"centAmount": 24990, "currencyCode": "EUR", "fractionDigits": 2},
                         "listPrice": 299}}  # fmt: skip
    body = "<h1>Espresso Machine</h1>" + script(f"window.__PRELOADED_STATE__ = {json.dumps(state)}")

    result = got(page(body=body))

    assert (result.price, result.currency) == (Decimal("249.90"), "EUR")


def _shopify_product(**extra: Any) -> dict[str, Any]:
    return {
        "id": 7, "title": "Espresso Machine",
        "variants": [{"id": 111, "price": 24990, "available": True, "sku": "EM-S"},
                     {"id": 222, "price": 27990, "available": False, "sku": "EM-L"}],
        **extra,
    }  # fmt: skip


def test_shopify_product_json_in_cents_with_variant_from_url() -> None:
    body = script(json.dumps(_shopify_product()), type="application/json", data_product_json="")
    body += script('Shopify.currency = {"active":"EUR","rate":"1.0"};')

    result = got(page(body=body), URL + "?variant=222")

    assert (result.price, result.currency, result.in_stock) == (Decimal("279.9"), "EUR", False)


def test_shopify_analytics_meta_gives_a_range_without_variant() -> None:
    meta = {"product": _shopify_product(), "currency": "USD"}
    body = script(f"var meta = {json.dumps(meta)};\nfor (var attr in meta) {{}}")

    result = got(page(body=body))

    assert (result.price, result.price_high, result.currency) == (
        Decimal("249.9"), Decimal("279.9"), "USD"
    )  # fmt: skip


def test_bigcommerce_bcdata() -> None:
    data = {"product_attributes": {"sku": "EM-1", "instock": True, "price": {
        "without_tax": {"formatted": "$225.00", "value": 225, "currency": "USD"},
        "rrp_without_tax": {"value": 300, "currency": "USD"}}}}  # fmt: skip
    body = "<h1>Espresso Machine</h1>" + script(f"var BCData = {json.dumps(data)};")

    result = got(page(body=body))

    assert (result.price, result.currency, result.in_stock) == (Decimal("225"), "USD", True)


def test_prestashop_data_product() -> None:
    data = json.dumps(
        {"name": "Espresso Machine", "price_amount": 29.9, "availability": "available"}
    )
    body = f"<div id='product-details' data-product='{data}'></div>"
    body += script('var prestashop = {"currency":{"iso_code":"EUR","sign":"€"}};')

    result = got(page(body=body))

    assert (result.price, result.currency, result.in_stock) == (Decimal("29.9"), "EUR", True)


def test_woocommerce_variations_and_simple_price() -> None:
    variations = json.dumps([
        {"variation_id": 11, "display_price": 20, "sku": "W-S", "is_in_stock": True},
        {"variation_id": 12, "display_price": 25, "sku": "W-L", "is_in_stock": True},
    ])  # fmt: skip
    body = f"<form class='variations_form cart' data-product_variations='{variations}'></form>"
    assert got(page(body=body), URL + "?sku=W-L").price == Decimal("25")

    simple = (
        '<div class="product"><div class="summary"><h1>Espresso Machine</h1><p class="price">'
        '<del><span class="woocommerce-Price-amount amount">30,00&nbsp;€</span></del> '
        '<ins><span class="woocommerce-Price-amount amount">24,50&nbsp;€</span></ins></p>'
        "</div></div>"
    )
    result = got(page(body=simple))
    assert (result.price, result.currency) == (Decimal("24.50"), "EUR")


def test_magento_final_price_not_old_price() -> None:
    body = (
        '<div class="product-info-main"><h1>Espresso Machine</h1><div class="price-box">'
        '<span data-price-amount="99" data-price-type="finalPrice">'
        '<span class="price">€99.00</span></span>'
        '<span data-price-amount="129" data-price-type="oldPrice">'
        '<span class="price">€129.00</span></span>'
        "</div></div>"
    )

    result = got(page(body=body))

    assert (result.price, result.currency) == (Decimal("99"), "EUR")


@pytest.mark.parametrize(
    ("body", "price"),
    [
        (  # Salesforce Commerce Cloud (SFRA)
            '<div class="product-detail"><div class="prices"><span class="strike-through list">'
            '<span class="value" content="150.00">$150.00</span></span><span class="sales">'
            '<span class="value" content="129.00">$129.00</span></span></div></div>',
            "129.00",
        ),
        (  # Shopware 6
            '<div class="product-detail-buy"><p class="product-detail-price">1.299,00 €*</p></div>',
            "1299.00",
        ),
        (  # OpenCart 3 default theme
            '<div id="product-product"><div id="content"><ul class="list-unstyled">'
            '<li><span style="text-decoration: line-through;">$122.00</span></li>'
            "<li><h2>$98.00</h2></li><li>Ex Tax: $80.00</li></ul></div></div>",
            "98.00",
        ),
    ],
)
def test_dom_platforms(body: str, price: str) -> None:
    assert got(page(body=body)).price == Decimal(price)


def test_apollo_refs_are_resolved_and_unnamed_products_are_not_taken() -> None:
    cache = {
        "Product:1": {
            "__typename": "Product",
            "name": "Espresso Machine",
            "price": {"__ref": "M:1"},
        },
        "M:1": {"amount": 129.95, "currency": "EUR"},
        "Product:2": {"name": "Milk Jug", "price": {"amount": 14.95, "currency": "EUR"}},
    }
    body = "<h1>Espresso Machine</h1>" + script(f"window.__APOLLO_STATE__ = {json.dumps(cache)}")

    assert got(page(body=body)).price == Decimal("129.95")
    lone = {"Product:2": cache["Product:2"]}
    other = "<h1>Espresso Machine</h1>" + script(f"window.__APOLLO_STATE__ = {json.dumps(lone)}")
    assert isinstance(extract_product(page(body=other), URL), ExtractionFailure)


def test_variant_chosen_by_an_option_parameter() -> None:
    def variant(size: str, amount: str) -> dict[str, Any]:
        return {
            "selectedOptions": [{"name": "Size", "value": size}],
            "price": {"amount": amount, "currencyCode": "USD"},
        }

    product = {"name": "Jacket", "variants": [variant("S", "120.00"), variant("L", "130.00")]}
    body = "<h1>Jacket</h1>" + script(
        json.dumps({"props": {"product": product}}), id="__NEXT_DATA__", type="application/json"
    )

    assert got(page(body=body), URL + "?size=L").price == Decimal("130.00")
    ranged = got(page(body=body))
    assert (ranged.price, ranged.price_high) == (Decimal("120.00"), Decimal("130.00"))


def test_named_window_state_with_selling_and_original_price() -> None:
    price = {"originalPrice": {"value": 1599.99}, "sellingPrice": {"value": 1299.99}}
    state = {"product": {"name": "Espresso Machine", "price": price | {"currency": "TRY"}}}
    assignment = f"window.__PRODUCT_DETAIL_APP_INITIAL_STATE__={json.dumps(state)};"
    body = "<h1>Espresso Machine</h1>" + script(assignment)

    result = got(page(body=body))

    assert (result.price, result.currency) == (Decimal("1299.99"), "TRY")


def test_aliexpress_run_params_discount_price() -> None:
    params = {"data": {
        "priceComponent": {
            "origPrice": {"minAmount": {"currency": "TRY", "value": 2599.98}},
            "discountPrice": {"minActivityAmount": {"currency": "TRY", "value": 1299.99}},
        },
        "productInfoComponent": {"subject": "Mechanical Keyboard"},
    }}  # fmt: skip
    body = script(f"window.runParams = {json.dumps(params)};")

    result = got(page(body=body), "https://tr.aliexpress.com/item/1.html")

    assert (result.price, result.currency, result.title) == (
        Decimal("1299.99"), "TRY", "Mechanical Keyboard"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("stock", "expected"),
    [
        ({"availableForSale": False}, False),  # Shopify Storefront API
        ({"availableForSale": True}, True),
        ({"available": False}, False),
        ({"stock": {"status": "OUT_OF_STOCK"}}, False),
        ({"stock": {"status": "IN_STOCK"}}, True),
        ({"stock": {"stockLevelStatus": "outOfStock"}}, False),  # SAP Commerce (Spartacus)
        ({"stock": "OUT_OF_STOCK"}, False),
        ({"availability": "https://schema.org/OutOfStock"}, False),
        ({"inventory": {"availability": "http://schema.org/SoldOut"}}, False),
        ({"isSoldOut": True}, False),
        ({"soldOut": False}, True),
        ({"stock": 0}, None),  # a count may mean "not tracked": not read
        ({"stock": {"status": "LOW_STOCK_MAYBE"}}, None),
    ],
)
def test_stock_in_framework_state(stock: dict[str, Any], expected: bool | None) -> None:
    state = {"product": {"current": {**PRODUCT, **stock}}}
    body = "<h1>Espresso Machine</h1>" + script(f"window.__INITIAL_STATE__ = {json.dumps(state)};")

    result = got(page(body=body))

    assert result.price == Decimal("249.9")
    assert result.in_stock is expected


def test_next_data_available_for_sale_false_is_sold_out() -> None:
    product = {
        "id": "1", "name": "Espresso Machine", "sku": "DS-1",
        "price": {"amount": "249.90", "currencyCode": "EUR"}, "compareAtPrice": None,
        "availableForSale": False,
    }  # fmt: skip
    state = {"props": {"pageProps": {"product": product, "recommendations": []}}}
    body = "<h1>Espresso Machine</h1>" + script(
        json.dumps(state), id="__NEXT_DATA__", type="application/json"
    )

    result = got(page(body=body))

    assert (result.price, result.in_stock) == (Decimal("249.90"), False)
