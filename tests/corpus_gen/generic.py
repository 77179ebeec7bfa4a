"""Small-shop and hosted-builder pages (microdata, OpenGraph only, hand-written HTML, Wix,
Squarespace, Flipkart, Coupang) and the negatives: listings, articles, discontinued products."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    Page,
    cookie_banner,
    currency_of,
    doc,
    esc,
    ld,
    money,
    related_prices,
    related_titles,
)

D = Decimal


def _header(host: str, loc: str) -> str:
    return (
        f'<header class="top"><a class="brand" href="/">{esc(host)}</a><nav><a href="/shop">Shop'
        f'</a> <a href="/sale">Sale</a></nav><a class="basket" href="/basket">Basket ('
        f"{money(D(0), loc)})</a></header>\n"
        '<div class="topbar-promo">Free delivery over ' + money(D(60), loc) + "</div>\n"
    )


def _also(price: Decimal, loc: str, n: int = 4) -> str:
    return (
        '<aside class="also-bought"><h2>Customers also bought</h2><ul>'
        + "".join(
            f'<li><a href="#">{esc(t)}</a> <span class="price">{money(p, loc)}</span></li>'
            for t, p in zip(related_titles(n, 21), related_prices(price, n), strict=True)
        )
        + "</ul></aside>\n"
    )


def microdata(name: str, host: str, title: str, price: Decimal, *, loc: str = "de_DE",
              old: Decimal | None = None, lang: str = "de", in_stock: bool = True) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/produkt/{name}"
    avail = "InStock" if in_stock else "OutOfStock"
    body = (
        _header(host, loc) + '<div class="product" itemscope itemtype="https://schema.org/Product">'
        f'<h1 itemprop="name">{esc(title)}</h1><img itemprop="image" src="/img/{name}.jpg" alt="">'
        + (f'<p class="old">statt <s>{money(old, loc)}</s></p>' if old else "")
        + '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        f'<span itemprop="price" content="{price}">{money(price, loc)}</span>'
        f'<meta itemprop="priceCurrency" content="{cur}"><link itemprop="availability" '
        f'href="https://schema.org/{avail}"></div>'
        '<p class="vat">inkl. 19% MwSt., zzgl. Versandkosten (4,95 €)</p>'
        '<form action="/basket/add" method="post"><button>In den Warenkorb</button></form></div>\n'
        + _also(price, loc)
    )
    html = doc(lang, title, "", body)
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("microdata_boutique", name, url, html, f"{price}", cur, stock)


def opengraph(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_US",
              old: Decimal | None = None) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/shop/{name}"
    head = (
        '<meta property="og:type" content="product">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="product:price:amount" content="{price}">\n'
        f'<meta property="product:price:currency" content="{cur}">\n'
        + (f'<meta property="product:original_price:amount" content="{old}">\n' if old else "")
    )
    body = (
        _header(host, loc)
        + f'<article class="item"><h1>{esc(title)}</h1><div class="item-price">'
        + (f'<span class="was">{money(old, loc)}</span> ' if old else "")
        + f'<span class="now">{money(price, loc)}</span></div><button class="buy">Buy now</button>'
        "</article>\n" + _also(price, loc)
    )
    html = doc("en", title, head, body)
    return Page("opengraph_only", name, url, html, f"{price}", cur, None)


def plain(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_GB",
          old: Decimal | None = None, lang: str = "en", split: bool = False,
          in_stock: bool = True) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/products/{name}.html"
    shown = money(price, loc)
    if split:  # e.g. "1.299,<sup>99</sup> €"
        shown = shown.replace(",", ",<sup>", 1).replace("\u00a0", "</sup>\u00a0", 1)
    body = (
        _header(host, loc)
        + '<div id="product-main" class="product-main"><div class="product-image"><img src="/p/'
        f'{name}.jpg" alt=""></div><div class="product-details"><h1 class="product-name">'
        f'{esc(title)}</h1>\n<div class="product-price">'
        + (f'<span class="price-old">{money(old, loc)}</span> ' if old else "")
        + f'<span class="price-new">{shown}</span></div>\n'
        '<p class="shipping-note">+ '
        + money(D("990") if cur == "HUF" else D("3.95"), loc)
        + " shipping</p>\n"
        + (
            '<p class="availability in-stock">In stock</p><button class="add-to-basket">Add to '
            "basket</button>"
            if in_stock
            else '<p class="availability sold-out">Sold out</p>'
        )
        + "</div></div>\n"
        + _also(price, loc)
    )
    html = doc(lang, f"{title} | {host}", "", body)
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("plain_boutique", name, url, html, f"{price}", cur, stock)


def wix(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_US",
        was: Decimal | None = None, structured: bool = True) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/product-page/{name}"
    secondary = (
        f'<span data-hook="formatted-secondary-price" class="_2xaBA">{money(was, loc)}</span>'
        if was
        else ""
    )
    body = (
        '<div id="SITE_CONTAINER"><div id="site-root"><header id="SITE_HEADER"><a data-hook='
        '"cart-icon-button" href="/cart-page"><span data-hook="items-count">0</span></a></header>'
        '<main id="PAGES_CONTAINER"><div data-hook="product-page"><section data-hook="product-'
        f'page-details"><h1 data-hook="product-title" class="_2qrJF">{esc(title)}</h1>'
        f'<div data-hook="product-price"><div data-hook="product-prices-wrapper">{secondary}'
        f'<span data-hook="formatted-primary-price" class="_26qxh">{money(price, loc)}</span>'
        '</div></div><div data-hook="add-to-cart-button"><button data-hook="add-to-cart">Add to '
        "Cart</button></div></section></div></main></div></div>\n"
        '<div data-hook="related-products"><h2>Related Products</h2>'
        + "".join(
            f'<div data-hook="product-item-root"><h3 data-hook="product-item-name">{esc(t)}</h3>'
            f'<span data-hook="product-item-price-to-pay">{money(p, loc)}</span></div>'
            for t, p in zip(related_titles(4, 17), related_prices(price, 4), strict=True)
        )
        + "</div>\n"
    )
    if structured:
        body += ld(
            {
                "@context": "https://schema.org/",
                "@type": "Product",
                "name": title,
                "Offers": {
                    "@type": "Offer",
                    "price": f"{price}",
                    "priceCurrency": cur,
                    "Availability": "https://schema.org/InStock",
                },
            }
        )
    html = doc("en", f"{title} | {host}", "", body)
    note = "Wix writes Offers/Availability capitalised" if structured else ""
    return Page("wix_stores", name, url, html, f"{price}", cur, None, note=note)


def squarespace(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_US",
                sale: Decimal | None = None, sold_out: bool = False) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/shop/p/{name}"
    current = sale or price
    head = (
        f'<meta property="og:title" content="{esc(title)}">\n'
        '<meta property="og:type" content="product">\n'
        f'<meta property="product:price:amount" content="{current}">\n'
        f'<meta property="product:price:currency" content="{cur}">\n'
        f'<meta property="product:availability" content="{"oos" if sold_out else "instock"}">\n'
    )
    price_html = (
        f'<div class="product-price"><span class="visually-hidden">Sale Price:</span>'
        f'{money(sale, loc)}<span class="visually-hidden">Original Price:</span><span class="'
        f'original-price">{money(price, loc)}</span></div>'
        if sale
        else f'<div class="product-price">{money(price, loc)}</div>'
    )
    body = (
        '<header id="header" class="header theme-col--primary"><a href="/cart" class="header-'
        'actions-action--cart"><span class="icon-cart-quantity">0</span></a></header>\n'
        '<main id="page"><section class="product-detail"><article class="ProductItem" data-item-'
        f'id="{len(name)}5ab"><div class="ProductItem-details"><h1 class="ProductItem-details-'
        f'title" data-content-field="title">{esc(title)}</h1>{price_html}'
        + ('<div class="product-mark sold-out">sold out</div>' if sold_out else "")
        + '<div class="sqs-add-to-cart-button-wrapper"><div class="sqs-add-to-cart-button sqs-suppress-'
        f'edit-mode sqs-editable-button"{" data-sold-out" if sold_out else ""}><div class="sqs-'
        'add-to-cart-button-inner">Add To Cart</div></div></div></div></article></section>\n'
        '<section class="ProductItem-relatedProducts"><h2>You Might Also Like</h2>'
        + "".join(
            f'<a class="ProductItem-relatedProducts-item" href="#"><span class="ProductItem-'
            f'relatedProducts-item-title">{esc(t)}</span><div class="product-price">'
            f"{money(p, loc)}</div></a>"
            for t, p in zip(related_titles(4, 19), related_prices(current, 4), strict=True)
        )
        + "</section></main>\n"
    )
    html = doc("en-US", f"{title} — {host}", head, body)
    stock = "out_of_stock" if sold_out else "in_stock"
    return Page("squarespace_commerce", name, url, html, f"{current}", cur, stock)


def flipkart(name: str, title: str, price: Decimal, mrp: Decimal) -> Page:
    url = f"https://www.flipkart.com/{name}/p/itm{len(name)}a9f2b?pid=MOB{len(name)}XYZ"
    loc = "en_IN"
    body = (
        '<div id="container"><header class="_1TmfNK"><a href="/viewcart">Cart</a></header>\n'
        f'<div class="C7fEHH"><h1 class="_6EBuvT"><span class="VU-ZEz">{esc(title)}</span></h1>'
        '<div class="x+7QT1 dB67CR">Special price</div><div class="UOCQB1"><div class="CEmiEU">'
        f'<div class="hl05eU"><div class="Nx9bqj CxhGGd">{money(price, loc)}</div><div class="'
        f'yRaY8j A6+E6v">{money(mrp, loc)}</div><div class="UkUFwK WW8yVX"><span>'
        f"{int((1 - price / mrp) * 100)}% off</span></div></div></div></div>\n"
        '<div class="_9IZ5ag">EMI from <span>'
        + money((price / 12).quantize(D(1)), loc)
        + "/month</span></div>\n"
        '<ul class="row"><li><button class="QqFHMw vslbG+ In9uk2">Add to cart</button></li><li>'
        '<button class="QqFHMw vslbG+ _3Yl67G _7Pd1Fp">Buy now</button></li></ul></div>\n'
        '<div class="_1YokD2"><h2>Similar products</h2>'
        + "".join(
            f'<div class="_4ddWXP"><a class="s1Q9rs">{esc(t)}</a><div class="_30jeq3">'
            f"{money(p.to_integral(), loc)}</div></div>"
            for t, p in zip(related_titles(4, 23), related_prices(price, 4), strict=True)
        )
        + "</div></div>\n"
    )
    html = doc("en", f"{title} Price in India - Buy Online | Flipkart.com", "", body)
    return Page("flipkart_pdp", name, url, html, f"{price}", "INR", None)


def coupang(name: str, title: str, price: Decimal, origin: Decimal | None = None) -> Page:
    url = (
        f"https://www.coupang.com/vp/products/{len(name)}7312?itemId=1{len(name)}22&vendorItemId=7"
    )
    loc = "ko_KR"
    body = (
        '<div id="header"><a href="//cart.coupang.com/cartView.pang">장바구니</a></div>\n'
        '<div class="prod-atf"><div class="prod-buy-header"><h2 class="prod-buy-header__title">'
        f"{esc(title)}</h2></div>\n"
        '<div class="prod-price-container"><div class="prod-price"><div class="prod-origin-price">'
        + (
            f'<span class="discount-rate">{int((1 - price / origin) * 100)}%</span><span class="'
            f'origin-price">{money(origin, loc)}</span>'
            if origin
            else ""
        )
        + '</div><div class="prod-sale-price"><span class="total-price"><strong>'
        f"{money(price, loc)}</strong></span></div></div></div>\n"
        '<div class="prod-shipping-fee-message"><em class="prod-txt-bold">무료배송</em></div>\n'
        '<button class="prod-buy-btn">바로구매</button></div>\n'
        '<div class="prod-recommend"><h3>다른 고객이 함께 본 상품</h3>'
        + "".join(
            f'<div class="recommend-item"><span>{esc(t)}</span><em class="sale">'
            f"{money(p.to_integral(), loc)}</em></div>"
            for t, p in zip(related_titles(4, 25), related_prices(price, 4), strict=True)
        )
        + "</div>\n"
    )
    html = doc("ko", f"{title} - 쿠팡!", "", body)
    return Page("coupang_vp", name, url, html, f"{price}", "KRW", None)


def listing(name: str, host: str, path: str, heading: str, prices: list[Decimal], *,
            loc: str = "en_US", itemlist: bool = False) -> Page:  # fmt: skip
    url = f"https://{host}{path}"
    titles = related_titles(len(prices), len(name))
    cards = "".join(
        f'<li class="product-card"><a href="/products/{t.lower().replace(" ", "-")}"><img src="/i/'
        f'{i}.jpg" alt=""><h3 class="product-card__title">{esc(t)}</h3></a><div class="price">'
        f'<span class="price-item price-item--regular">{money(p, loc)}</span></div><button '
        'class="quick-add__submit">Add to cart</button></li>\n'
        for i, (t, p) in enumerate(zip(titles, prices, strict=True))
    )
    body = (
        cookie_banner()
        + _header(host, loc)
        + f'<main><h1 class="collection-hero__title">{esc(heading)}</h1><p class="collection-'
        f'product-count">{len(prices)} products</p><ul id="product-grid" class="grid product-'
        f'grid">{cards}</ul><nav class="pagination"><a href="?page=2">Next</a></nav></main>\n'
    )
    if itemlist:
        body += ld({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "item": {
                "@type": "Product", "name": t, "url": f"https://{host}/products/{i}",
                "offers": {"@type": "Offer", "price": f"{p}", "priceCurrency": currency_of(loc)}}}
            for i, (t, p) in enumerate(zip(titles, prices, strict=True))]})  # fmt: skip
    html = doc("en", f"{heading} | {host}", "", body)
    return Page("listing_page", name, url, html, None, None, None,
                note="category page with many products: no single price")  # fmt: skip


def article(name: str, host: str, heading: str, picks: list[tuple[str, Decimal]], *,
            loc: str = "en_US") -> Page:  # fmt: skip
    url = f"https://{host}/blog/{name}"
    body = (
        f'<header class="blog-header"><a href="/">{esc(host)}</a></header>\n'
        f'<article class="post"><h1 class="post-title">{esc(heading)}</h1><p class="byline">By '
        "Sam Reviewer · 8 min read</p>"
        + "".join(
            f"<h2>{i + 1}. {esc(t)}</h2><p>Our pick at <strong>{money(p, loc)}</strong>, down "
            f"from {money(p * D('1.2'), loc)} last month. It brews fast and cleans up easily.</p>"
            f'<a class="btn-affiliate" href="https://shop.example/{i}" rel="sponsored">Check '
            "price</a>"
            for i, (t, p) in enumerate(picks)
        )
        + "</article>\n"
    )
    html = doc("en", heading, '<meta property="og:type" content="article">\n', body)
    return Page("article_review", name, url, html, None, None, None,
                note="editorial page quoting several prices: not a product")  # fmt: skip


def discontinued(name: str, host: str, title: str, *, loc: str = "en_US",
                 message: str = "This product is no longer available.") -> Page:  # fmt: skip
    url = f"https://{host}/products/{name}"
    body = (
        _header(host, loc)
        + f'<main class="product product--unavailable"><h1 class="product__title">{esc(title)}'
        f'</h1><p class="product__notice">{esc(message)}</p><button class="notify-me" type="'
        'button">Notify me when available</button></main>\n' + _also(D("45.00"), loc)
    )
    html = doc("en", title, "", body)
    return Page("discontinued_page", name, url, html, None, None, "out_of_stock",
                note="no price is shown for the product itself; the prices are recommendations")  # fmt: skip


def pages() -> list[Page]:
    return [
        microdata("lederguertel", "lederwerk-berlin.de", "Ledergürtel Vollrind 4 cm",
                  D("59.00"), old=D("79.00")),
        microdata("holzspielzeug-zug", "holzkiste.de", "Holzeisenbahn Starterset", D("1249.00")),
        microdata("teekanne-gusseisen", "teehaus-mueller.de", "Teekanne Gusseisen 1,2 l",
                  D("44.50"), in_stock=False),
        opengraph("vinyl-record", "recordcrate.com", "Kind of Blue (180g Vinyl)", D("27.99")),
        opengraph("poster-print", "printloft.co.uk", "Mountain Poster A2", D("24.00"),
                  loc="en_GB", old=D("30.00")),
        opengraph("gin-botanical", "distillery-direct.com.au", "Botanical Gin 700ml", D("79.00"),
                  loc="en_AU"),
        plain("handmade-mug", "potteryshed.co.uk", "Handmade Stoneware Mug", D("22.00"),
              old=D("28.00")),
        plain("silberkette", "schmuckatelier.de", "Silberkette 925 45 cm", D("1299.99"),
              loc="de_DE", lang="de", split=True),
        plain("chaise-bois", "atelier-meuble.fr", "Chaise en bois massif", D("249.00"),
              loc="fr_FR", lang="fr"),
        plain("wool-throw", "potteryshed.co.uk", "Wool Throw Blanket", D("85.00"),
              in_stock=False),
        plain("orgu-canta", "el-emegi.com.tr", "El Örgüsü Çanta", D("749.90"), loc="tr_TR",
              lang="tr", old=D("899.90")),
        plain("bolsa-couro", "couro-artesanal.com.br", "Bolsa de Couro Legítimo", D("1299.90"),
              loc="pt_BR", lang="pt-BR"),
        plain("kezmuves-bogre", "agyagmuhely.hu", "Kézműves kerámia bögre", D("6490"),
              loc="hu_HU", lang="hu"),
        wix("soy-candle", "glowcandleco.com", "Soy Candle — Amber & Moss", D("25.00"),
            was=D("30.00")),
        wix("linen-apron", "kitchenlinen.co", "Linen Apron", D("42.00"), structured=False),
        wix("ceramic-vase", "studioclay.ca", "Speckled Ceramic Vase", D("68.00"), loc="en_CA"),
        squarespace("field-notes-set", "paperandink.com", "Field Notes 3-Pack", D("14.00")),
        squarespace("brass-pen", "paperandink.com", "Brass Pen", D("45.00"), sale=D("36.00")),
        squarespace("leather-journal", "paperandink.com", "Leather Journal", D("58.00"),
                    sold_out=True),
        flipkart("apple-iphone-15", "Apple iPhone 15 (Black, 128 GB)", D("65999"), D("79900")),
        flipkart("samsung-tv-55", "Samsung Crystal 4K 138 cm (55 inch) Smart TV", D("129999"),
                 D("149900")),
        coupang("air-fryer-5l", "에어프라이어 5L 대용량", D("129000"), D("159000")),
        coupang("coffee-beans-1kg", "원두커피 1kg 홀빈", D("23900")),
        coupang("sparkling-water-24", "탄산수 500ml x 24개", D("8990"), D("12900")),
        flipkart("boat-earbuds", "boAt Airdopes 141 Bluetooth Headset", D("1299"), D("4490")),
        article("price-history", "dealwatch-like.com", "Price history: this TV was cheaper in March",
                [("55-inch 4K TV", D("449.99")), ("65-inch 4K TV", D("649.99"))]),
        discontinued("slim-wallet-v2", "carryall-goods.com", "Slim Wallet V2",
                      message="Sold out - this item will not be restocked."),
        listing("search-results", "www.amazon.com", "/s?k=usb+c+hub", "Results for \"usb c hub\"",
                [D("19.99"), D("25.49"), D("15.99"), D("34.99"), D("12.99")]),
        listing("collection-tees", "northwind-apparel.com", "/collections/t-shirts", "T-Shirts",
                [D("24.00"), D("28.00"), D("19.00"), D("32.00"), D("24.00"), D("26.00")]),
        listing("shop-page", "threadsandco.com", "/shop/", "Shop",
                [D("18.00"), D("42.00"), D("55.00"), D("12.00")], itemlist=True),
        listing("category-bags", "luma-outdoor.com", "/gear/bags.html", "Bags",
                [D("34.00"), D("24.00"), D("45.00"), D("32.00"), D("59.00")], itemlist=True),
        listing("sale-de", "nordlicht-mode.de", "/collections/sale", "Sale",
                [D("19.95"), D("29.95"), D("9.95")], loc="de_DE"),
        article("best-espresso-machines", "coffeegeek-like.com",
                "The 5 Best Espresso Machines Under $500",
                [("Breville Bambino", D("299.95")), ("Gaggia Classic", D("449.00")),
                 ("De'Longhi Dedica", D("199.95"))]),
        article("gift-guide", "thewirecutter-like.com", "Gift Guide: 10 Gifts Under $50",
                [("Wool Socks", D("24.00")), ("Pour-Over Kettle", D("45.00")),
                 ("Notebook", D("12.00")), ("Candle", D("28.00"))]),
        discontinued("classic-runner-v1", "peakgear.co", "Classic Runner V1"),
        discontinued("retro-radio", "radiowerk.de", "Retro Radio DAB+", loc="de_DE",
                     message="Dieser Artikel ist leider nicht mehr lieferbar."),
    ]  # fmt: skip
