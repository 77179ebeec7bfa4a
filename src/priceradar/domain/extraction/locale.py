"""Which currency and number convention a page uses, decided before looking at a price's shape.

Order of evidence: the currency itself (CLP, JPY, KRW … are quoted without minor units, so
"24.990" is twenty-four thousand), the page's `og:locale` / `<html lang>`, then the domain's
country TLD. `PageLocale` carries the decision and the reason, so a null currency always says
why it is null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from priceradar.domain.price_text import ZERO_MINOR

__all__ = ["ZERO_MINOR", "PageLocale", "page_locale"]

# Country (TLD or locale region) -> the currency its shops quote. Only countries whose shops
# use one currency; ".co", ".io", ".tv" … are generic and deliberately absent.
_COUNTRY_CURRENCY: dict[str, str] = {
    "cn": "CNY", "hk": "HKD",
    "ar": "ARS", "at": "EUR", "au": "AUD", "be": "EUR", "bg": "BGN", "br": "BRL", "ca": "CAD",
    "ch": "CHF", "cl": "CLP", "cz": "CZK", "de": "EUR", "dk": "DKK", "ee": "EUR", "es": "EUR",
    "fi": "EUR", "fr": "EUR", "gr": "EUR", "hr": "EUR", "hu": "HUF", "id": "IDR", "ie": "EUR",
    "il": "ILS", "in": "INR", "is": "ISK", "it": "EUR", "jp": "JPY", "kr": "KRW", "lt": "EUR",
    "lu": "EUR", "lv": "EUR", "mx": "MXN", "my": "MYR", "nl": "EUR", "no": "NOK", "nz": "NZD",
    "pe": "PEN", "ph": "PHP", "pl": "PLN", "pt": "EUR", "ro": "RON", "rs": "RSD", "ru": "RUB",
    "se": "SEK", "sg": "SGD", "si": "EUR", "sk": "EUR", "th": "THB", "tr": "TRY", "tw": "TWD",
    "ua": "UAH", "uk": "GBP", "gb": "GBP", "uy": "UYU", "vn": "VND", "za": "ZAR", "py": "PYG",
}  # fmt: skip
# Languages spoken in one currency area only (a page in Dutch prices in euros); German,
# Portuguese, Spanish, English, French … span several and decide nothing without a region.
_LANGUAGE_CURRENCY: dict[str, str] = {
    "nl": "EUR", "fi": "EUR", "el": "EUR", "sk": "EUR", "sl": "EUR", "et": "EUR", "lv": "EUR",
    "lt": "EUR", "hr": "EUR", "mt": "EUR", "ja": "JPY", "ko": "KRW", "pl": "PLN", "cs": "CZK",
    "hu": "HUF", "tr": "TRY", "da": "DKK", "nb": "NOK", "nn": "NOK", "no": "NOK", "is": "ISK",
    "bg": "BGN", "uk": "UAH", "th": "THB", "vi": "VND", "id": "IDR", "he": "ILS",
}  # fmt: skip
# Second-level suffixes that still name the country: shop.com.tr, shop.co.uk, shop.com.co.
_SECOND_LEVEL = frozenset({"com", "co", "net", "org", "ne", "or", "gob"})
# A country found only in the TLD counts for these generic-looking TLDs when second-level.
_ONLY_SECOND_LEVEL = {"co": "COP"}
_LOCALE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?\b")


@dataclass(frozen=True, slots=True)
class PageLocale:
    """The page's currency hint (ISO or None) and why; `language` is the page's language code."""

    currency: str | None
    reason: str
    language: str | None = None


def page_locale(url: str, lang: str | None, og_locale: str | None) -> PageLocale:
    """Decide the page's currency from `og:locale`, `<html lang>`, then the domain's TLD."""
    language = None
    for source, value in (("og:locale", og_locale or ""), ("lang", lang or "")):
        match = _LOCALE.match(value)
        if match is None:
            continue
        language = language or match.group(1).lower()
        region = (match.group(2) or "").lower()
        if region and region in _COUNTRY_CURRENCY:
            currency = _COUNTRY_CURRENCY[region]
            return PageLocale(currency, f"{source} {value.strip()} -> {currency}", language)
    by_language = _LANGUAGE_CURRENCY.get(language or "")
    if by_language is not None:
        return PageLocale(by_language, f"page language {language} -> {by_language}", language)
    country = _tld_country(url)
    if country is not None:
        by_tld = _COUNTRY_CURRENCY.get(country) or _ONLY_SECOND_LEVEL.get(country)
        if by_tld is not None:
            return PageLocale(by_tld, f"domain .{country} -> {by_tld}", language)
    return PageLocale(None, "no currency on the page, its locale or its domain", language)


def _tld_country(url: str) -> str | None:
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].isalpha():
        return None
    tld = labels[-1]
    if tld in _ONLY_SECOND_LEVEL:
        return tld if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else None
    return tld if len(tld) == 2 else None
