"""Rating, review-count and category values, read from the loose shapes real pages use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.extraction.signals import (
    Crumb,
    category_from_trail,
    clean_category,
    parse_count,
    rating_signals,
    star_rating,
)

PAGE = "https://shop.example/p/42"


@pytest.mark.parametrize(
    ("value", "best", "worst", "stars"),
    [
        ("4.5", None, None, 4.5),
        (Decimal("4.7"), Decimal(5), Decimal(1), 4.7),  # a 1-5 scale still reads 4.7 of 5
        (8, 10, None, 4.0),
        ("8", "10", "1", 4.0),
        (7, 9, None, 3.89),
        ("4,5", None, None, 4.5),  # decimal comma (de, tr, fr shops)
        (" 5 ", "5", "1", 5.0),
        ("0", None, None, 0.0),
        (75, 100, 50, 2.5),  # a scale not starting at 0 or 1 maps linearly
        (0, 2, -2, 2.5),
        (4, "ten", None, 4.0),  # unreadable bestRating: the default 5
        (4, 0, None, 4.0),  # bestRating 0 is a plugin bug, not a scale
        (45, None, None, None),  # off the scale: refused, not clamped to 5
        (5.5, 5, None, None),
        ("-1", None, None, None),
        (3, 2, 5, None),  # worst above best
        ("4.5/5", None, None, None),
        ("excellent", None, None, None),
        ("", None, None, None),
        (None, 5, None, None),
        (True, None, None, None),
        (Decimal("NaN"), None, None, None),
        ({"@value": 4}, None, None, None),
    ],
)
def test_star_rating(value: object, best: object, worst: object, stars: float | None) -> None:
    assert star_rating(value, best, worst) == stars


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (12, 12),
        (Decimal(87), 87),
        ("0", 0),
        ("1234", 1234),
        ("1,234", 1234),
        ("1.234", 1234),
        ("1 234", 1234),
        ("(87)", 87),
        ("12 reviews", 12),
        ("1.234 Bewertungen", 1234),
        ("12.5", None),
        (Decimal("12.5"), None),
        (-3, None),
        ("-3", None),
        (10**12, None),  # beyond any shop, and beyond a 32-bit INTEGER column
        (True, None),
        ("many", None),
        (None, None),
    ],
)
def test_parse_count(value: object, count: int | None) -> None:
    assert parse_count(value) == count


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ({"ratingValue": "4.6", "reviewCount": "89"}, (4.6, 89)),
        ({"ratingValue": 4.2, "ratingCount": "31"}, (4.2, 31)),
        ({"ratingValue": 4, "reviewCount": 3, "ratingCount": 40}, (4.0, 3)),  # reviewCount first
        ({"ratingValue": 4, "reviewCount": "n/a", "ratingCount": 40}, (4.0, 40)),
        ({"ratingValue": 4, "reviewCount": 0, "ratingCount": 12}, (4.0, 0)),
        ({"ratingValue": "0", "reviewCount": 0}, (None, 0)),  # nobody rated: no stars
        ({"ratingValue": 0, "ratingCount": 0, "reviewCount": 0}, (None, 0)),
        ({"ratingValue": "4.5"}, (4.5, None)),
        ({"reviewCount": 5}, (None, 5)),
        ({}, (None, None)),
        (None, (None, None)),
    ],
)
def test_rating_signals(
    rating: dict[str, object] | None, expected: tuple[float | None, int | None]
) -> None:
    assert rating_signals(rating) == expected


@pytest.mark.parametrize(
    ("value", "category"),
    [
        ("Kitchen", "Kitchen"),
        ("  Coffee \n  Machines ", "Coffee Machines"),
        ("Home &amp; Garden", "Home & Garden"),
        ("Electronics > Audio > Headphones", "Headphones"),  # Google product taxonomy path
        ("Bücher › Krimis", "Krimis"),  # noqa: RUF001 - the separator shops really use
        ("Mode » Schuhe »", "Schuhe"),
        ("2271", None),  # a taxonomy id, not a name
        ("https://shop.example/c/kitchen", None),
        ("   ", None),
        (42, None),
        (None, None),
        ("x" * 300, "x" * 120),
    ],
)
def test_clean_category(value: object, category: str | None) -> None:
    assert clean_category(value, unescape=True) == category


HOME = ("Home", "/")
BOOKS = ("Books", "/c/books")
LONG_TITLE = "Espresso Machine " * 10  # 170 characters: longer than a category may be


@pytest.mark.parametrize(
    ("trail", "title", "category"),
    [
        ([HOME, BOOKS], "Dune", "Books"),
        ([HOME, BOOKS, ("Sci-Fi", "https://shop.example/c/books/sci-fi/")], "Dune", "Sci-Fi"),
        ([HOME, BOOKS, ("Dune", None)], "Dune", "Books"),  # the product's own crumb
        ([HOME, BOOKS, ("  DUNE ", "/p/42")], "Dune", "Books"),
        ([HOME, BOOKS, ("Dune (paperback)", "/p/42?ref=crumb")], "Dune", "Books"),  # this page
        ([HOME, BOOKS, (LONG_TITLE, None)], LONG_TITLE.strip(), "Books"),
        ([HOME, BOOKS, ("Dune", None)], None, "Dune"),  # no title to recognise it by
        ([HOME], "Dune", None),
        ([("Anasayfa", None), ("Kitaplar", None)], "Dune", "Kitaplar"),
        ([("Anasayfa", None)], "Dune", None),  # a first crumb named like a home page
        ([("Home", "https://shop.example/?lang=en"), ("Dune", None)], "Dune", None),
        ([BOOKS, ("Shop", "/")], "Dune", "Books"),  # a link to the root is never a category
        ([HOME, ("Shoes", "../c/shoes")], "Dune", "Shoes"),
        ([HOME, ("Shoes", "//shop.example/c/shoes")], "Dune", "Shoes"),
        ([HOME, BOOKS, ("\u203a", "/c/x"), ("", "/c/y"), (None, None)], "Dune", "Books"),
        ([], "Dune", None),
    ],
)
def test_category_from_trail(trail: list[Crumb], title: str | None, category: str | None) -> None:
    assert category_from_trail(trail, title, PAGE) == category
