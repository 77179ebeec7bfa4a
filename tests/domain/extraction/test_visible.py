"""The visible-price scorer: what it picks, and every refusal (precision before recall)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.extraction import explain_product, extract_product
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from tests.domain.extraction.builders import page

URL = "https://shop.example/p/kettle"
BUY = '<form action="/cart/add"><button type="submit">Add to cart</button></form>'
RELATED = (
    '<section class="related-products"><h2>You may also like</h2><ul>'
    + "".join(
        f'<li class="product-card"><a href="/p/{i}">Item {i}</a>'
        f'<span class="price">€{p}</span></li>'
        for i, p in enumerate(["19,90", "24,90", "9,99", "49,00"])
    )
    + "</ul></section>"
)


def product_page(price_html: str, extra: str = "", head: str = "") -> str:
    body = (
        '<header class="site-header"><nav><a href="/cart">Cart (€0,00)</a></nav></header>'
        f'<main><div class="product"><h1>Electric Kettle</h1>{price_html}{BUY}</div>{extra}</main>'
        '<footer class="site-footer">Free shipping from €50,00</footer>'
    )
    return page(head, body)


def visible(html: str, url: str = URL) -> ExtractedProduct:
    result = extract_product(html, url)
    assert isinstance(result, ExtractedProduct), result
    assert result.source == "visible"
    return result


def refused(html: str, url: str = URL) -> ExtractionFailure:
    result = extract_product(html, url)
    assert isinstance(result, ExtractionFailure), result
    return result


def test_price_next_to_the_title_and_buy_button() -> None:
    result = visible(product_page('<div class="product-price">€39,99</div>', RELATED))

    assert (result.price, result.currency, result.title) == (
        Decimal("39.99"), "EUR", "Electric Kettle"
    )  # fmt: skip


def test_sale_price_beats_the_struck_old_price() -> None:
    html = product_page(
        '<div class="price"><del>€59,99</del> <span class="price-sale">€39,99</span></div>'
    )

    assert visible(html).price == Decimal("39.99")


@pytest.mark.parametrize(
    "price_html",
    [
        '<span class="amount">1.299</span><sup>,99</sup> <span class="currency">€</span>',
        '<span class="amount">1.299<sup>99</sup> €</span>',
        '<span class="price-whole">1.299</span><span class="price-cents">99</span><span> €</span>',
    ],
)
def test_split_prices_are_read_as_one(price_html: str) -> None:
    html = product_page(f'<div class="product-price">{price_html}</div>')

    assert visible(html).price == Decimal("1299.99")


def test_price_in_a_data_attribute() -> None:
    html = product_page('<div class="product-price" data-price-amount="39.99">€ 39,99</div>')

    assert visible(html).price == Decimal("39.99")


def test_dollar_on_a_chilean_shop_is_clp() -> None:
    html = product_page('<div class="product-price">$24.990</div>')

    result = visible(html, "https://tienda.cl/p/tetera")

    assert (result.price, result.currency) == (Decimal("24990"), "CLP")


def test_refuses_when_only_an_old_price_is_shown() -> None:
    html = product_page('<div class="price"><span class="old-price"><s>€59,99</s></span></div>')

    assert "visible" in refused(html).reason


def test_refuses_an_installment_price() -> None:
    html = product_page('<div class="price-installments">12 x €9,99</div>')

    assert "visible" in refused(html).reason


def test_installment_next_to_the_real_price_is_not_chosen() -> None:
    html = product_page(
        '<div class="product-price">€119,88</div><p>or <span>12 x €9,99</span> per month</p>'
    )

    assert visible(html).price == Decimal("119.88")


def test_refuses_when_prices_are_only_in_related_products() -> None:
    html = product_page("<p>Currently unavailable</p>", RELATED)

    assert "visible" in refused(html).reason


def test_refuses_a_listing_page() -> None:
    cards = "".join(
        f'<li class="product"><h2>Kettle {i}</h2><span class="price">€{10 + i},99</span>'
        f'<form action="/cart/add"><button>Add to cart</button></form></li>'
        for i in range(6)
    )
    html = page(body=f'<h1>Kettles</h1><ul class="products">{cards}</ul>')

    result = refused(html)

    assert result.ambiguous and "listing" in result.reason


def test_refuses_a_price_without_any_currency() -> None:
    html = product_page('<div class="product-price">39,99</div>')

    assert "no currency" in refused(html, "https://shop.example/p/kettle").reason


def test_refuses_shipping_and_unit_prices() -> None:
    html = product_page(
        '<div class="shipping-cost">Shipping: €4,99</div><div class="base">€2,50 / kg</div>'
    )

    assert "visible" in refused(html).reason


def test_refuses_two_equally_likely_prices() -> None:
    html = product_page(
        '<div class="product-price">€39,99</div><div class="product-price">€44,99</div>'
    )

    result = refused(html)

    assert result.ambiguous and "too close" in result.reason


def test_explain_lists_candidates_with_features() -> None:
    html = product_page(
        '<div class="price"><del>€59,99</del> <b class="price-sale">€39,99</b></div>'
    )

    explained = explain_product(html, URL)

    assert explained.visible is not None and explained.visible.confidence > 0
    best, *rest = explained.visible.candidates
    assert best.price == Decimal("39.99") and any("named price" in f for f in best.features)
    assert any(c.price == Decimal("59.99") and "struck or old price -9" in c.features for c in rest)
    assert [m for m, _ in explained.tried][-1] == "visible"


def test_old_price_first_in_a_pair_beside_a_discount() -> None:
    html = product_page(
        '<div class="x1"><div class="a9">₹79,900</div><div class="b7">₹65,999</div>'
        "<span>17% off</span></div>",
    )

    assert visible(html, "https://shop.example/p/phone").price == Decimal("65999")


def test_prices_under_a_related_heading_are_someone_elses() -> None:
    related = (
        '<div class="q1"><h2>Similar products</h2>'
        + "".join(
            f'<div class="q2"><a>Item</a><div class="q3">€{p}</div></div>'
            for p in ("19,90", "29,90", "9,90")
        )
        + "</div>"
    )

    result = visible(product_page('<div class="product-price">€39,99</div>', related))

    assert result.price == Decimal("39.99")


def test_labels_beside_the_price_decide_installment_and_shipping() -> None:
    html = product_page(
        '<div class="product-price">€119,88</div>'
        '<p class="info">en 10x <span class="product-price">€11,99</span> sin interés</p>'
        '<p class="info">Versand: <span class="product-price">€4,95</span></p>'
    )

    assert visible(html).price == Decimal("119.88")


@pytest.mark.parametrize("text", ["129,000원", "12,800円"])
def test_won_and_yen_signs(text: str) -> None:
    html = product_page(f'<div class="product-price">{text}</div>')

    assert visible(html, "https://shop.example/p/x").currency in {"KRW", "JPY"}


@pytest.mark.parametrize(
    ("price_html", "amount"),
    [
        ('<span class="promo-price">29<sup class="fraction">-</sup></span>', "29"),  # bol.com
        (
            '<span class="price">1.299</span><span class="decimal">,\u2013</span><span>€</span>',
            "1299",
        ),
        ('<span class="fpPrice price">249€00</span>', "249.00"),  # Cdiscount
    ],
)
def test_whole_amounts_and_sign_separators(price_html: str, amount: str) -> None:
    html = product_page(f'<div class="product-price">{price_html}</div>')

    assert visible(html, "https://shop.nl/p/1").price == Decimal(amount)


def test_a_members_only_price_is_not_the_price() -> None:
    html = product_page(
        '<div class="product-price">1 299 ₽</div>'
        '<div class="wallet-price">\u0441 WB Кошельком '
        '<span class="product-price">1 273 ₽</span></div>'
    )

    assert visible(html, "https://shop.example/p/1").price == Decimal("1299")


def test_a_named_title_stands_in_for_a_missing_h1() -> None:
    html = page(
        body='<div class="sku-name">Rice cooker</div><div class="summary-price">'
        '<div class="dt">Price</div><span class="p-price">¥299.00</span></div>' + RELATED
    )

    result = visible(html, "https://item.shop.cn/1.html")

    assert (result.price, result.currency) == (Decimal("299.00"), "CNY")


def test_an_article_quoting_one_price_is_not_a_product_page() -> None:
    html = page(
        body="<article><h1>Is the new kettle worth it?</h1>"
        "<p>It costs <b>€39,99</b> at launch.</p><p>We think so.</p></article>"
    )

    result = refused(html)

    assert "not named a price and the page has no buy button" in result.reason


def test_a_from_price_is_not_the_price() -> None:
    html = page(
        body="<h1>Summer sale</h1><p>Everything from <span class='price'>$9.99</span></p>" + BUY
    )

    assert "visible" in refused(html).reason


def test_two_products_with_their_own_buy_buttons_are_a_listing() -> None:
    items = "".join(
        f"<div class='item'><h2>{n}</h2><span class='price'>${p}</span>"
        "<button>Add to cart</button></div>"
        for n, p in (("A", "19.99"), ("B", "29.99"))
    )

    assert "visible" in refused(page(body=f"<h1>Kettles</h1>{items}")).reason


def test_a_printed_range_is_a_variant_range() -> None:
    html = product_page("<p class='price'>$20.00 \u2013 $26.00</p>")

    result = visible(html, "https://shop.example/p/shirt")

    assert (result.price, result.price_high) == (Decimal("20.00"), Decimal("26.00"))


def test_a_range_over_listed_offers_is_a_comparison_page() -> None:
    offers = "".join(
        f"<li class='offer'><span>Shop {i}</span><a class='offer-price'>{p} €</a></li>"
        for i, p in enumerate(("599,00", "629,00", "649,99"))
    )
    html = page(
        body="<h1>Vacuum</h1><div class='range-price'>599,00 € \u2013 649,99 €</div>"
        f"<ul class='offers'>{offers}</ul>"
    )

    result = refused(html)

    assert result.ambiguous and "spans several offers" in result.reason


def test_cents_in_their_own_element() -> None:
    html = product_page(
        '<div class="main-price"><span class="sym">$</span><span>32</span>'
        '<span class="sym">98</span></div>'
    )

    assert visible(html, "https://shop.example/p/paint").price == Decimal("32.98")


def test_the_next_block_is_not_a_label_of_the_price() -> None:
    html = product_page(
        '<div class="main-price">$1,299.00</div><div class="fulfillment">Delivery Free</div>'
    )

    assert visible(html, "https://shop.example/p/chest").price == Decimal("1299.00")


def test_a_membership_discount_beside_the_price_is_not_an_old_price_pair() -> None:
    html = product_page(
        '<div class="product-price"><div class="your-price">$1799.99</div>'
        '<p class="promo">$200.00 OFF with Executive Membership</p></div>'
    )

    assert visible(html, "https://shop.example/p/tv").price == Decimal("1799.99")


def test_local_buy_buttons_and_currency_signs() -> None:
    html = page(
        body="<h1>Philips Kettle</h1><div class='x'>RM129.90</div>"
        "<button>Thêm vào giỏ hàng</button>"
    )

    result = visible(html, "https://shop.example/p/kettle")

    assert (result.price, result.currency) == (Decimal("129.90"), "MYR")


@pytest.mark.parametrize(
    "label",
    [
        "Ursprünglicher Preis:",
        "Originally:",
        "Original price:",
        "Prix initial :",
        "Precio original:",
        "Prezzo originale:",
    ],
)
def test_an_original_price_label_marks_the_old_price(label: str) -> None:
    # A "from" current price beside the labelled original price: the original is never chosen
    html = product_page(
        '<p class="price"><span>ab 69,95 €</span>'
        f'<span>{label} <span class="amount">119,95 €</span></span></p>'
    )

    result = extract_product(html, URL)

    assert not (isinstance(result, ExtractedProduct) and result.price == Decimal("119.95"))
