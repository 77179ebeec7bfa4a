"""Real-shop page kinds for the demo shop (pure): pages without structured data, embedded
framework state, variant groups and split locale formats, each with the noise real pages carry
(struck old prices, installments, shipping, priced recommendations).

The price shown as the product's price is always `price_at(id, epoch)`, so the shop's truth
oracle and `bench.verify` need nothing new: only the page's shape changes.
"""

from __future__ import annotations

import html
import json

from priceradar.demo_shop.catalog import (
    PageKind,
    Product,
    ShopConfig,
    _money,
    _price_state,
    _with_ending,
    in_stock_at,
    product,
)

_LANG = {"TRY": ("tr", "tr_TR"), "EUR": ("de", "de_DE"), "USD": ("en-US", "en_US")}
_WORDS = {  # currency: (in stock, out of stock, add to cart, installment template, shipping)
    "TRY": ("Stokta", "Tükendi", "Sepete Ekle", "3 x {} taksit", "Kargo: {}"),
    "EUR": ("Auf Lager", "Ausverkauft", "In den Warenkorb", "oder 3 Raten à {}", "Versand: {}"),
    "USD": ("In stock", "Out of stock", "Add to cart", "or 4 payments of {}", "Shipping: {}"),
}
_SHIPPING_CENTS = {"TRY": 4990, "EUR": 495, "USD": 599}
_SCHEMA = "https://schema.org"

Sections = tuple[str, str, str, int, bool]


