"""What every corpus template shares: the page record, money formats and real-page noise.

A template module builds `Page`s: the HTML of one product (or negative) page plus its truth.
Truth is written by hand in each module's product table (title, price, currency, stock, URL);
the template only decides where on the page those facts appear, next to the noise real pages
carry (cookie banners, mini-carts, carousels, old / installment / shipping prices).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from decimal import Decimal

RECONSTRUCTION = "reconstruction"
OWN_LICENCE = "MIT (priceradar test data)"


@dataclass(frozen=True, slots=True)
class Page:
    structure: str
    name: str
    url: str
    html: str
    price: str | None  # the right answer as a decimal string, None: the page has no price
    currency: str | None
    availability: str | None  # "in_stock", "out_of_stock" or None when the page does not say
    source: str = RECONSTRUCTION
    licence: str = OWN_LICENCE
    note: str = ""

    def truth(self) -> dict[str, object]:
        out: dict[str, object] = {
            "url": self.url,
            "price": self.price,
            "currency": self.currency,
            "availability": self.availability,
            "structure": self.structure,
            "source": self.source,
            "licence": self.licence,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Item:
    """One product as a template shows it. `price` is what the page sells it for right now."""

    slug: str
    title: str
    price: Decimal | None
    old: Decimal | None = None
    in_stock: bool = True
    brand: str = "Acme"
    sku: str = "SKU-1"
    extra: dict[str, object] = field(default_factory=dict)


# Locale formats: (currency, symbol, before?, space?, group, decimal, minor digits, grouping)
_LOCALES: dict[str, tuple[str, str, bool, str, str, str, int]] = {
    "en_US": ("USD", "$", True, "", ",", ".", 2),
    "en_CA": ("CAD", "$", True, "", ",", ".", 2),
    "en_AU": ("AUD", "$", True, "", ",", ".", 2),
    "en_GB": ("GBP", "£", True, "", ",", ".", 2),
    "de_DE": ("EUR", "€", False, "\u00a0", ".", ",", 2),
    "fr_FR": ("EUR", "€", False, "\u00a0", "\u202f", ",", 2),
    "nl_NL": ("EUR", "€", True, "\u00a0", ".", ",", 2),
    "it_IT": ("EUR", "€", False, "\u00a0", ".", ",", 2),
    "es_ES": ("EUR", "€", False, "\u00a0", ".", ",", 2),
    "tr_TR": ("TRY", "TL", False, " ", ".", ",", 2),
    "es_CL": ("CLP", "$", True, "", ".", ",", 0),
    "es_CO": ("COP", "$", True, " ", ".", ",", 0),
    "es_AR": ("ARS", "$", True, " ", ".", ",", 2),
    "es_MX": ("MXN", "$", True, "", ",", ".", 2),
    "pt_BR": ("BRL", "R$", True, "\u00a0", ".", ",", 2),
    "ja_JP": ("JPY", "￥", True, "", ",", ".", 0),
    "ja_JP_yen": ("JPY", "円", False, "", ",", ".", 0),
    "ko_KR": ("KRW", "원", False, "", ",", ".", 0),
    "hu_HU": ("HUF", "Ft", False, "\u00a0", "\u00a0", ",", 0),
    "pl_PL": ("PLN", "zł", False, "\u00a0", "\u00a0", ",", 2),
    "ro_RO": ("RON", "Lei", False, " ", ".", ",", 2),
    "sv_SE": ("SEK", "kr", False, "\u00a0", "\u00a0", ",", 2),
    "de_CH": ("CHF", "CHF", True, " ", "’", ".", 2),
    "en_IN": ("INR", "₹", True, "", ",", ".", 0),
    "id_ID": ("IDR", "Rp", True, "", ".", ",", 0),
    "ru_RU": ("RUB", "₽", False, "\u00a0", "\u00a0", ",", 0),
    "zh_CN": ("CNY", "￥", True, "", "", ".", 2),
    "ar_AE": ("AED", "AED", True, " ", ",", ".", 2),
    "nl_NL_plain": ("EUR", "", False, "", ".", ",", 2),
    "vi_VN": ("VND", "₫", True, "", ".", ",", 0),
    "ms_MY": ("MYR", "RM", True, "", ",", ".", 2),
    "kk_KZ": ("KZT", "₸", False, "\u00a0", "\u00a0", ",", 0),
    "en_ZA": ("ZAR", "R", True, " ", ",", ".", 0),
    "en_NG": ("NGN", "₦", True, " ", ",", ".", 0),
    "sv_SE_whole": ("SEK", "kr", False, "\u00a0", "\u00a0", ",", 0),
}


def currency_of(locale: str) -> str:
    return _LOCALES[locale][0]


def number(amount: Decimal, locale: str, *, minor: int | None = None) -> str:
    """The amount as the locale writes it, without a currency mark: "1.299,99", "24.990"."""
    _, _, _, _, group, dec, digits = _LOCALES[locale]
    digits = digits if minor is None else minor
    q = amount.quantize(Decimal(1).scaleb(-digits)) if digits else amount.quantize(Decimal(1))
    units, _, frac = f"{q:f}".partition(".")
    if locale == "en_IN":  # lakh grouping: 1,29,999
        head, tail = units[:-3], units[-3:]
        parts = [head[max(0, i - 2) : i] for i in range(len(head), 0, -2)][::-1]
        grouped = ",".join([*parts, tail]) if head else tail
    elif locale == "es_ES" and len(units) <= 4:  # Spanish style: no separator below 10 000
        grouped = units
    else:
        grouped = f"{int(units):,}".replace(",", group)
    return grouped + (dec + frac if digits else "")


def money(amount: Decimal, locale: str, *, minor: int | None = None) -> str:
    """The amount with its currency mark where the locale puts it: "$1,299.99", "12 990 Ft"."""
    _, symbol, before, space, *_ = _LOCALES[locale]
    n = number(amount, locale, minor=minor)
    return f"{symbol}{space}{n}" if before else f"{n}{space}{symbol}"


def cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def js(obj: object) -> str:
    """JSON for a <script>: `</` escaped like real server-side encoders do."""
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{js(obj)}</script>\n'


def doc(lang: str, title: str, head: str, body: str, body_attrs: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n{head}</head>\n<body{body_attrs}>\n{body}</body>\n</html>\n"
    )


def og(title: str, url: str, image: str, kind: str = "product") -> str:
    return (
        f'<meta property="og:type" content="{kind}">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:url" content="{esc(url)}">\n'
        f'<meta property="og:image" content="{esc(image)}">\n'
    )


def cookie_banner(kind: str = "onetrust") -> str:
    if kind == "cookiebot":
        return (
            '<div id="CybotCookiebotDialog" role="dialog" aria-modal="true" '
            'class="CybotCookiebotDialogActive"><div id="CybotCookiebotDialogBody">'
            "<h2>This website uses cookies</h2><p>We use cookies to personalise content and ads "
            "and to analyse our traffic.</p></div><button id="
            '"CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll">Allow all</button></div>\n'
        )
    return (
        '<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" class="otFlat" '
        'role="region" aria-label="Cookie banner"><div id="onetrust-policy">'
        '<p id="onetrust-policy-text">We use cookies and similar technologies to improve your '
        "experience. By clicking Accept All, you agree to the storing of cookies on your device."
        '</p></div><div id="onetrust-button-group"><button id="onetrust-accept-btn-handler">'
        'Accept All</button><button id="onetrust-reject-all-handler">Reject All</button>'
        "</div></div></div>\n"
    )


def related_titles(n: int, salt: int = 0) -> list[str]:
    words = (
        "Classic Tee", "Canvas Tote", "Travel Mug", "Wool Beanie", "Desk Lamp", "Phone Case",
        "Water Bottle", "Linen Shirt", "Sneaker Socks", "Notebook Set", "USB-C Cable",
        "Ceramic Bowl", "Yoga Mat", "Sunglasses", "Leather Wallet", "Bluetooth Speaker",
    )  # fmt: skip
    return [words[(i * 5 + salt) % len(words)] for i in range(n)]


def related_prices(base: Decimal, n: int) -> list[Decimal]:
    """Carousel prices near the product's own price (never equal to it), like real cross-sells."""
    factors = ("0.35", "0.6", "1.4", "0.85", "2.1", "0.5", "1.15", "0.7")
    out = []
    for i in range(n):
        p = (base * Decimal(factors[i % len(factors)])).quantize(Decimal("0.01"))
        out.append(p if p != base else p + 1)
    return out


def script(text: str, attrs: str = "") -> str:
    return f"<script{attrs}>{text}</script>\n"


GTM = script(
    "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
    "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
    "j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);"
    "})(window,document,'script','dataLayer','GTM-K7X2PQ');"
)
