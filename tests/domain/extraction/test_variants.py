"""Several offer prices for one product: the URL's variant, the selected one, else a range."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from priceradar.domain.extraction import extract_product
from priceradar.domain.extraction.variants import OfferInfo, choose_variant, url_tokens
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from tests.domain.extraction.builders import ld, offer, page, product


def _offer(price: str, *ids: str, url: str | None = None, selected: bool = False) -> OfferInfo:
    return OfferInfo(Decimal(price), "EUR", True, frozenset(ids), url, selected)


OFFERS = [
    _offer("30", "sku-red", "4006381333931", url="https://s.example/p/shirt?variant=111"),
    _offer("25", "sku-blue", "222", url="https://s.example/p/shirt?variant=222"),
    _offer("28", "sku-green", "333", selected=True),
]


@pytest.mark.parametrize(
    ("url", "price", "why"),
    [
        ("https://s.example/p/shirt?variant=222", "25", "variant parameter"),
        ("https://s.example/p/shirt?sku=SKU-RED", "30", "variant parameter"),
        ("https://s.example/p/shirt?variant=111&utm=x", "30", "variant parameter"),
        ("https://s.example/p/shirt?variant=222", "25", "variant parameter"),
        ("https://s.example/p/shirt-4006381333931", "30", "id in the URL"),
        ("https://s.example/p/shirt", "28", "selected"),
    ],
)
def test_choose_variant_by_url_then_selection(url: str, price: str, why: str) -> None:
    choice = choose_variant(OFFERS, url)

    assert (choice.price, choice.high) == (Decimal(price), None)
    assert why in choice.why


def test_choose_variant_falls_back_to_the_range() -> None:
    choice = choose_variant(OFFERS[:2], "https://s.example/p/shirt")

    assert (choice.price, choice.high, choice.why) == (Decimal("25"), Decimal("30"), "price range")


def test_url_tokens_ignore_short_steps() -> None:
    chosen, tokens = url_tokens("https://s.example/p/a-shirt-xl?variant=9&color=red")

    assert chosen == {"9", "variant=9", "color=red"}  # ids and "option=value" pairs
    assert "shirt" in tokens and "xl" not in tokens and "red" in tokens


def _variant_page(url: str) -> ExtractedProduct | ExtractionFailure:
    variants: list[dict[str, Any]] = [
        product(offer("25", "EUR"), name="Shirt S", sku="SH-S", url="https://s.example/shirt?v=s"),
        product(offer("30", "EUR"), name="Shirt XL", sku="SH-XL"),
    ]
    group = {"@context": "https://schema.org", "@type": "ProductGroup", "name": "Shirt",
             "hasVariant": variants}  # fmt: skip
    return extract_product(page(ld(group)), url)


def test_product_group_variant_selected_by_sku_in_url() -> None:
    result = _variant_page("https://s.example/shirt?sku=sh-xl")

    assert isinstance(result, ExtractedProduct)
    assert (result.price, result.price_high, result.currency) == (Decimal("30"), None, "EUR")


def test_product_group_variant_selected_by_its_own_url() -> None:
    result = _variant_page("https://s.example/shirt?v=s")

    assert isinstance(result, ExtractedProduct) and result.price == Decimal("25")


def test_listing_of_different_products_stays_ambiguous() -> None:
    html = page(ld(product(offer("10"), name="A"), product([offer("20"), offer("25")], name="B")))

    result = extract_product(html, "https://s.example/list")

    assert isinstance(result, ExtractionFailure) and result.ambiguous