def _js(obj: object) -> str:
    """JSON inside a <script>: nothing in it can close the script element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _split(cents: int, currency: str) -> str:
    """The price as shops write it across elements: `1.299,<sup>99</sup> TL`, `$1,299<sup>.99`."""
    units, rest = divmod(cents, 100)
    if currency == "USD":
        return (
            f'<span class="price-currency">$</span><span class="price-int">{units:,}</span>'
            f'<sup class="price-dec">.{rest:02d}</sup>'
        )
    grouped = f"{units:,}".replace(",", ".")
    mark = "TL" if currency == "TRY" else "€"
    tail = "\u2013" if rest == 0 and currency == "EUR" else f"{rest:02d}"  # whole euros: "1.299,-"
    return (
        f'<span class="price-int">{grouped}</span>,<sup class="price-dec">{tail}</sup>'
        f'<span class="price-currency"> {mark}</span>'
    )


def _head(p: Product, canon: str, extra: str) -> str:
    lang, locale = _LANG.get(p.currency, ("en", "en_US"))
    t = html.escape(p.title)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{t} | DemoShop</title>\n"
        f'<meta name="viewport" content="width=device-width">\n'
        f'<link rel="canonical" href="{canon}">\n<meta property="og:locale" content="{locale}">\n'
        f'<meta property="og:title" content="{t}">\n'
        f'{extra}<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n'
    )


def _related(p: Product, cfg: ShopConfig, epoch: int) -> str:
    """Four priced recommendations (other products' prices, shown in this page's currency)."""
    items = []
    for k in range(1, 5):
        other = p.id + 7 * k
        cents = _price_state(cfg.seed, other, epoch)[0]
        title = html.escape(product(cfg, other).title)
        items.append(
            f'<li class="product-card"><a href="/p/{other}"><img src="/static/img/{other}.jpg" '
            f'alt="" loading="lazy"><span class="product-card__title">{title}</span></a>'
            f'<span class="product-card__price">{_money(cents, p.currency)}</span></li>\n'
        )
    return (
        '<section class="recommendations"><h2>Customers also bought</h2><ul class="carousel">\n'
        + "".join(items)
        + "</ul></section>\n"
    )


def _buy_box(p: Product, price_html: str, cents: int, regular: int, deal: int, stock: bool) -> str:
    yes, no, add, installment, shipping = _WORDS.get(p.currency, _WORDS["USD"])
    old = (
        f'<span class="price-old"><s>{_money(regular, p.currency)}</s></span> '
        f'<span class="discount-badge">-{deal}%</span> '
        if deal
        else ""
    )
    parts = 4 if p.currency == "USD" else 3
    ship = _money(_SHIPPING_CENTS[p.currency], p.currency)
    return (
        f'<div class="product-price-container">{old}<span class="product-price">{price_html}'
        "</span></div>\n"
        f'<p class="installments">{installment.format(_money(cents // parts, p.currency))}</p>\n'
        f'<p class="shipping-cost">{shipping.format(ship)}</p>\n'
        f'<p class="stock {"in-stock" if stock else "out-of-stock"}">{yes if stock else no}</p>\n'
        '<form class="add-to-cart-form" action="/cart/add" method="post">'
        f'<input type="hidden" name="id" value="{p.id}"><button type="submit" name="add"'
        f"{'' if stock else ' disabled'}>{add}</button></form>\n"
    )


def _main(p: Product, buy_box: str, extra: str = "") -> str:
    t = html.escape(p.title)
    return (
        f'<main class="product-detail" id="product-{p.id}">\n<nav class="breadcrumbs"><a href="/">'
        f'Home</a> / <a href="/category/{p.category}">{p.category}</a></nav>\n'
        f'<img class="product-image" src="/static/img/{p.id}.jpg" alt="{t}">\n'
        f'<h1 class="product-name">{t}</h1>\n{extra}{buy_box}</main>\n'
    )


def _variants(p: Product, cents: int) -> list[tuple[str, int]]:
    """Default size first (the page's price), the bigger sizes dearer, as real size runs are."""
    ending = cents % 100
    return [
        ("S", cents),
        ("M", _with_ending(cents * 110 // 100, ending)),
        ("XL", _with_ending(cents * 125 // 100, ending)),
    ]


def sections(p: Product, epoch: int, cfg: ShopConfig, base_url: str) -> Sections:
    """(head, main, tail, price cents, in stock) of product `p`'s page of kind `p.kind`."""
    cents, regular, deal = _price_state(cfg.seed, p.id, epoch)
    stock = in_stock_at(p.id, epoch, seed=cfg.seed)
    canon = f"{base_url}/p/{p.id}"
    money = _money(cents, p.currency)
    related = _related(p, cfg, epoch)
    kind, head_extra, tail = p.kind, "", ""
    if kind is PageKind.LOCALE_SPLIT:
        main = _main(p, _buy_box(p, _split(cents, p.currency), cents, regular, deal, stock))
    elif kind is PageKind.NEXT_DATA:
        state = {
            "props": {"pageProps": {
                "product": {"id": str(p.id), "name": p.title, "sku": f"DS-{p.id}",
                            "price": {"amount": _amount(cents), "currencyCode": p.currency},
                            "compareAtPrice": {"amount": _amount(regular),
                                               "currencyCode": p.currency} if deal else None,
                            "availableForSale": stock},
                "recommendations": [{"id": str(p.id + 7 * k), "price": {
                    "amount": _amount(_price_state(cfg.seed, p.id + 7 * k, epoch)[0]),
                    "currencyCode": p.currency}} for k in range(1, 3)],
            }},
            "page": "/p/[id]", "query": {"id": str(p.id)}, "buildId": "demo-shop",
        }  # fmt: skip
        main = _main(p, _buy_box(p, money, cents, regular, deal, stock))
        tail = f'<script id="__NEXT_DATA__" type="application/json">{_js(state)}</script>\n'
        main = f'<div id="__next">{main}</div>\n'
    elif kind is PageKind.INITIAL_STATE:
        state = {
            "product": {"current": {"id": p.id, "title": p.title, "sku": f"DS-{p.id}",
                                    "price": {"value": float(_amount(cents)),
                                              "currency": p.currency},
                                    "stock": {"status": "IN_STOCK" if stock else "OUT_OF_STOCK"}}},
            "cart": {"items": [], "total": {"value": 0, "currency": p.currency}},
        }  # fmt: skip
        main = _main(p, _buy_box(p, money, cents, regular, deal, stock))
        tail = f"<script>window.__INITIAL_STATE__ = {_js(state)};</script>\n"
    elif kind is PageKind.VARIANTS:
        sizes = _variants(p, cents)
        avail = f"{_SCHEMA}/{'InStock' if stock else 'OutOfStock'}"
        group = {
            "@context": _SCHEMA, "@type": "ProductGroup", "name": p.title,
            "productGroupID": f"DS-{p.id}", "url": canon, "variesBy": [f"{_SCHEMA}/size"],
            "hasVariant": [{
                "@type": "Product", "name": f"{p.title} - {size}", "sku": f"DS-{p.id}-{size}",
                "offers": {"@type": "Offer", "url": f"{canon}?variant={p.id}{i}",
                           "price": _amount(c), "priceCurrency": p.currency,
                           "availability": avail},
            } for i, (size, c) in enumerate(sizes)],
        }  # fmt: skip
        options = "".join(
            f'<option value="{p.id}{i}"{" selected" if i == 0 else ""}>{size} - '
            f"{_money(c, p.currency)}</option>"
            for i, (size, c) in enumerate(sizes)
        )
        picker = (
            f'<label for="size">Size</label><select id="size" name="variant">{options}</select>\n'
        )
        main = _main(p, _buy_box(p, money, cents, regular, deal, stock), picker)
        head_extra = '<script type="application/ld+json">' + _js(group) + "</script>\n"
    else:  # VISIBLE_ONLY
        main = _main(p, _buy_box(p, money, cents, regular, deal, stock))
    return _head(p, canon, head_extra), main + related, f"{tail}</body>\n</html>\n", cents, stock


__all__ = ["PageKind", "Sections", "sections"]
