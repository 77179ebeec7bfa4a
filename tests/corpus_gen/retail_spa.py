"""Walmart (Next.js), AliExpress (runParams), Etsy, IKEA and Zara product pages."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
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


def walmart(name: str, item: str, title: str, price: Decimal, *, was: Decimal | None = None,
            in_stock: bool = True, structured: bool = False) -> Page:  # fmt: skip
    url = f"https://www.walmart.com/ip/{name}/{item}"
    info: dict[str, object] = {
        "currentPrice": {"price": float(price), "priceString": money(price, "en_US"),
                         "variantPriceString": money(price, "en_US"), "currencyUnit": "USD"},
        "wasPrice": {"price": float(was), "priceString": money(was, "en_US")} if was else None,
        "unitPrice": None, "savingsAmount": {"amount": float(was - price)} if was else None,
        "priceDisplayCodes": {"clearance": None, "reducedPrice": bool(was)},
    }  # fmt: skip
    state = {
        "props": {"pageProps": {"initialData": {"data": {
            "product": {"usItemId": item, "name": title, "brand": "Mainstays",
                        "availabilityStatus": "IN_STOCK" if in_stock else "OUT_OF_STOCK",
                        "priceInfo": info, "shortDescription": f"{title}."},
            "idml": {"specifications": []},
        }}}},
        "page": "/ip/[...seoItemId]", "query": {"seoItemId": [name, item]},
        "buildId": "IeB0FkWmI6ZG4VEbyC8fM", "isFallback": False, "gssp": True,
    }  # fmt: skip
    was_html = (
        f'<span class="mr2 f6 gray strike" data-seo-id="strike-through-price">{money(was, "en_US")}'
        "</span>"
        if was
        else ""
    )
    recs = "".join(
        f'<div data-item-id="{i}9{i}" class="sans-serif mid-gray relative flex flex-column w-100">'
        f'<span class="w_iUH7">{esc(t)}</span><div data-automation-id="product-price" class="flex '
        f'flex-wrap justify-start items-center lh-title mb1"><div class="mr1 mr2-xl b black lh-'
        f'copy f5 f4-l" aria-hidden="true">{money(p, "en_US")}</div><span class="w_iUH7">current '
        f"price {money(p, 'en_US')}</span></div></div>"
        for i, (t, p) in enumerate(zip(related_titles(4, 5), related_prices(price, 4), strict=True))
    )
    body = (
        '<div id="__next"><div class="flex flex-column h-100"><header class="bg-blue"><a link-'
        'identifier="Walmart" href="/">Walmart</a><a href="/cart" aria-label="Cart contains 0 '
        'items Total Amount $0.00"><div class="f7 white">$0.00</div></a></header>\n'
        '<main id="maincontent"><section data-testid="item-page-vertical-container"><div data-'
        'testid="product-title-section"><h1 id="main-title" class="lh-copy dark-gray mv1 f3 mh0-l '
        f'mh3 b" itemprop="name">{esc(title)}</h1></div>\n'
        '<div data-testid="add-to-cart-section"><div class="flex flex-wrap justify-start items-'
        'center"><span itemprop="price" data-seo-id="hero-price" data-fs-element="price" aria-'
        f'hidden="false" class="inline-flex flex-column">{"Now " if was else ""}'
        f"{money(price, 'en_US')}</span>{was_html}</div>"
        + (
            '<div class="mt2 f7 gray">or <b>$' + f"{price / 4:.2f}" + "/mo</b> with Affirm</div>"
            if price > 50
            else ""
        )
        + '<div class="mt3"><button data-automation-id="atc" class="w_hhLG w_8nsR w_jDfj" '
        f"{'' if in_stock else 'disabled'}>{'Add to cart' if in_stock else 'Out of stock'}"
        "</button></div></div>\n"
        '<section data-testid="carousel-container"><h2>Similar items you might like</h2>'
        f"{recs}</section></section></main></div></div>\n"
        f'<script id="__NEXT_DATA__" type="application/json">{js(state)}</script>\n'
    )
    if structured:
        body += (
            '<script data-seo-id="schema-org-product" type="application/ld+json">'
            + js({"@context": "https://schema.org", "@type": "Product", "name": title,
                  "sku": item, "offers": {"@type": "Offer", "price": float(price),
                                          "priceCurrency": "USD", "availability":
                                          "https://schema.org/InStock", "url": url}})
            + "</script>\n"
        )  # fmt: skip
    html = doc("en-US", f"{title} - Walmart.com", f'<link rel="canonical" href="{url}">\n', body)
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("walmart_nextjs", name, url, html, f"{price}", "USD", stock)


def aliexpress(name: str, item: str, title: str, price: Decimal, orig: Decimal, *,
               host: str = "www.aliexpress.us", label: str = "US $",
               loc: str = "en_US") -> Page:  # fmt: skip
    url = f"https://{host}/item/{item}.html"
    cur = currency_of(loc)
    run = {
        "data": {
            "priceComponent": {
                "origPrice": {"minAmount": {"currency": cur, "formatedAmount":
                                            f"{label}{number(orig, loc)}", "value": float(orig)}},
                "discountPrice": {"minActivityAmount": {"currency": cur, "formatedAmount":
                                                        f"{label}{number(price, loc)}",
                                                        "value": float(price)}},
                "discount": int((1 - price / orig) * 100),
            },
            "productInfoComponent": {"subject": title, "id": int(item)},
            "inventoryComponent": {"totalAvailQuantity": 2311},
        }
    }  # fmt: skip
    more = "".join(
        f'<a class="slider--item--RpyeewA" href="/item/100500{i}.html"><div class="slider--title--'
        f'Bwh2mUG">{esc(t)}</div><div class="slider--price--IKb8yO5"><span>{label}'
        f"{number(p, loc)}</span></div></a>"
        for i, (t, p) in enumerate(zip(related_titles(6, 1), related_prices(price, 6), strict=True))
    )
    body = (
        cookie_banner()
        + '<div id="root"><div class="pdp-wrap"><div class="pdp-body pdp-wrap"><div class="pdp-'
        'body-top-left"><div class="image-view--wrap--ewraVkn"><img src="https://ae01.alicdn.com/'
        f'kf/S{item}.jpg_640x640.jpg" alt="{esc(title)}"></div></div>\n'
        '<div class="pdp-info"><div class="pdp-info-right"><div class="price--wrap--tA4MDk4 '
        'product-price price--hasDiscount--LTvrFnq" data-pl="product-price"><div class="price--'
        'current--I3Zeidd product-price-current"><span class="price--currentPriceText--V8_y_b5 '
        f'pdp-comp-price-current product-price-value">{label}{number(price, loc)}</span></div>'
        '<div class="price--original--wEueRiZ"><span class="price--originalText--gxVO5_d">'
        f'{label}{number(orig, loc)}</span><span class="price--discount--Y9uG2LK">'
        f"{int((1 - price / orig) * 100)}% off</span></div></div>\n"
        '<div class="coupon-block--wrap--NTr8S2w">Extra 5% off with coins</div>\n'
        f'<h1 data-pl="product-title">{esc(title)}</h1>\n'
        '<div class="shipping--wrap--Dhb61O7"><div class="dynamic-shipping-line dynamic-shipping-'
        f'titleLayout"><span><strong>Shipping: {label}{number(D("2.99"), loc)}</strong></span>'
        "</div></div>\n"
        '<div class="action--wrap--MxkeXJ3"><button class="comet-v2-btn comet-v2-btn-primary '
        'comet-v2-btn-large buy-now--buynow--OH44OI8">Buy now</button><button class="comet-v2-btn '
        'comet-v2-btn-large add-to-cart--addtocart--RXmuNXk">Add to cart</button></div>\n'
        "</div></div></div>\n"
        f'<div class="pdp-more-to-love"><h2>More to love</h2><div class="slider--box">{more}</div>'
        "</div></div></div>\n" + script(f"window.runParams = {js(run)};\nvar GaData = {{}};")
    )
    html = doc("en", f"{title} - AliExpress", f'<link rel="canonical" href="{url}">\n', body)
    return Page("aliexpress_item", name, url, html, f"{price}", cur, "in_stock")


def etsy(name: str, listing: str, title: str, low: Decimal, high: Decimal | None = None, *,
         was: Decimal | None = None, loc: str = "en_US", structured: bool = True) -> Page:  # fmt: skip
    url = f"https://www.etsy.com/listing/{listing}/{name}"
    cur = currency_of(loc)
    shown = money(low, loc) + ("+" if high else "")
    strike = (
        '<p class="wt-text-caption wt-text-slime wt-mb-xs-1"><span class="wt-text-strikethrough">'
        f'<span class="wt-screen-reader-only">Original Price:</span>{money(was, loc)}</span></p>'
        if was
        else ""
    )
    body = (
        cookie_banner()
        + '<div id="content" class="wt-body-max-width"><div class="listing-page-content"><div '
        'class="wt-grid wt-position-relative wt-pl-xs-0 wt-pr-xs-0"><div class="wt-mt-xs-1 '
        'wt-mb-xs-2" data-buy-box-region="price"><div data-selector="price-only" class="wt-mb-xs-1">'
        '<div class="wt-display-flex-xs wt-align-items-center"><p class="wt-text-title-larger '
        f'wt-mr-xs-1 "><span class="wt-screen-reader-only">Price:</span>{shown}</p></div>'
        f"{strike}</div></div>\n"
        f'<h1 class="wt-line-height-tight wt-break-word wt-text-body-01" data-buy-box-listing-'
        f'title="true">{esc(title)}</h1>\n'
        '<div data-selector="listing-page-variations"><select id="variation-selector-0" class="wt-'
        'select__element" name="listing-variation-id"><option value="" selected>Select an option'
        "</option>"
        + (
            f'<option value="1">Small ({money(low, loc)})</option><option value="2">Large '
            f"({money(high, loc)})</option>"
            if high
            else ""
        )
        + "</select></div>\n"
        '<div class="wt-mt-xs-2"><button type="submit" class="wt-btn wt-btn--filled wt-width-full"'
        ">Add to cart</button></div>\n"
        '<div data-appears-component-name="shipping_and_policies"><p>Cost to ship: <span class="'
        f'currency-value">{number(D("6.95"), loc)}</span></p></div>\n'
        "</div></div></div>\n"
        '<div class="wt-mt-xs-6" data-appears-component-name="more_from_shop"><h2>More from this '
        "shop</h2><ul>"
        + "".join(
            f'<li class="v2-listing-card"><h3 class="v2-listing-card__title">{esc(t)}</h3><p class'
            f'="wt-text-title-01 lc-price"><span class="currency-symbol">{money(D(0), loc)[0]}</span><span class="'
            f'currency-value">{number(p, loc)}</span></p></li>'
            for t, p in zip(related_titles(4, 6), related_prices(low, 4), strict=True)
        )
        + "</ul></div>\n"
    )
    if structured:
        offers: dict[str, object] = (
            {"@type": "AggregateOffer", "offerCount": 12, "lowPrice": f"{low:.2f}",
             "highPrice": f"{high:.2f}", "priceCurrency": cur,
             "availability": "https://schema.org/InStock"}
            if high
            else {"@type": "Offer", "price": f"{low:.2f}", "priceCurrency": cur,
                  "availability": "https://schema.org/InStock"}
        )  # fmt: skip
        body += ld(
            {
                "@type": "Product",
                "@context": "https://schema.org",
                "url": url,
                "name": title,
                "offers": offers,
                "brand": {"@type": "Brand", "name": "Shop"},
            }
        )
    html = doc("en-US", f"{title} - Etsy", f'<link rel="canonical" href="{url}">\n', body)
    note = "variations, none chosen: the lowest ('from') price" if high else ""
    return Page("etsy_listing", name, url, html, f"{low}", cur, "in_stock", note=note)


def ikea(name: str, host: str, item: str, title: str, price: Decimal, *, loc: str = "en_US",
         structured: bool = True, lang: str = "en") -> Page:  # fmt: skip
    country = host.split("/")[1]
    url = f"https://{host}/p/{name}-{item}/"
    cur = currency_of(loc)
    n = number(price, loc)
    dec_mark = "," if loc not in ("en_US", "en_GB") else "."
    whole, _, frac = n.rpartition(dec_mark) if dec_mark in n else (n, "", "")
    sym_first = loc in ("en_US", "en_GB")
    sym = money(D(0), loc).replace("0", "").replace(".", "").replace(",", "").strip()
    sym_html = (
        '<span class="pip-price__currency-symbol pip-price__currency-symbol--'
        f'{"leading" if sym_first else "trailing"} pip-price__currency-symbol--superscript">'
        f"{sym}</span>"
    )
    digits = f'<span class="pip-price__integer">{whole}</span>' + (
        f'<span class="pip-price__decimal pip-price__decimal--superscript">{dec_mark}{frac}</span>'
        if frac
        else ""
    )
    visible = (
        f'<span class="pip-price"><span class="pip-price__sr-text">Price {sym} {n}</span>'
        f'<span class="pip-price__nowrap" aria-hidden="true">'
        f"{sym_html + digits if sym_first else digits + sym_html}</span></span>"
    )
    body = (
        cookie_banner()
        + '<div class="hnf-page-container"><header class="hnf-header"><a class="hnf-btn hnf-btn--'
        f'small hnf-btn--icon-tertiary" href="https://{host.split("/")[0]}/{country}/{lang}/'
        'shoppingcart/"><span class="hnf-btn__label">Shopping bag</span></a></header>\n'
        '<main class="pip-page-container"><div class="pip-page-container__inner"><div class="pip-'
        'page-container__main"><div class="pip-product__subgrid product-pip js-product-pip" '
        f'data-product-id="{item}" data-product-type="ART">\n'
        '<div class="pip-product__buy-module-container"><div class="pip-temp-price-module '
        'pip-temp-price-module--informational"><div class="pip-temp-price-module__information">'
        '<h1 class="pip-header-section"><span class="pip-header-section__title--big notranslate">'
        f'{esc(title.split(" ")[0])}</span><span class="pip-header-section__description"><span '
        f'class="pip-header-section__description-text">{esc(" ".join(title.split(" ")[1:]))}'
        "</span></span></h1>"
        f'<div class="pip-temp-price-module__price">{visible}</div></div></div>\n'
        '<div class="pip-buy-module__buttons"><button type="button" class="pip-btn pip-btn--'
        'emphasised pip-btn--fluid"><span class="pip-btn__inner"><span class="pip-btn__label">Add '
        "to bag</span></span></button></div></div>\n"
        '<div class="pip-product-styles"><h3>Goes well with</h3>'
        + "".join(
            f'<div class="pip-product-compact"><span class="pip-product-compact__name">{esc(t)}'
            f'</span><span class="pip-price"><span class="pip-price__sr-text">Price {sym} '
            f'{number(p, loc)}</span><span class="pip-price__integer" aria-hidden="true">'
            f"{number(p, loc)}</span></span></div>"
            for t, p in zip(related_titles(3, 4), related_prices(price, 3), strict=True)
        )
        + "</div></div></div></div></div></main></div>\n"
    )
    if structured:
        body += ld(
            {
                "@context": "http://schema.org",
                "@type": "Product",
                "name": title,
                "sku": item,
                "offers": {
                    "@type": "Offer",
                    "price": f"{price:.2f}",
                    "priceCurrency": cur,
                    "availability": "http://schema.org/InStock",
                    "url": url,
                },
            }
        )
    html = doc(lang, f"{title} - IKEA", f'<link rel="canonical" href="{url}">\n', body)
    return Page("ikea_pip", name, url, html, f"{price}", cur, None)


def zara(name: str, host: str, ref: str, title: str, price: Decimal, *, loc: str,
         old: Decimal | None = None, lang: str = "en") -> Page:  # fmt: skip
    url = f"https://{host}/{name}-p{ref}.html"
    cur = currency_of(loc)
    minor = cents(price) if cur not in ("JPY",) else int(price)
    payload = {
        "product": {"id": int(ref), "name": title, "detail": {"colors": [{
            "id": "800", "name": "BLACK", "price": minor,
            "oldPrice": (cents(old) if cur != "JPY" else int(old)) if old else None,
            "availability": "in_stock"}]}},
        "currency": {"code": cur, "format": "#,##0.00 " + cur, "decimals": 0 if cur == "JPY" else 2},
    }  # fmt: skip
    old_html = (
        '<span class="price-old__amount price__amount price__amount--old"><div class="money-'
        f'amount price-formatted__price-amount"><span class="money-amount__main">{money(old, loc)}'
        "</span></div></span>"
        if old
        else ""
    )
    body = (
        cookie_banner()
        + '<div id="app-root"><div class="layout-content"><div class="product-detail-view__main">'
        '<div class="product-detail-view__side-bar"><div class="product-detail-info"><div class="'
        f'product-detail-info__header"><h1 class="product-detail-info__header-name">{esc(title)}'
        '</h1></div><div class="product-detail-info__price"><div class="product-detail-info__price-'
        f'amount price">{old_html}<span class="price-current"><span class="price-current__amount">'
        '<div class="money-amount price-formatted__price-amount"><span class="money-amount__main">'
        f"{money(price, loc)}</span></div></span></span></div></div>\n"
        '<div class="product-detail-size-selector"><ul class="size-selector-list"><li class="size-'
        'selector-list__item">S</li><li class="size-selector-list__item">M</li></ul></div>\n'
        '<button class="zds-button product-cart-buttons__add-to-cart" data-qa-action="add-to-cart">'
        '<div class="zds-button__lines-wrapper">Add</div></button></div></div></div></div>\n'
        '<section class="product-detail-view__secondary-content"><h2>You may be interested in</h2>'
        + "".join(
            f'<li class="product-grid-product"><a class="product-link" href="#">{esc(t)}</a>'
            '<div class="money-amount price-formatted__price-amount"><span class="money-amount__'
            f'main">{money(p, loc)}</span></div></li>'
            for t, p in zip(related_titles(4, 8), related_prices(price, 4), strict=True)
        )
        + "</section></div>\n"
        + script(f"window.zara = window.zara || {{}}; window.zara.viewPayload = {js(payload)};")
    )
    html = doc(lang, f"{title} - ZARA", f'<link rel="canonical" href="{url}">\n', body)
    return Page("zara_product", name, url, html, f"{price}", cur, None)


def pages() -> list[Page]:
    return [
        walmart("mainstays-fan", "170273478", "Mainstays 16 inch Stage Fan, Black", D("24.97"),
                was=D("29.97")),
        walmart("hp-14-laptop", "5183012345", "HP 14 inch Laptop, Intel Celeron N4500, 4GB RAM",
                D("179.00"), structured=True),
        walmart("ninja-blender", "382749103", "Ninja Professional Blender BL610", D("89.00"),
                in_stock=False),
        aliexpress("usb-c-hub", "3256805123456789", "USB C Hub 7 in 1 Type C Adapter HDMI 4K",
                   D("7.89"), D("15.78")),
        aliexpress("wireless-mouse", "1005004987654321", "Wireless Mouse 2.4G Silent Ergonomic",
                   D("3.59"), D("8.99")),
        aliexpress("mechanical-keyboard", "1005005112233445", "Mechanical Keyboard 87 Keys RGB",
                   D("1299.99"), D("2599.98"), host="tr.aliexpress.com", label="",
                   loc="tr_TR"),
        etsy("personalized-leather-keychain", "1234567890", "Personalized Leather Keychain",
             D("18.00"), D("26.00")),
        etsy("ceramic-planter", "1122334455", "Handmade Ceramic Planter with Drainage",
             D("42.00"), was=D("56.00"), structured=False),
        etsy("linen-tablecloth", "9988776655", "Linen Tablecloth Natural", D("64.00"),
             loc="en_GB"),
        ikea("kallax-shelf-unit", "www.ikea.com/us/en", "80275887", "KALLAX Shelf unit, white",
             D("89.99")),
        ikea("billy-buecherregal", "www.ikea.com/de/de", "00263850", "BILLY Bücherregal, weiß",
             D("59.99"), loc="de_DE", structured=False, lang="de"),
        ikea("poang-armchair", "www.ikea.com/gb/en", "99305685", "POÄNG Armchair, birch veneer",
             D("129.00"), loc="en_GB", structured=False),
        ikea("malm-komod", "www.ikea.com/hu/hu", "80214548", "MALM Komód 6 fiókos, fehér",
             D("49990"), loc="hu_HU", structured=False, lang="hu"),
        zara("oversize-blazer", "www.zara.com/es/es", "02753611", "BLAZER OVERSIZE", D("59.95"),
             loc="es_ES", lang="es"),
        zara("leather-effect-jacket", "www.zara.com/tr/tr", "05479402", "DERİ EFEKTLİ CEKET",
             D("1990.00"), loc="tr_TR", old=D("2590.00"), lang="tr"),
        zara("wool-coat", "www.zara.com/jp/ja", "02010780", "ウールブレンドコート", D("19990"),
             loc="ja_JP_yen", lang="ja"),
        zara("dzianinowy-sweter", "www.zara.com/pl/pl", "03859110", "DZIANINOWY SWETER",
             D("199.90"), loc="pl_PL", old=D("259.00"), lang="pl"),
    ]  # fmt: skip
