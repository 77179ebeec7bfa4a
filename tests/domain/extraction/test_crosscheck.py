"""The cross-check between structured data and the visible page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.extraction import extract_product
from priceradar.domain.extraction.crosscheck import shown, shown_currency
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from tests.domain.extraction.builders import ld, offer, page, product

URL = "https://shop.example/p/kettle"
BUY = '<form action="/cart/add"><button>Add to cart</button></form>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Only <b>1.299,00 €</b></p>", True),
        ("<p>$1,299.00</p>", True),
        ("<p>1 299 Kč</p>", True),
        ("<p>11299 points</p>", False),  # a longer number
        ('<meta content="1299.00"><p>Call us</p>', False),  # an attribute is not shown
        ('<script type="application/ld+json">{"price": "1299.00"}</script>', False),
        ("<script>var price = 1299;</script>", True),  # state usually matches the page
    ],
)
def test_shown(html: str, expected: bool) -> None:
    assert shown(Decimal("1299.00"), html) is expected


def test_stale_json_ld_against_a_clear_visible_price_is_refused() -> None:
    body = f'<h1>Kettle</h1><div class="product-price">€39,99</div>{BUY}'
    html = page(ld(product(offer("49.00", "EUR"), name="Kettle")), body)

    result = extract_product(html, URL)

    assert isinstance(result, ExtractionFailure) and result.ambiguous
    assert "json-ld states 49.00 but the page shows 39.99" in result.reason


def test_json_ld_price_shown_on_the_page_is_kept() -> None:
    body = f'<h1>Kettle</h1><div class="product-price">€49,00</div>{BUY}'
    html = page(ld(product(offer("49.00", "EUR"), name="Kettle")), body)

    result = extract_product(html, URL)

    assert isinstance(result, ExtractedProduct) and result.price == Decimal("49.00")


def test_json_ld_price_without_any_visible_price_is_kept() -> None:
    html = page(ld(product(offer("49.00", "EUR"), name="Kettle")), "<h1>Kettle</h1>")

    result = extract_product(html, URL)

    assert isinstance(result, ExtractedProduct) and result.source == "json-ld"


@pytest.mark.parametrize(
    ("html", "hint", "expected"),
    [
        ("<p>129€99</p>", None, "EUR"),
        ("<p>Prix : 129,99 €</p>", None, "EUR"),
        ("<p>$129.99</p>", "CLP", "CLP"),  # a shared sign takes the page's currency
        ("<p>$129.99</p>", None, "USD"),
        ("<p>129,99</p>", None, None),  # no mark printed
        ("<p>129,99 €</p><p>£129.99</p>", None, None),  # sightings disagree
    ],
)
def test_shown_currency(html: str, hint: str | None, expected: str | None) -> None:
    assert shown_currency(Decimal("129.99"), html, hint) == expected


def test_structured_price_without_currency_takes_the_printed_one() -> None:
    md = (
        '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Robot</h1>'
        '<meta itemprop="price" content="129.99"><span class="price">129€99</span></div>'
    )

    result = extract_product(page(body=md), "https://www.shop.com/p/1")

    assert isinstance(result, ExtractedProduct)
    assert (result.currency, result.currency_reason) == ("EUR", "printed next to the price: EUR")
