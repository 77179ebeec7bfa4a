"""Amazon detail pages (corePriceDisplay, a-price spans, twister data) and eBay item pages."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    Page,
    currency_of,
    doc,
    esc,
    js,
    ld,
    money,
    number,
    related_prices,
    related_titles,
)

D = Decimal
_AMZ = {  # host: (locale, decimal mark, symbol, symbol first)
    "www.amazon.com": ("en_US", ".", "$", True),
    "www.amazon.de": ("de_DE", ",", "€", False),
    "www.amazon.co.jp": ("ja_JP", "", "￥", True),
    "www.amazon.com.tr": ("tr_TR", ",", "TL", False),
    "www.amazon.co.uk": ("en_GB", ".", "£", True),
}


def a_price(p: Decimal, host: str, extra_cls: str = "", size: str = "xl") -> str:
    loc, mark, sym, first = _AMZ[host]
    whole = number(p, loc).split(mark)[0] if mark else number(p, loc)
    frac = f"{p:.2f}".split(".")[1]
    fraction = (
        f'<span class="a-price-whole">{whole}<span class="a-price-decimal">{mark}</span></span>'
        f'<span class="a-price-fraction">{frac}</span>'
        if mark
        else f'<span class="a-price-whole">{whole}</span>'
    )
    symbol = f'<span class="a-price-symbol">{sym}</span>'
    inner = symbol + fraction if first else fraction + symbol
    return (
        f'<span class="a-price aok-align-center {extra_cls}" data-a-size="{size}" '
        f'data-a-color="base"><span class="a-offscreen">{money(p, loc)}</span>'
        f'<span aria-hidden="true">{inner}</span></span>'
    )


def amazon(
    name: str,
    host: str,
    asin: str,
    title: str,
    price: Decimal | None,
    *,
    list_price: Decimal | None = None,
    in_stock: bool = True,
    unit: str | None = None,
    buybox_data: bool = True,
) -> Page:
    loc = _AMZ[host][0]
    cur = currency_of(loc)
    url = f"https://{host}/{name}/dp/{asin}"
    core = ""
    if price is not None:
        save = ""
        if list_price:
            pct = round((1 - price / list_price) * 100)
            save = (
                f'<span class="aok-offscreen">{money(price, loc)} with {pct} percent savings</span>'
                '<span aria-hidden="true" class="a-size-large a-color-price savingPriceOverride '
                f'aok-align-center reinventPriceSavingsPercentageMargin savingsPercentage">-{pct}%'
                "</span>"
            )
        core = (
            '<div id="corePriceDisplay_desktop_feature_div" class="celwidget" data-feature-name='
            '"corePriceDisplay_desktop"><div class="a-section a-spacing-none aok-align-center '
            f'aok-relative">{save}'
            f"{a_price(price, host, 'reinventPricePriceToPayMargin priceToPay')}"
            + (f'<span class="a-size-mini aok-offscreen">{unit}</span>' if unit else "")
            + "</div>"
        )
        if list_price:
            core += (
                '<div class="a-section a-spacing-small aok-align-center"><span><span class="aok-'
                'relative"><span class="a-size-small a-color-secondary aok-align-center basisPrice">'
                'List Price: <span class="a-price a-text-price" data-a-size="s" data-a-strike="true" '
                f'data-a-color="secondary"><span class="a-offscreen">{money(list_price, loc)}</span>'
                f'<span aria-hidden="true">{money(list_price, loc)}</span></span></span></span>'
                "</span></div>"
            )
        if unit:
            core += f'<span class="a-size-mini a-color-base aok-align-center pricePerUnit">{unit}</span>'
        core += "</div>\n"
        core += (
            '<input type="hidden" id="attach-base-product-price" value="'
            f'{price:.2f}"><input type="hidden" id="attach-base-product-currency-symbol" value="'
            f'{_AMZ[host][2]}">\n'
        )
    avail = (
        '<div id="availability" class="a-section a-spacing-base"><span class="a-size-medium '
        'a-color-success"> In Stock </span></div>'
        if in_stock
        else '<div id="availability" class="a-section a-spacing-base"><span class="a-size-medium '
        "a-color-price\"> Currently unavailable. </span><br>We don't know when or if this item "
        "will be back in stock.</div>"
    )
    buybox = ""
    if price is not None and buybox_data:
        data = {
            "desktop_buybox_group_1": [{
                "displayPrice": money(price, loc), "priceAmount": float(price),
                "currencySymbol": _AMZ[host][2], "integerValue": number(price, loc).split(
                    _AMZ[host][1] or "|")[0], "decimalSeparator": _AMZ[host][1] or None,
                "fractionalValue": f"{price:.2f}".split(".")[1] if _AMZ[host][1] else None,
                "symbolPosition": "left" if _AMZ[host][3] else "right", "hasSpace": False,
                "showFractionalPartIfEmpty": True, "offerListingId": "pA1xq%2Bv0kZ" + asin,
                "locale": loc.replace("_", "-"), "buyingOptionType": "NEW",
            }]
        }  # fmt: skip
        buybox = (
            '<div class="a-section aok-hidden twister-plus-buying-options-price-data">'
            f"{esc(js(data))}</div>\n"
        )
    carousel = "".join(
        '<li class="a-carousel-card" role="listitem" aria-setsize="4" aria-posinset="'
        f'{i + 1}"><div class="a-section sp_offerVertical p13n-asin"><a class="a-link-normal" href'
        f'="/dp/B0{i}XYZ{i}{i}Q"><div class="sponsored-products-truncator-truncated">{esc(t)}</div>'
        f'</a><div class="a-row a-color-price">{a_price(p, host, "", "base")}</div></div></li>\n'
        for i, (t, p) in enumerate(
            zip(related_titles(4, 2), related_prices(price or D(25), 4), strict=True)
        )
    )
    fee = D("500") if loc == "ja_JP" else D("5.99")
    shipping = (
        '<div id="mir-layout-DELIVERY_BLOCK"><span data-csa-c-type="element" data-csa-c-content-id'
        f'="DEXUnifiedCXPDM" data-csa-c-delivery-price="{money(fee, loc)}">'
        f'{money(fee, loc)} delivery <span class="a-text-bold">Tuesday, March 12</span>.'
        "</span></div>"
    )
    body = (
        '<header id="navbar-main" class="nav-opt-sprite nav-flex nav-locale-us"><div id="nav-belt">'
        '<a href="/gp/cart/view.html" id="nav-cart" class="nav-a nav-a-2 nav-truncate"><span id="'
        'nav-cart-count" aria-hidden="true" class="nav-cart-count nav-cart-0">0</span></a></div>'
        "</header>\n"
        '<div id="dp" class="electronics en_US"><div id="dp-container" class="a-container" role="'
        'main"><div id="ppd">\n'
        f'<div id="leftCol"><div id="imgTagWrapperId" class="imgTagWrapper"><img alt="{esc(title)}"'
        f' src="https://m.media-amazon.com/images/I/{asin}._AC_SX679_.jpg" data-old-hires="" '
        'id="landingImage"></div></div>\n'
        '<div id="centerCol" class="centerColAlign"><div id="title_feature_div" class="celwidget">'
        '<h1 id="title" class="a-size-large a-spacing-none"><span id="productTitle" class="a-size-'
        f'large product-title-word-break">        {esc(title)}       </span></h1></div>\n'
        '<div id="averageCustomerReviews"><span class="a-icon-alt">4.6 out of 5 stars</span> '
        '<span id="acrCustomerReviewText" class="a-size-base">12,408 ratings</span></div>\n'
        f"{core}"
        '<div id="feature-bullets" class="a-section a-spacing-medium a-spacing-top-small"><ul class'
        '="a-unordered-list a-vertical a-spacing-mini"><li><span class="a-list-item">Best-in-class '
        "quality for everyday use.</span></li></ul></div></div>\n"
        '<div id="rightCol"><div id="desktop_buybox"><div id="buybox">'
        f"{shipping if price is not None else ''}{avail}"
        + (
            '<span class="a-button a-button-primary a-button-icon" id="submit.add-to-cart"><span '
            'class="a-button-inner"><input id="add-to-cart-button" name="submit.add-to-cart" '
            'title="Add to Shopping Cart" type="submit" value="Add to Cart" class="a-button-input">'
            '<span id="submit.add-to-cart-announce" class="a-button-text">Add to Cart</span></span>'
            "</span>"
            if in_stock and price is not None
            else ""
        )
        + "</div></div></div></div>\n"
        f"{buybox}"
        '<div id="sp_detail" class="a-carousel-container"><h2 class="a-carousel-heading">Products '
        'related to this item</h2><ol class="a-carousel" role="list">'
        f"{carousel}</ol></div>\n</div></div>\n"
        '<div id="navFooter" class="navLeftFooter nav-sprite-v1"><span>© 1996-2024, Amazon.com, '
        "Inc. or its affiliates</span></div>\n"
    )
    lang = {"en_US": "en-us", "de_DE": "de-de", "ja_JP": "ja-jp", "tr_TR": "tr-tr"}.get(
        loc, "en-gb"
    )
    html = doc(lang, f"Amazon.com: {title}", f'<link rel="canonical" href="{url}">\n', body,
               ' class="a-m-us a-aui_72554-c a-aui_a11y_6_837773-t1"')  # fmt: skip
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("amazon_detail", name, url, html, None if price is None else f"{price}",
                cur if price is not None else None, stock)  # fmt: skip


def ebay(
    name: str,
    host: str,
    item: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "en_US",
    label: str = "US $",
    was: Decimal | None = None,
    ship: Decimal | None = None,
    approx: str | None = None,
    structured: bool = True,
) -> Page:
    cur = currency_of(loc)
    url = f"https://{host}/itm/{item}"
    shown = f"{label}{number(price, loc)}"
    add = ""
    if was:
        add = (
            '<div class="x-additional-info"><div class="x-additional-info__item--0"><span class="ux-'
            f'textspans ux-textspans--STRIKETHROUGH">{label}{number(was, loc)}</span> <span class='
            f'"ux-textspans ux-textspans--EMPHASIS">{int((1 - price / was) * 100)}% off</span></div>'
            "</div>"
        )
    appr = (
        '<div class="x-price-approx"><span class="ux-textspans ux-textspans--SECONDARY">'
        'Approximately</span> <span class="x-price-approx__price"><span class="ux-textspans '
        f'ux-textspans--SECONDARY">{approx}</span></span></div>'
        if approx
        else ""
    )
    shipping = (
        '<div class="ux-labels-values col-12 ux-labels-values--shipping"><div class="ux-labels-'
        'values__labels"><span class="ux-textspans">Shipping:</span></div><div class="ux-labels-'
        'values__values"><span class="ux-textspans ux-textspans--BOLD">'
        + (f"{label}{number(ship, loc)}" if ship else "Free")
        + '</span> <span class="ux-textspans ux-textspans--SECONDARY">Standard Shipping</span>'
        "</div></div>"
    )
    similar = "".join(
        '<div class="merch-item"><a href="https://www.ebay.com/itm/1' + str(i) * 11 + '"><span '
        f'class="merch-item__title">{esc(t)}</span><div class="merch-item__price"><span class="'
        f'BOLD">{label}{number(p, loc)}</span></div></a></div>'
        for i, (t, p) in enumerate(
            zip(related_titles(5, 11), related_prices(price, 5), strict=True)
        )
    )
    body = (
        '<header id="gh" class="gh-flex"><a id="gh-la" href="https://www.ebay.com" class="gh-logo">'
        'eBay</a><ul id="gh-eb"><li id="gh-minicart-hover"><a href="https://cart.ebay.com" class="'
        'gh-eb-li-a gh-rvi-menu">Shopping cart</a></li></ul></header>\n'
        '<div class="vim x-vi-evo-main-container template-evo-avip" id="mainContent"><div class="'
        'x-evo-atf-right-river">\n'
        '<div class="vim x-item-title" data-testid="x-item-title"><h1 class="x-item-title__'
        f'mainTitle"><span class="ux-textspans ux-textspans--BOLD">{esc(title)}</span></h1></div>\n'
        '<div class="vim x-price-section mar-t-20" data-testid="x-price-section"><div data-testid="'
        f'x-price-primary" class="x-price-primary"><span class="ux-textspans">{shown}</span></div>'
        f"{appr}{add}</div>\n"
        '<div class="vim x-quantity" data-testid="x-quantity"><span class="ux-textspans ux-'
        'textspans--SECONDARY">More than 10 available</span></div>\n'
        '<div class="vim x-buybox-cta" data-testid="x-buybox-cta"><ul class="x-buybox__cta-section"'
        '><li><a data-testid="ux-call-to-action" class="ux-call-to-action fake-btn fake-btn--fluid '
        'fake-btn--large fake-btn--primary" href="#"><span class="ux-call-to-action__cell"><span '
        'class="ux-call-to-action__text">Buy It Now</span></span></a></li><li><a class="ux-call-to-'
        'action fake-btn fake-btn--fluid fake-btn--large fake-btn--secondary" href="#"><span class='
        '"ux-call-to-action__text">Add to cart</span></a></li></ul></div>\n'
        f'<div class="vim d-shipping-minview" data-testid="d-shipping-minview">{shipping}</div>\n'
        "</div></div>\n"
        '<div class="vim merch-module" data-testid="x-merch-carousel"><h2>Similar items</h2>'
        f"{similar}</div>\n"
        '<footer id="glbfooter"><p>Copyright © 1995-2024 eBay Inc. All Rights Reserved.</p>'
        "</footer>\n"
    )
    if structured:
        body += ld({"@context": "https://schema.org", "@type": "Product", "name": title,
                    "offers": {"@type": "Offer", "price": f"{price:.2f}", "priceCurrency": cur,
                               "availability": "https://schema.org/InStock",
                               "itemCondition": "https://schema.org/NewCondition", "url": url,
                               "shippingDetails": {"@type": "OfferShippingDetails",
                                                   "shippingRate": {"@type": "MonetaryAmount",
                                                                    "value": f"{ship or 0:.2f}",
                                                                    "currency": cur}}}})  # fmt: skip
    html = doc("en", f"{title} | eBay", f'<link rel="canonical" href="{url}">\n', body)
    return Page("ebay_item", name, url, html, f"{price}", cur, "in_stock")


def pages() -> list[Page]:
    return [
        amazon("apple-airpods-pro", "www.amazon.com", "B0CHWRXH8B",
               "Apple AirPods Pro (2nd Generation) Wireless Ear Buds with USB-C Charging Case",
               D("189.99"), list_price=D("249.00")),
        amazon("kaffeevollautomat", "www.amazon.de", "B07W4G6V4S",
               "Philips Kaffeevollautomat Serie 2200 mit Milchaufschäumer", D("1249.99"),
               list_price=D("1499.99"), buybox_data=False),
        amazon("kitchen-scale", "www.amazon.co.jp", "B01N2O6ZRX", "タニタ クッキングスケール KJ-212",
               D("2180")),
        amazon("protein-powder", "www.amazon.co.uk", "B000GIQS02",
               "Optimum Nutrition Gold Standard Whey Protein 2.26 kg", D("64.99"),
               unit="(£28.76 / kg)"),
        amazon("discontinued-speaker", "www.amazon.com", "B07FZ8S74R",
               "Echo (2nd Generation) Smart speaker", None, in_stock=False),
        amazon("termos", "www.amazon.com.tr", "B08L5WHFT9", "Stanley Klasik Termos 1 L",
               D("1899.00"), list_price=D("2299.00")),
        ebay("nintendo-switch-oled", "www.ebay.com", "256123456789",
             "Nintendo Switch OLED Model White Joy-Con Console", D("279.99"), was=D("349.99"),
             ship=D("12.35"), approx="EUR 259.34"),
        ebay("lego-technic", "www.ebay.com", "266234567890", "LEGO Technic 42115 Lamborghini Sián",
             D("329.00"), structured=False),
        ebay("kaffeemuehle", "www.ebay.de", "175345678901", "Graef Kaffeemühle CM 800",
             D("89.90"), loc="de_DE", label="EUR ", ship=D("4.99"), structured=False),
        ebay("vintage-camera", "www.ebay.co.uk", "134456789012", "Olympus OM-1 35mm Film Camera",
             D("145.00"), loc="en_GB", label="£", approx="US $183.52"),
    ]  # fmt: skip
