"""Table tests for the value parsers behind extraction: prices, currencies, stock, titles, bytes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from priceradar.domain.price_text import (
    clean_title,
    clean_url,
    currency_code,
    decode_html,
    normalize_amount,
    parse_availability,
    parse_price_text,
    parse_price_value,
    too_deeply_nested,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1.299,99 TL", "1299.99", "TRY"),
        ("$1,299.99", "1299.99", "USD"),
        ("1 299,99 €", "1299.99", "EUR"),
        (f"1{NBSP}299,99{NBSP}€", "1299.99", "EUR"),
        (f"1{NNBSP}299,99{NNBSP}€", "1299.99", "EUR"),
        ("£12.50", "12.50", "GBP"),
        ("₺1.299", "1299", "TRY"),
        ("₺ 1.299,00", "1299.00", "TRY"),
        ("2.000,00TL", "2000.00", "TRY"),
        ("1.299,99", "1299.99", None),
        ("1,299.99", "1299.99", None),
        ("1299", "1299", None),
        ("1299.9", "1299.9", None),
        ("1,299", "1299", None),
        ("12,50 €", "12.50", "EUR"),
        ("10€", "10", "EUR"),
        ("€1.299", "1299", "EUR"),
        ("₹1,299", "1299", "INR"),
        ("¥1299", "1299", "JPY"),
        ("￥1299", "1299", "JPY"),
        ("R$ 12,50", "12.50", "BRL"),
        ("USD 10", "10", "USD"),
        ("10 EUR", "10", "EUR"),
        ("EUR10", "10", "EUR"),
        ("12 zł", "12", "PLN"),
        ("kr 12,50", "12.50", "SEK"),
        ("CHF 1'299.90", "1299.90", "CHF"),
        ("US$10", "10", "USD"),
        ("CA$10", "10", "CAD"),
        ("₩10,000", "10000", "KRW"),
        ("129,000원", "129000", "KRW"),
        ("Rp349.900", "349900", "IDR"),
        ("12 345 678,90 €", "12345678.90", "EUR"),
        ("1.299,- €", "1299", "EUR"),
        ("  Price: 12.99 (was 15.99) ", "12.99", None),
        ("Sale - $5", "5", "USD"),
        ("0,99", "0.99", None),
        ("12.345678", "12.3457", None),
    ],
)
def test_parse_price_text_formats(text: str, amount: str, currency: str | None) -> None:
    result = parse_price_text(text)

    assert result is not None
    assert result == (Decimal(amount), currency)
    assert isinstance(result[0], Decimal)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("1.299,99", "TRY", ("1299.99", "TRY")),  # no symbol: the hint is the currency
        ("1.299,99", "try", ("1299.99", "TRY")),
        ("$10", "CAD", ("10", "CAD")),  # "$" is shared: hint wins
        ("10 kr", "NOK", ("10", "NOK")),  # "kr" is shared: hint wins
        ("¥100", "CNY", ("100", "CNY")),
        ("€10", "USD", ("10", "EUR")),  # unambiguous symbol beats the hint
        ("10 TRY", "EUR", ("10", "TRY")),  # explicit ISO code beats the hint
        ("10", "bogus", ("10", None)),  # unknown hint is dropped
        ("10", "₺", ("10", "TRY")),  # hint given as a symbol is normalised
    ],
)
def test_parse_price_text_currency_hint(
    text: str, hint: str, expected: tuple[str, str | None]
) -> None:
    assert parse_price_text(text, hint) == (Decimal(expected[0]), expected[1])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Call for price",
        "Fiyat sorunuz",
        "0",
        "0,00 TL",
        "$0.00",
        "-5",
        "-$5",
        "$-5",
        "USD -12.50",
        "\u221212,50 €",
        "10000000000",
        "99999999999999999999999999999999999999",
        "0.00001",
        # Issue 12 finding 11: these used to read as 1.00, 5 and 1.
        "1e-9999999999",
        "1e5",
        "2.5E+3 €",
        "5-",
        "12,99-",
        "$5-",
        "1_000",
        "€1_299,00",
    ],
)
def test_parse_price_text_rejects(text: str) -> None:
    assert parse_price_text(text) is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.299,- €", "1299"),  # a German round price keeps its dash
        ("12,99 € - 15,99 €", "12.99"),  # a range: the dash is a separator, not a sign
        ("Sale - $5", "5"),
        ("5 Euro", "5"),
    ],
)
def test_parse_price_text_keeps_dash_and_letter_forms(text: str, amount: str) -> None:
    result = parse_price_text(text)
    assert result is not None and result[0] == Decimal(amount)


@pytest.mark.parametrize("value", ["1e-9999999999", "5-", "1_000", "1E99999"])
def test_parse_price_value_rejects_misleading_text(value: str) -> None:
    assert parse_price_value(value) is None
    assert parse_price_value(value, machine=False) is None


def test_parse_price_text_handles_huge_input_quickly() -> None:
    assert parse_price_text("9" * 100_000) is None
    assert parse_price_text("12,50 € " + "x" * 100_000) == (Decimal("12.50"), "EUR")


@pytest.mark.parametrize(
    ("value", "machine", "expected"),
    [
        (Decimal("1299.99"), True, "1299.99"),
        (Decimal("1E+3"), True, "1000"),
        (Decimal(42), True, "42"),
        ("1299.99", True, "1299.99"),
        ("1.299", True, "1.299"),  # schema.org number format: dot is the decimal separator
        ("1.299", False, "1299"),  # visible text: three digits after a dot are thousands
        ("1.299,99", True, "1299.99"),
        (" 15 ", True, "15"),
        ("12.345678", True, "12.3457"),
    ],
)
def test_parse_price_value(value: object, machine: bool, expected: str) -> None:
    assert parse_price_value(value, "EUR", machine=machine) == (Decimal(expected), "EUR")


@pytest.mark.parametrize(
    "value", [None, True, False, 0, Decimal(0), Decimal(-3), Decimal("NaN"), [], {}, "", "abc"]
)
def test_parse_price_value_rejects(value: object) -> None:
    assert parse_price_value(value) is None


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("12.5", "12.5"),
        ("12.50", "12.50"),
        ("0.12345", "0.1235"),
        ("1E+2", "100"),
        ("9999999999.9999", "9999999999.9999"),
        ("10000000000", None),
        ("0", None),
        ("-1", None),
        ("0.00004", None),
        ("Infinity", None),
    ],
)
def test_normalize_amount(amount: str, expected: str | None) -> None:
    result = normalize_amount(Decimal(amount))
    assert result == (Decimal(expected) if expected else None)
    if result is not None:
        assert str(result) == expected  # no scientific notation, at most 4 places


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TRY", "TRY"),
        ("try", "TRY"),
        (" usd ", "USD"),
        ("TL", "TRY"),
        ("₺", "TRY"),
        ("€", "EUR"),
        ("R$", "BRL"),
        ("zł", "PLN"),
        ("kr", "SEK"),
        ("$", "USD"),
        ("XYZ", None),
        ("dollarz", None),
        ("", None),
        (None, None),
    ],
)
def test_currency_code(value: str | None, expected: str | None) -> None:
    assert currency_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", True),
        ("http://schema.org/OutOfStock", False),
        ("schema:InStock", True),
        ("InStock", True),
        ("SoldOut", False),
        ("Discontinued", False),
        ("PreOrder", True),
        ("BackOrder", True),
        ("LimitedAvailability", True),
        ("instock", True),
        ("in stock", True),
        ("in_stock", True),
        ("oos", False),
        ("out of stock", False),
        ("Out Of Stock", False),
        ("available for order", True),
        ("preorder", True),
        ("pending", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_parse_availability(value: object, expected: bool | None) -> None:
    assert parse_availability(value) is expected


def test_clean_title() -> None:
    assert clean_title("  Tom \n\t &amp;  Jerry  ") == "Tom &amp; Jerry"
    assert clean_title("Tom &amp; Jerry", unescape=True) == "Tom & Jerry"
    assert clean_title("   ") is None
    assert clean_title(None) is None
    assert clean_title("x" * 10_000) == "x" * 500


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/img/a.jpg", "https://shop.example/img/a.jpg"),
        ("//cdn.example/a.jpg", "https://cdn.example/a.jpg"),
        (["", "https://cdn.example/b.jpg"], "https://cdn.example/b.jpg"),
        ({"@type": "ImageObject", "url": "c.jpg"}, "https://shop.example/p/c.jpg"),
        ({"contentUrl": "https://cdn.example/d.jpg"}, "https://cdn.example/d.jpg"),
        ("data:image/png;base64,AAAA", None),
        ("javascript:alert(1)", None),
        ("http://[broken", None),
        ("https://x/" + "a" * 5000, None),
        (42, None),
    ],
)
def test_clean_url(value: object, expected: str | None) -> None:
    assert clean_url(value, "https://shop.example/p/1") == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<meta charset="windows-1254"><p>Şeker Ağaç</p>'.encode("cp1254"), "Şeker Ağaç"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-9">'
            + "ş".encode("iso-8859-9"),
            "ş",
        ),
        ('<meta charset="iso-8859-1">€'.encode("cp1252"), "€"),  # latin-1 label = cp1252
        ("<p>é</p>".encode(), "é"),
        (b"\xef\xbb\xbf<p>\xc3\xa9</p>", "é"),
        ('<meta charset="utf-16"><p>é</p>'.encode(), "é"),
        ('<meta charset="rot13"><p>é</p>'.encode(), "é"),
        ('<meta charset="no-such-codec"><p>é</p>'.encode(), "é"),
        (b"<p>\xff\xfe\xfa</p>", "\ufffd"),
    ],
)
def test_decode_html(data: bytes, expected: str) -> None:
    assert expected in decode_html(data)


def test_too_deeply_nested() -> None:
    assert not too_deeply_nested("<div>" * 4_000)  # too few tags to be worth scanning
    assert too_deeply_nested("<div>" * 9_000)
    assert too_deeply_nested("<DIV>" * 4_500 + "<Section>" * 4_500)
    assert not too_deeply_nested("<div></div>" * 9_000)
    assert not too_deeply_nested("<b>" * 50_000)  # inline tags do not trigger the slow path
