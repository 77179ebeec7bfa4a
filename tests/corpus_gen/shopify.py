"""Shopify Dawn product pages (sections/main-product.liquid, snippets/price.liquid, meta-tags)."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    GTM,
    Page,
    cents,
    cookie_banner,
    currency_of,
    doc,
    esc,
    js,
    ld,
    money,
    number,
    related_prices,
    related_titles,
    script,
)

D = Decimal
S = "shopify_dawn"


def _price_block(price: Decimal, compare: Decimal | None, loc: str, code: bool, sold: bool) -> str:
    suffix = f" {_code(loc)}" if code else ""
    now = money(price, loc) + suffix
    classes = "price price--large"
    if compare:
        classes += " price--on-sale"
    if sold:
        classes += " price--sold-out"
    was = (
        '<span class="visually-hidden visually-hidden--inline">Regular price</span>\n'
        f'<span><s class="price-item price-item--regular">{money(compare, loc)}{suffix}</s></span>'
        if compare
        else ""
    )
    return (
        f'<div class="{classes} price--show-badge">\n<div class="price__container">\n'
        '<div class="price__regular">\n'
        '<span class="visually-hidden visually-hidden--inline">Regular price</span>\n'
        f'<span class="price-item price-item--regular">{now}</span>\n</div>\n'
        f'<div class="price__sale">\n{was}\n'
        '<span class="visually-hidden visually-hidden--inline">Sale price</span>\n'
        f'<span class="price-item price-item--sale price-item--last">{now}</span>\n</div>\n'
        '<small class="unit-price caption hidden"><span class="visually-hidden">Unit price</span>'
        '<span class="price-item price-item--last"><span></span><span aria-hidden="true">/</span>'
        '<span class="visually-hidden">&nbsp;per&nbsp;</span><span></span></span></small>\n'
        '</div>\n<span class="badge price__badge-sale color-accent-2">Sale</span>\n'
        '<span class="badge price__badge-sold-out color-inverse">Sold out</span>\n</div>\n'
    )


def _code(loc: str) -> str:
    return currency_of(loc)


def _card(title: str, price: Decimal, loc: str, i: int) -> str:
    handle = title.lower().replace(" ", "-")
    return (
        '<li class="grid__item"><div class="card-wrapper product-card-wrapper '
        'underline-links-hover"><div class="card card--standard card--media">'
        f'<div class="card__inner ratio"><img src="//cdn.shopify.com/s/files/1/0551/files/'
        f'{handle}.jpg?v=16{i}" alt="{esc(title)}" loading="lazy" width="533" height="533"></div>'
        '<div class="card__content"><div class="card__information">'
        f'<h3 class="card__heading h5" id="title-template--1660__featured_collection-{i}">'
        f'<a href="/products/{handle}" class="full-unstyled-link">{esc(title)}</a></h3>'
        '<div class="card-information"><div class="price "><div class="price__container">'
        '<div class="price__regular"><span class="visually-hidden visually-hidden--inline">'
        f'Regular price</span><span class="price-item price-item--regular">{money(price, loc)}'
        "</span></div></div></div></div></div></div></div></div></li>\n"
    )


def dawn(
    name: str,
    host: str,
    title: str,
    variants: list[tuple[str, Decimal, bool]],  # (option title, price, available)
    *,
    loc: str = "en_US",
    select: int | None = None,  # index chosen by ?variant= in the URL
    compare: Decimal | None = None,
    structured: bool = True,
    code: bool = False,
    vendor: str = "Acme",
    lang: str = "en",
) -> Page:
    pid = 7_012_345_000_000 + sum(map(ord, name))
    ids = [pid * 10 + 40_000_000_000_000 + i for i in range(len(variants))]
    handle = name
    base = f"https://{host}/products/{handle}"
    if select is None:
        chosen = next((i for i, v in enumerate(variants) if v[2]), 0)
        url = base
    else:
        chosen, url = select, f"{base}?variant={ids[select]}"
    _, price, available = variants[chosen]
    low = min(v[1] for v in variants)
    cur = _code(loc)
    img = f"https://{host}/cdn/shop/files/{handle}.jpg?v=1699999999&width=1946"
    head = (
        f'<link rel="canonical" href="{base}">\n'
        f'<meta property="og:site_name" content="{esc(host)}">\n'
        f'<meta property="og:url" content="{base}">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        '<meta property="og:type" content="product">\n'
        f'<meta property="og:image" content="http:{img[6:]}">\n'
        f'<meta property="og:price:amount" content="{number(low, loc)}">\n'
        f'<meta property="og:price:currency" content="{cur}">\n'
        f'<meta name="twitter:card" content="summary_large_image">\n'
    )
    meta = {
        "product": {
            "id": pid,
            "gid": f"gid://shopify/Product/{pid}",
            "vendor": vendor,
            "type": "Apparel",
            "variants": [
                {
                    "id": ids[i],
                    "price": cents(p),
                    "name": f"{title} - {t}" if len(variants) > 1 else title,
                    "public_title": t if len(variants) > 1 else None,
                    "sku": f"{handle[:6].upper()}-{i + 1}",
                }
                for i, (t, p, _) in enumerate(variants)
            ],
            "remote": False,
        },
        "page": {"pageType": "product", "resourceType": "product", "resourceId": pid},
    }
    analytics = script(
        "window.ShopifyAnalytics = window.ShopifyAnalytics || {};\n"
        "window.ShopifyAnalytics.meta = window.ShopifyAnalytics.meta || {};\n"
        f"window.ShopifyAnalytics.meta.currency = '{cur}';\n"
        f"var meta = {js(meta)};\n"
        "for (var attr in meta) {\n  window.ShopifyAnalytics.meta[attr] = meta[attr];\n}\n"
    )
    head += script(
        f"Shopify.shop = '{host.split('.')[0]}.myshopify.com'; Shopify.locale = '{lang}';"
    )
    head += analytics + GTM
    picker = ""
    if len(variants) > 1:
        radios = "".join(
            f'<input type="radio" id="template--1660__main-1-{i}" name="Size" value="{esc(t)}" '
            f'form="product-form-template--1660__main"{" checked" if i == chosen else ""}'
            f'{"" if ok else " class=disabled"}><label for="template--1660__main-1-{i}">'
            f'{esc(t)}<span class="visually-hidden label-unavailable">Variant sold out or '
            "unavailable</span></label>\n"
            for i, (t, _, ok) in enumerate(variants)
        )
        vjson = [
            {
                "id": ids[i],
                "title": t,
                "option1": t,
                "available": ok,
                "price": cents(p),
                "compare_at_price": cents(compare) if compare else None,
                "sku": f"{handle[:6].upper()}-{i + 1}",
            }
            for i, (t, p, ok) in enumerate(variants)
        ]
        picker = (
            '<variant-selects id="variant-selects-template--1660__main" '
            'data-section="template--1660__main" data-url="/products/' + handle + '">\n'
            '<fieldset class="js product-form__input product-form__input--pill">'
            f'<legend class="form__label">Size</legend>\n{radios}</fieldset>\n'
            f'<script type="application/json">{js(vjson)}</script>\n</variant-selects>\n'
        )
    sold = not available
    button = "Sold out" if sold else "Add to cart"
    structured_block = ""
    if structured:
        offers = [
            {
                "@type": "Offer",
                "@id": f"{base}?variant={ids[i]}#offer",
                "availability": f"http://schema.org/{'InStock' if ok else 'OutOfStock'}",
                "price": f"{p:.2f}" if cur not in ("JPY", "KRW") else f"{p:.0f}",
                "priceCurrency": cur,
                "url": f"{base}?variant={ids[i]}",
            }
            for i, (t, p, ok) in enumerate(variants)
        ]
        if len(variants) == 1:
            node: dict[str, object] = {
                "@context": "http://schema.org/",
                "@type": "Product",
                "@id": f"{base}#product",
                "brand": {"@type": "Brand", "name": vendor},
                "image": img,
                "name": title,
                "offers": offers[0],
                "sku": f"{handle[:6].upper()}-1",
                "url": base,
            }
        else:
            node = {
                "@context": "http://schema.org/",
                "@type": "ProductGroup",
                "@id": f"{base}#product",
                "brand": {"@type": "Brand", "name": vendor},
                "hasVariant": [
                    {
                        "@id": f"{base}?variant={ids[i]}#variant",
                        "@type": "Product",
                        "image": img,
                        "name": f"{title} - {t}",
                        "offers": offers[i],
                        "sku": f"{handle[:6].upper()}-{i + 1}",
                    }
                    for i, (t, _, _) in enumerate(variants)
                ],
                "name": title,
                "productGroupID": str(pid),
                "url": base,
                "variesBy": ["https://schema.org/size"],
            }
        structured_block = ld(node)
    rel = related_titles(4, len(name))
    cards = "".join(
        _card(t, p, loc, i)
        for i, (t, p) in enumerate(zip(rel, related_prices(price, 4), strict=True))
    )
    threshold = money(D(75) if loc.startswith("en") else D(50), loc)
    body = (
        cookie_banner("cookiebot")
        + '<div class="announcement-bar" role="region" aria-label="Announcement">'
        f'<p class="announcement-bar__message h5"><span>Free shipping on orders over {threshold}'
        "</span></p></div>\n"
        '<header class="header header--middle-left page-width"><a href="/" class="header__heading-'
        f'link"><span class="h2">{esc(host)}</span></a><a href="/cart" class="header__icon '
        'header__icon--cart link focus-inset" id="cart-icon-bubble"><span class="visually-hidden">'
        "Cart</span></a></header>\n"
        '<main id="MainContent" class="content-for-layout focus-none" role="main">\n'
        '<section id="shopify-section-template--1660__main" class="shopify-section section">\n'
        f'<product-info id="MainProduct-template--1660__main" data-section="template--1660__main" '
        f'data-product-id="{pid}" class="section-template--1660__main-padding">\n'
        '<div class="product product--large product--left grid grid--1-col grid--2-col-tablet">\n'
        '<div class="grid__item product__media-wrapper"><media-gallery role="region" aria-label='
        f'"Gallery Viewer"><img src="{img}" alt="{esc(title)}" width="1946" height="1946">'
        "</media-gallery></div>\n"
        '<div class="product__info-wrapper grid__item"><section id="ProductInfo-template--1660__'
        'main" class="product__info-container product__column-sticky">\n'
        f'<p class="product__text inline-richtext caption-with-letter-spacing">{esc(vendor)}</p>\n'
        f'<div class="product__title"><h1>{esc(title)}</h1></div>\n'
        f'<div id="price-template--1660__main" role="status">\n'
        f"{_price_block(price, compare, loc, code, sold)}</div>\n"
        '<div class="product__tax caption rte">Tax included. <a href="/policies/shipping-policy">'
        "Shipping</a> calculated at checkout.</div>\n"
        '<shopify-payment-terms variant-id="' + str(ids[chosen]) + '" shopify-meta="{&quot;'
        "type&quot;:&quot;product&quot;,&quot;installments_buyer_prequalification_enabled&quot;"
        ':false}"></shopify-payment-terms>\n'
        f"{picker}"
        '<product-form class="product-form" data-section-id="template--1660__main">\n'
        '<form method="post" action="/cart/add" id="product-form-template--1660__main" '
        'accept-charset="UTF-8" class="form" enctype="multipart/form-data" novalidate="novalidate" '
        'data-type="add-to-cart-form"><input type="hidden" name="form_type" value="product">'
        f'<input type="hidden" name="id" value="{ids[chosen]}" class="product-variant-id">\n'
        '<div class="product-form__buttons"><button id="ProductSubmitButton-template--1660__main" '
        'type="submit" name="add" class="product-form__submit button button--full-width '
        f'button--secondary"{" disabled" if sold else ""}><span>{button}</span></button>'
        '<div data-shopify="payment-button" class="shopify-payment-button"></div></div></form>\n'
        "</product-form>\n"
        '<div class="product__description rte quick-add-hidden"><p>Soft, durable and made to '
        "last. Machine wash cold.</p></div>\n"
        "</section></div></div></product-info></section>\n"
        '<section class="shopify-section section"><div class="collection page-width">'
        '<h2 class="title inline-richtext h2">You may also like</h2>'
        f'<ul class="grid product-grid contains-card--product grid--4-col-desktop">\n{cards}'
        "</ul></div></section>\n"
        '<section class="shopify-section section"><product-recommendations class="related-products'
        ' page-width isolate" data-url="/recommendations/products?section_id=template--1660__'
        f'related-products&amp;product_id={pid}&amp;limit=4"></product-recommendations></section>\n'
        "</main>\n"
        '<footer class="footer color-scheme-1"><p>&copy; 2024, '
        f'{esc(host)} <a href="https://www.shopify.com?utm_campaign=poweredby">Powered by '
        "Shopify</a></p></footer>\n" + structured_block
    )
    stock = "in_stock" if available else "out_of_stock"
    note = "variant chosen by ?variant= in the URL" if select is not None else ""
    return Page(S, name, url, doc(lang, f"{title} – {host}", head, body), f"{price}", cur, stock,
                note=note)  # fmt: skip


def pages() -> list[Page]:
    return [
        dawn("organic-cotton-tee", "northwind-apparel.com", "Organic Cotton Tee",
             [("Default Title", D("24.00"), True)]),
        dawn("pullover-hoodie", "northwind-apparel.com", "Heavyweight Pullover Hoodie",
             [("S", D("45.00"), True), ("M", D("45.00"), True), ("XL", D("49.00"), True)],
             select=2, structured=False),
        dawn("leinen-hemd", "nordlicht-mode.de", "Leinenhemd Sommer",
             [("Default Title", D("39.95"), True)], loc="de_DE", compare=D("59.95"),
             structured=False, lang="de"),
        dawn("trail-runner-sold-out", "peakgear.co", "Trail Runner Pack 18L",
             [("Default Title", D("89.00"), False)], code=True),
        dawn("hinoki-bath-salt", "hinoki-tokyo.jp", "檜 バスソルト 300g",
             [("Default Title", D("4400"), True)], loc="ja_JP", structured=False, lang="ja"),
        dawn("merino-beanie", "northwind-apparel.com", "Merino Beanie",
             [("Charcoal", D("32.00"), False), ("Forest", D("29.00"), True),
              ("Rust", D("32.00"), True)]),
        dawn("ceramic-pour-over", "slowbrew.com.au", "Ceramic Pour-Over Set",
             [("Small", D("54.00"), True), ("Large", D("68.00"), True)],
             loc="en_AU", select=1, code=True),
    ]  # fmt: skip
