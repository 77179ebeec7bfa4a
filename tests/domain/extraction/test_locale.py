"""Currency and number convention from the page's locale, domain and the currency itself."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.extraction.locale import page_locale
from priceradar.domain.price_text import parse_price_text, parse_price_value


@pytest.mark.parametrize(
    ("url", "lang", "og_locale", "currency", "why"),
    [
        ("https://tienda.cl/p/1", None, None, "CLP", "domain .cl"),
        ("https://shop.example/p/1", "es-CL", None, "CLP", "lang es-CL"),
        ("https://shop.example/p/1", "en", "ja_JP", "JPY", "og:locale ja_JP"),
        ("https://shop.co.uk/p", "en", None, "GBP", "domain .uk"),
        ("https://tienda.com.co/p", None, None, "COP", "domain .co"),
        ("https://startup.co/p", None, None, None, "no currency"),  # .co alone is generic
        ("https://shop.com.tr/p", "en", None, "TRY", "domain .tr"),
        ("https://www.bol.com/p", "nl", None, "EUR", "page language nl"),  # one currency area
        ("https://shop.example/p", "zh-CN", None, "CNY", "lang zh-CN"),
        ("https://shop.example/p", "de", None, None, "no currency"),  # language alone: no country
        ("https://127.0.0.1/p", None, None, None, "no currency"),
    ],
)
def test_page_locale(
    url: str, lang: str | None, og_locale: str | None, currency: str | None, why: str
) -> None:
    decided = page_locale(url, lang, og_locale)
    assert decided.currency == currency
    assert why in decided.reason


def test_page_locale_keeps_the_language() -> None:
    assert page_locale("https://shop.example/", "de-DE", None).language == "de"


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("24.990", "CLP", "24990"),  # issue 8: a Chilean shop's JSON-LD said 24.990
        (Decimal("24.990"), "CLP", "24990"),
        ("1.500", "JPY", "1500"),
        ("24.990", "EUR", "24.99"),  # schema.org reading everywhere else
        ("1500.000", "CLP", "1500.000"),  # four whole digits: a decimal format, not grouping
        ("24.99", "CLP", "24.99"),
        ("24990", "CLP", "24990"),
    ],
)
def test_machine_values_in_zero_minor_currencies(
    value: object, currency: str, expected: str
) -> None:
    assert parse_price_value(value, currency) == (Decimal(expected), currency)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("$24.990", "CLP", ("24990", "CLP")),
        ("$ 1.299.990", "CLP", ("1299990", "CLP")),
        ("¥1,500", "JPY", ("1500", "JPY")),
        ("24.990 Ft", None, ("24990", "HUF")),
    ],
)
def test_visible_text_in_zero_minor_currencies(
    text: str, hint: str | None, expected: tuple[str, str]
) -> None:
    assert parse_price_text(text, hint) == (Decimal(expected[0]), expected[1])
