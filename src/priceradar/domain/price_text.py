"""Pure parsing of the loose text values on product pages.

Price strings, currency marks, stock words, titles and image URLs: everything extraction.py
needs once it has located a value in the page structure; plus the raw-page checks done before
parsing (charset sniffing, pathological nesting).
"""

from __future__ import annotations

import codecs
import html
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urljoin

from price_parser import Price

__all__ = [
    "ZERO_MINOR",
    "clean_title",
    "clean_url",
    "currency_code",
    "decode_html",
    "normalize_amount",
    "parse_availability",
    "parse_price_text",
    "parse_price_value",
    "too_deeply_nested",
]

_MAX_PRICE = Decimal(10) ** 10
_FOUR_PLACES = Decimal("0.0001")
# Price texts are short; capping keeps price_parser's regexes cheap on hostile nodes.
_MAX_TEXT = 300

# Active ISO 4217 codes (plus a few still seen on shops, e.g. TRL-era "YTL" is mapped below).
_ISO_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWL
    """.split()  # noqa: SIM905 - a word list reads better than 160 quoted strings
)

# Currencies shops quote without minor units, whatever ISO 4217 says (HUF, COP and IDR have
# official cents nobody prints): "24.990" in such a currency is grouping, never decimals.
ZERO_MINOR = frozenset(
    """
    BIF CLP COP DJF GNF HUF IDR IRR ISK JPY KMF KPW KRW LAK MMK PYG RWF UGX UZS VND VUV XAF
    XOF XPF
    """.split()  # noqa: SIM905
)

# Symbols and words as price_parser reports them (casefolded) -> ISO code.
_SYMBOLS: dict[str, str] = {
    "$": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "¥": "JPY", "￥": "JPY", "円": "JPY", "元": "CNY", "rmb": "CNY",
    "₹": "INR", "rs": "INR", "rs.": "INR", "₨": "INR",
    "r$": "BRL", "zł": "PLN", "zl": "PLN",
    "kr": "SEK", "kr.": "SEK",
    "tl": "TRY", "₺": "TRY", "ytl": "TRY",
    "₽": "RUB", "руб": "RUB", "руб.": "RUB", "р.": "RUB",  # noqa: RUF001 - Cyrillic on purpose
    "₩": "KRW", "원": "KRW", "rp": "IDR", "rp.": "IDR",
    "₪": "ILS", "rm": "MYR", "₫": "VND", "฿": "THB", "₱": "PHP", "₦": "NGN", "₸": "KZT",
    "₴": "UAH", "грн": "UAH", "kč": "CZK", "ft": "HUF", "lei": "RON", "лв": "BGN", "лв.": "BGN",
    "fr.": "CHF", "c$": "CAD", "ca$": "CAD", "a$": "AUD", "au$": "AUD", "nz$": "NZD",
    "hk$": "HKD", "s$": "SGD", "mx$": "MXN", "₼": "AZN", "₾": "GEL",
}  # fmt: skip

# Marks shared by several currencies: an explicit hint (priceCurrency, site rule) beats our guess.
_AMBIGUOUS = frozenset({"$", "dollar", "dollars", "¥", "￥", "kr", "kr.", "rs", "rs.", "₨", "fr."})

# A minus glued to the amount or to its currency mark ("-5", "-$5", "$-5"), not "Sale - $5".
_NEGATIVE = re.compile(r"[-\u2212](?:[^\w\s]{1,3})?$")
_FIRST_DIGIT = re.compile(r"\d")
# Number spellings no shop prints but parsers half-read ("1e-9999999999" -> 1, "5-" -> 5,
# "1_000" -> 1): an exponent, a minus glued after the digits (a trailing-sign negative; "1.299,-"
# keeps its comma first), digit grouping with underscores. Refused rather than half-read.
_MISLEADING = re.compile(r"\d[eE][+-]?\d|\d[-\u2212](?!\d)|\d_\d")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# Block elements that must look for an open <p> on every start tag: lexbor, like the HTML spec,
# scans the open-element stack for each, so parse time grows with depth squared.
_BLOCK_TAG = re.compile(
    r"<(/?)(?:div|section|article|aside|nav|header|footer|main|ul|ol|dl|dir|menu|blockquote"
    r"|center|details|dialog|fieldset|figure|figcaption|hgroup|summary|address|search)\b",
    re.I,
)
_SCAN_ABOVE_TAGS = 8_000  # fewer tags than this cannot nest deep enough to matter
_MAX_NESTING = 4_000  # ~10 ms of parsing; real pages nest < 100 deep
_MAX_TITLE = 500
_MAX_URL = 2048
_MACHINE_NUMBER = re.compile(r"\s*\d{1,30}(?:\.\d{1,30})?(?:[eE][+-]?\d{1,3})?\s*")

# Availability tokens after dropping URL prefixes and everything but letters.
_IN_STOCK = frozenset(
    {
        "instock", "limitedavailability", "preorder", "presale", "backorder", "availablefororder",
        "onlineonly", "instoreonly", "available", "madetoorder",
    }
)  # fmt: skip
_OUT_OF_STOCK = frozenset(
    {"outofstock", "soldout", "discontinued", "oos", "unavailable", "notavailable", "reserved"}
)


def currency_code(value: str | None) -> str | None:
    """Map an ISO code, symbol or currency word ("try", "₺", "TL", "R$") to an ISO 4217 code."""
    if not value:
        return None
    token = value.strip()
    if len(token) == 3 and token.upper() in _ISO_CODES:
        return token.upper()
    return _SYMBOLS.get(token.casefold())


def normalize_amount(amount: Decimal) -> Decimal | None:
    """Return `amount` with at most 4 decimal places if it is a plausible price, else None."""
    if not amount.is_finite() or amount <= 0 or amount >= _MAX_PRICE:
        return None
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        amount = amount.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)
    elif isinstance(exponent, int) and exponent > 0:
        # "1E+3" from JSON would otherwise print in scientific notation downstream.
        amount = amount.quantize(Decimal(1))
    return amount if amount > 0 else None


def parse_price_text(
    text: str, currency_hint: str | None = None
) -> tuple[Decimal, str | None] | None:
    """Parse a human-written price such as "1.299,99 TL", "$1,299.99" or "1 299,99 €".

    Returns (amount, ISO currency or None), or None when there is no usable positive price.
    Decimal/thousands separators follow price_parser's heuristics ("1,299" is 1299, "12,50"
    is 12.5). Currency: an ISO code or unambiguous symbol in the text wins; for marks shared
    by several currencies ("$", "kr", "¥") and for texts without a mark, the hint wins.
    """
    text = text.strip()[:_MAX_TEXT]
    first_digit = _FIRST_DIGIT.search(text)
    if first_digit is None or _NEGATIVE.search(text[: first_digit.start()].rstrip()):
        return None
    if _MISLEADING.search(text):
        return None
    try:
        parsed = Price.fromstring(text)
    except (ValueError, ArithmeticError):
        return None
    amount = parsed.amount
    if not isinstance(amount, Decimal):
        return None
    normalized = normalize_amount(amount)
    if normalized is None:
        return None
    hint = currency_code(currency_hint)
    mark = parsed.currency.strip().casefold() if isinstance(parsed.currency, str) else ""
    found = currency_code(mark)
    if found is None or (mark in _AMBIGUOUS and hint is not None):
        return normalized, hint
    return normalized, found


def parse_price_value(
    value: object, currency_hint: str | None = None, *, machine: bool = True
) -> tuple[Decimal, str | None] | None:
    """Parse a price from structured data: a JSON number, or a string.

    With `machine=True` (JSON-LD, `content` attributes) a plain "1.299" follows schema.org and
    means 1.299; anything else ("1.299,99", "₺1.299") goes through `parse_price_text`.
    """
    hint = currency_code(currency_hint)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        try:
            normalized = normalize_amount(Decimal(_regroup(str(value), hint)))
        except (ValueError, ArithmeticError):
            return None
        return (normalized, hint) if normalized is not None else None
    if not isinstance(value, str):
        return None
    if machine and _MACHINE_NUMBER.fullmatch(value):
        try:
            normalized = normalize_amount(Decimal(_regroup(value.strip(), hint)))
        except (ValueError, ArithmeticError, InvalidOperation):
            return None
        return (normalized, hint) if normalized is not None else None
    return parse_price_text(value, hint)


def _regroup(number: str, currency: str | None) -> str:
    """A machine number as written, with a zero-minor-unit shop's grouping dot undone.

    Chilean shops put "24.990" (24,990 CLP) into JSON-LD and meta tags. Exactly three
    fractional digits after at most three whole digits is grouping in such a currency; every
    other shape is left to schema.org's reading.
    """
    if currency not in ZERO_MINOR:
        return number
    whole, dot, fraction = number.partition(".")
    if dot and len(fraction) == 3 and fraction.isdigit() and whole.isdigit() and len(whole) <= 3:
        return whole + fraction
    return number


def parse_availability(value: object) -> bool | None:
    """Read schema.org / OpenGraph availability ("https://schema.org/InStock", "oos", "in stock").

    True for anything purchasable (incl. PreOrder, BackOrder, LimitedAvailability), False for
    OutOfStock/SoldOut/Discontinued, None when absent or unknown.
    """
    if not isinstance(value, str):
        return None
    token = re.split(r"[/:#]", value.strip()[:200])[-1]
    token = "".join(ch for ch in token.casefold() if "a" <= ch <= "z")
    if token in _IN_STOCK:
        return True
    if token in _OUT_OF_STOCK:
        return False
    return None


def clean_title(value: object, *, unescape: bool = False) -> str | None:
    """Whitespace-collapsed title capped at 500 characters; `unescape` decodes HTML entities."""
    if not isinstance(value, str):
        return None
    value = value[: _MAX_TITLE * 8]
    if unescape and "&" in value:
        # JSON-LD is script text, so the HTML parser leaves entities there; CMSs emit them anyway.
        value = html.unescape(value)
    return " ".join(value.split())[:_MAX_TITLE] or None


def clean_url(value: object, base: str) -> str | None:
    """An absolute http(s) URL from a string, a list of them or an ImageObject, else None."""
    if isinstance(value, list):
        return next((u for u in (clean_url(v, base) for v in value[:20]) if u), None)
    if isinstance(value, dict):
        return clean_url(value.get("url") or value.get("contentUrl"), base)
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_URL:
        return None
    try:
        absolute = urljoin(base, value.strip())
    except ValueError:  # e.g. a broken IPv6 literal
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def decode_html(data: bytes) -> str:
    """Decode page bytes by BOM or `<meta charset>`; fall back to UTF-8 with replacement."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    encoding = "utf-8"
    match = _CHARSET.search(data, 0, 4096)
    if match:
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
        # WHATWG: latin-1/ascii labels mean windows-1252; a UTF-16 label in ASCII text is wrong.
        if encoding in ("iso8859-1", "ascii"):
            encoding = "cp1252"
        elif encoding.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"
    try:
        return data.decode(encoding, "replace")
    except (LookupError, UnicodeError):  # non-text codecs such as "rot13" or "base64"
        return data.decode("utf-8", "replace")


def too_deeply_nested(text: str) -> bool:
    """True when block elements nest so deep that parsing would take seconds (junk or hostile).

    A cheap tag count gates the exact scan, so ordinary pages pay ~15 µs for this check.
    """
    if text.count("<") <= _SCAN_ABOVE_TAGS:
        return False
    depth = 0
    for match in _BLOCK_TAG.finditer(text):
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > _MAX_NESTING:
                return True
    return False
