"""OpenGraph / product meta tags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.outcome import ExtractedProduct
from tests.domain.extraction.builders import fail, meta, ok, page


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
        image_url="https://shop.example/lamp.jpg", source="meta",
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
