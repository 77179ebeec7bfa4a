"""Microdata: itemscope Products, offers, nested items and text prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.outcome import ExtractedProduct
from tests.domain.extraction.builders import fail, md_offer, md_product, ok, page


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


# --- rating, review count and category ------------------------------------------------------


def md_rating(inner: str) -> str:
    return (
        '<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
        f"{inner}</div>"
    )


@pytest.mark.parametrize(
    ("rating_html", "rating", "review_count"),
    [
        (
            '<span itemprop="ratingValue">4.4</span> of <span itemprop="bestRating">5</span>'
            ' (<span itemprop="reviewCount">1,204</span> reviews)',
            4.4,
            1204,
        ),
        (
            '<meta itemprop="ratingValue" content="8.6"><meta itemprop="bestRating" content="10">'
            '<meta itemprop="ratingCount" content="31">',
            4.3,
            31,
        ),
        ('<span itemprop="ratingValue">4,5</span><span itemprop="reviewCount">12</span>', 4.5, 12),
        ('<span itemprop="ratingValue">great</span>', None, None),
    ],
)
def test_microdata_aggregate_rating(
    rating_html: str, rating: float | None, review_count: int | None
) -> None:
    body = md_product(
        '<span itemprop="name">Kettle</span>'
        + md_rating(rating_html)
        + md_offer('<meta itemprop="price" content="80">')
    )

    result = ok(page(body=body))

    assert (result.price, result.title) == (Decimal("80"), "Kettle")  # rating props stay apart
    assert (result.rating, result.review_count) == (rating, review_count)


def test_microdata_category_and_a_review_rating_that_is_not_the_aggregate() -> None:
    review = (
        '<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
        '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
        '<meta itemprop="ratingValue" content="1"></div></div>'
    )
    body = md_product(
        '<a itemprop="category" href="/c/kettles">Kitchen &gt; Kettles</a>'
        + review
        + md_offer('<meta itemprop="price" content="80">')
    )

    result = ok(page(body=body))

    assert (result.category, result.rating, result.review_count) == ("Kettles", None, None)
