"""Structures added after the extractor was first tuned on the corpus (the "fresh" batch):
Best Buy, Target, Cdiscount, bol.com, MediaMarkt, OTTO, Falabella, Tokopedia, Wildberries,
JD.com and noon. Their first score is recorded in BENCHMARKS.md as a held-out figure."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    Page,
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


def _recs(price: Decimal, loc: str, card: str, price_cls: str, n: int = 4, salt: int = 0) -> str:
    return "".join(
        f'<div class="{card}"><a class="{card}__title" href="#">{esc(t)}</a>'
        f'<span class="{price_cls}">{money(p, loc)}</span></div>'
        for t, p in zip(related_titles(n, salt), related_prices(price, n), strict=True)
    )


def _page(structure: str, name: str, url: str, lang: str, title: str, body: str, price: Decimal,
          loc: str, stock: str | None = "in_stock", head: str = "") -> Page:  # fmt: skip
    html = doc(lang, title, f'<link rel="canonical" href="{url}">\n' + head, body)
    return Page(structure, name, url, html, f"{price}", currency_of(loc), stock)


def bestbuy(name: str, sku: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "en_US"
    was_html = (
        '<div class="pricing-price__savings-regular-price"><div class="pricing-price__regular-'
        f'price">Was {money(was, loc)}</div><div class="pricing-price__savings">Save '
        f"{money(was - price, loc)}</div></div>"
        if was
        else ""
    )
    body = (
        '<div class="shop-product-title"><h1 class="heading-5 v-fw-regular">'
        f'{esc(title)}</h1><div class="sku">SKU: {sku}</div></div>\n'
        '<div class="priceView-hero-price priceView-customer-price"><span aria-hidden="true">'
        f'{money(price, loc)}</span><span class="sr-only">Your price for this item is '
        f"{money(price, loc)}</span></div>{was_html}\n"
        '<div class="open-box-option">Open-Box: from <span>'
        f"{money((price * D('0.82')).quantize(D('0.01')), loc)}</span></div>\n"
        '<div class="protection-plan">2-Year Protection <span class="price">$29.99</span></div>\n'
        '<div class="membership-upsell">My Best Buy Total™ $179.99/yr</div>\n'
        '<button class="c-button c-button-primary add-to-cart-button">Add to Cart</button>\n'
        '<section class="shop-carousel"><h2>Customers also viewed</h2>'
        + _recs(price, loc, "sku-item", "priceView-customer-price")
        + "</section>\n"
    )
    return _page("bestbuy_pdp", name, f"https://www.bestbuy.com/site/{name}/{sku}.p?skuId={sku}",
                 "en", f"{title} - Best Buy", body, price, loc)  # fmt: skip


def target(name: str, tcin: str, title: str, price: Decimal, reg: Decimal | None = None) -> Page:
    loc = "en_US"
    payload = js({"__PRELOADED_QUERIES__": {"queries": [[["@web/domain-product/get-pdp-v1",
        {"tcin": tcin}], {"data": {"product": {"tcin": tcin, "price": {
            "current_retail": float(price), "reg_retail": float(reg or price),
            "formatted_current_price": money(price, loc)}}}}]]}})  # fmt: skip
    quoted = js(payload)  # the page parses a JSON string: JSON.parse("{\"...")
    reg_html = (
        f'<span data-test="product-regular-price">reg {money(reg, loc)}</span>' if reg else ""
    )
    body = (
        f'<h1 data-test="product-title" class="styles__StyledHeading">{esc(title)}</h1>\n'
        f'<div data-test="product-price-container"><span data-test="product-price" class="styles'
        f'__CurrentPriceFontSize">{money(price, loc)}</span>{reg_html}</div>\n'
        '<div data-test="circle-offer">Save 5% with Target Circle Card</div>\n'
        '<button data-test="shipItButton" type="button">Add to cart</button>\n'
        '<div data-test="@web/ProductCarousel"><h2>Similar items</h2>'
        + _recs(price, loc, "ProductCardVariant", "styles__StyledPricePromoWrapper", salt=3)
        + "</div>\n"
        + script(f"window.__TGT_DATA__ = JSON.parse({quoted});")
    )
    return _page("target_pdp", name, f"https://www.target.com/p/{name}/-/A-{tcin}", "en",
                 f"{title} : Target", body, price, loc)  # fmt: skip


def cdiscount(name: str, ref: str, title: str, price: Decimal, old: Decimal | None = None,
              microdata: bool = True) -> Page:  # fmt: skip
    loc = "fr_FR"
    euros, cents = f"{price:.2f}".split(".")
    md = f' itemprop="price" content="{price:.2f}"' if microdata else ""
    scope = ' itemscope itemtype="https://schema.org/Product"' if microdata else ""
    body = (
        cookie_banner()
        + f'<div id="fpContent"{scope}><h1 itemprop="name">{esc(title)}</h1>\n'
        '<div class="fpPriceBloc">'
        + (f'<div class="fpStriked"><span class="fpStrikedPrice">{money(old, loc)}</span></div>'
           if old else "")
        + f'<span class="fpPrice price jsMainPrice jsProductPrice hideFromPro"{md}>{euros}€{cents}'
        '</span></div>\n'
        '<div class="fpPayIn4">ou 4x <span>' + money((price / 4).quantize(D("0.01")), loc)
        + "</span> avec Cdiscount</div>\n"
        '<div class="fpDelivery">Livraison à partir de 4,99 €</div>\n'
        '<input type="button" id="fpAddBsk" value="Ajouter au panier"></div>\n'
        '<div class="jsPrdBlocSlider"><h2>Les clients ont aussi regardé</h2>'
        + _recs(price, loc, "prdtBloc", "price", salt=5)
        + "</div>\n"
    )  # fmt: skip
    return _page("cdiscount_fp", name, f"https://www.cdiscount.com/{name}/f-{ref}.html", "fr",
                 f"{title} - Cdiscount", body, price, loc)  # fmt: skip


def bol(name: str, pid: str, title: str, price: Decimal, list_price: Decimal | None = None) -> Page:
    loc = "nl_NL"
    euros, cents = f"{price:.2f}".split(".")
    fraction = "-" if cents == "00" else cents
    body = (
        cookie_banner()
        + f'<h1 class="page-heading"><span data-test="title">{esc(title)}</span></h1>\n'
        '<div class="buy-block__prices"><span class="promo-price" data-test="price">'
        f'{euros}<sup class="promo-price__fraction" data-test="price-fraction">{fraction}</sup>'
        "</span>"
        + (f'<del class="buy-block__list-price" data-test="list-price">{number(list_price, loc)}'
           "</del>" if list_price else "")
        + "</div>\n"
        '<div class="buy-block__delivery" data-test="delivery-info">Vandaag voor 23:59 besteld, '
        "morgen in huis. Gratis verzending vanaf 25,-</div>\n"
        '<a class="js_floating_basket_btn" data-test="add-to-basket">In winkelwagen</a>\n'
        '<div class="product-recommendations"><h2>Vaak samen gekocht</h2>'
        + _recs(price, loc, "product-item", "promo-price", salt=7)
        + "</div>\n"
    )  # fmt: skip
    return _page("bol_com", name, f"https://www.bol.com/nl/nl/p/{name}/{pid}/", "nl",
                 f"{title} | bol", body, price, loc)  # fmt: skip


def mediamarkt(name: str, pid: str, title: str, price: Decimal, uvp: Decimal | None = None,
               structured: bool = False) -> Page:  # fmt: skip
    loc = "de_DE"
    whole, _, cents = number(price, loc).partition(",")
    dec = ",–" if cents == "00" else f",{cents}"
    body = (
        f'<h1 class="sc-d571b66f-0 kfjQGR" data-test="product-title">{esc(title)}</h1>\n'
        '<div data-test="mms-branded-price"><span class="sc-e0c7d9f7-0 bPkjPs" aria-hidden="true">'
        f'<span data-test="branded-price-whole-value">{whole}</span><span data-test="branded-price'
        f'-decimal-value">{dec}</span><span data-test="branded-price-currency">€</span></span>'
        f'<span class="sc-3f2da4f5-0 visually-hidden">{money(price, loc)}</span></div>\n'
        + (f'<div data-test="mms-strike-price-type-uvp">UVP <span class="strike">{money(uvp, loc)}'
           "</span></div>\n" if uvp else "")
        + '<div data-test="mms-financing">ab 12,49 € mtl. bei 0% Finanzierung</div>\n'
        '<button data-test="a2c-Button">In den Warenkorb</button>\n'
        '<div data-test="mms-product-carousel"><h2>Passendes Zubehör</h2>'
        + _recs(price, loc, "sc-product-tile", "sc-price", salt=9)
        + "</div>\n"
    )  # fmt: skip
    url = f"https://www.mediamarkt.de/de/product/_{name}-{pid}.html"
    if structured:
        body += ld(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": title,
                "offers": {
                    "@type": "Offer",
                    "price": float(price),
                    "priceCurrency": "EUR",
                    "availability": "https://schema.org/InStock",
                    "url": url,
                },
            }
        )
    return _page("mediamarkt_pdp", name, url, "de", f"{title} | MediaMarkt", body, price, loc)


def otto(name: str, title: str, price: Decimal, uvp: Decimal | None = None) -> Page:
    loc = "de_DE"
    body = (
        cookie_banner()
        + f'<h1 class="pdp_short-info__main-name js_shortInfo__variationName">{esc(title)}</h1>\n'
        '<div class="pdp_price js_pdp_price"><div class="pdp_price__inner">'
        + (f'<span class="pdp_price__retail-price">UVP {money(uvp, loc)}</span>' if uvp else "")
        + '<span class="pdp_price__price-value js_pdp_price__price-value" data-qa="price">'
        f"{money(price, loc)}</span></div>"
        '<div class="pdp_price__vat">inkl. MwSt. zzgl. Service- &amp; Versandkosten</div></div>\n'
        '<div class="pdp_installments">Monatsrate ab ' + money((price / 24).quantize(D("0.01")), loc)
        + "</div>\n"
        '<button class="p_btn100--1st js_pdp_addToBasket">In den Warenkorb</button>\n'
        '<div class="reco_cinema"><h2>Das könnte Ihnen auch gefallen</h2>'
        + _recs(price, loc, "reco_cinema__item", "reco_price", salt=11)
        + "</div>\n"
    )  # fmt: skip
    return _page("otto_pdp", name, f"https://www.otto.de/p/{name}-S0{len(name)}Q2/", "de",
                 f"{title} | OTTO", body, price, loc)  # fmt: skip


def falabella(
    name: str, sku: str, title: str, price: Decimal, normal: Decimal | None = None
) -> Page:
    loc = "es_CL"
    state = {"props": {"pageProps": {"productData": {"id": sku, "name": title, "prices": [
        {"type": "internetPrice", "price": [number(price, loc)], "symbol": "$ "},
        *([{"type": "normalPrice", "price": [number(normal, loc)], "symbol": "$ ",
            "crossed": True}] if normal else [])]}}}}  # fmt: skip
    body = (
        f'<h1 class="jsx-1680787435 product-name">{esc(title)}</h1>\n'
        '<div class="jsx-749763969 prices"><ol class="jsx-749763969 ol-4_GRID"><li class="jsx-7497'
        f'63969 prices-0"><div class="jsx-749763969 cmr-icon-container"><span class="copy12 '
        f'primary senary jsx-2835692965 bold line-height-29">$ {number(price, loc)}</span></div>'
        '<span class="copy3 primary jsx-749763969">Precio Internet</span></li>'
        + (f'<li class="jsx-749763969 prices-1"><span class="copy3 septenary jsx-2835692965 '
           f'crossed">$ {number(normal, loc)}</span><span class="copy3">Precio Normal</span></li>'
           if normal else "")
        + "</ol></div>\n"
        '<button id="add-to-cart-button" class="jsx-1816208196 button">Agregar al Carro</button>\n'
        '<div class="carousel-recommendations"><h2>Quienes vieron este producto también compraron'
        "</h2>" + _recs(price, loc, "pod", "copy10", salt=13) + "</div>\n"
        f'<script id="__NEXT_DATA__" type="application/json">{js(state)}</script>\n'
    )  # fmt: skip
    return _page("falabella_pdp", name, f"https://www.falabella.com/falabella-cl/product/{sku}/"
                 f"{name}/{sku}", "es-CL", f"{title} | falabella.com", body, price, loc)  # fmt: skip


def tokopedia(
    name: str, shop: str, title: str, price: Decimal, orig: Decimal | None = None
) -> Page:
    loc = "id_ID"
    body = (
        f'<h1 class="css-1os9jjn" data-testid="lblPDPDetailProductName">{esc(title)}</h1>\n'
        f'<div class="price" data-testid="lblPDPDetailProductPrice">{money(price, loc)}</div>\n'
        + (f'<div class="css-1u1yjd"><span data-testid="lblPDPDetailDiscountPercentage">'
           f'{int((1 - price / orig) * 100)}%</span><span class="original-price" data-testid='
           f'"lblPDPDetailOriginalPrice">{money(orig, loc)}</span></div>\n' if orig else "")
        + '<div data-testid="lblPDPDetailShipping">Ongkir mulai Rp9.000</div>\n'
        '<button data-testid="pdpBtnNormalPrimary">+ Keranjang</button>\n'
        '<div data-testid="lblPDPOtherProduct"><h2>Lainnya di toko ini</h2>'
        + _recs(price, loc, "prd_container-card", "prd_link-product-price", salt=15)
        + "</div>\n"
    )  # fmt: skip
    return _page("tokopedia_pdp", name, f"https://www.tokopedia.com/{shop}/{name}", "id",
                 f"Jual {title} | Tokopedia", body, price, loc)  # fmt: skip


def wildberries(name: str, art: str, title: str, price: Decimal, old: Decimal) -> Page:
    loc = "ru_RU"
    body = (
        f'<h1 class="product-page__title">{esc(title)}</h1>\n'
        '<div class="price-block"><div class="price-block__content"><p class="price-block__price-'
        f'wrap"><ins class="price-block__final-price wallet">{money(price, loc)}</ins>'
        f'<del class="price-block__old-price">{money(old, loc)}</del></p></div>'
        '<p class="price-block__wallet-price">с WB Кошельком '
        f"{money((price * D('0.98')).quantize(D(1)), loc)}</p></div>\n"
        '<button class="btn-main">Добавить в корзину</button>\n'
        '<section class="goods-recommendations"><h2>Похожие товары</h2>'
        + _recs(price, loc, "product-card", "price__lower-price", salt=17)
        + "</section>\n"
    )
    return _page("wildberries_pdp", name, f"https://www.wildberries.ru/catalog/{art}/detail.aspx",
                 "ru", title, body, price, loc, stock=None)  # fmt: skip


def jd(name: str, sku: str, title: str, price: Decimal) -> Page:
    loc = "zh_CN"
    body = (
        f'<div class="sku-name">{esc(title)}</div>\n'
        '<div class="summary-price J-summary-price"><div class="dt">京 东 价</div><div class="dd">'
        f'<span class="p-price"><span>￥</span><span class="price J-p-{sku}">{price:.2f}</span>'
        "</span></div></div>\n"
        '<div class="summary-quan">满299减30</div>\n'
        '<a id="InitCartUrl" class="btn-special1 btn-lg" href="//cart.jd.com/gate.action?pid='
        f'{sku}">加入购物车</a>\n'
        '<div id="choose-result"><h3>为你推荐</h3>'
        + "".join(
            f'<li><a>{esc(t)}</a><strong class="J-p-{i}"><i>￥</i>{p:.2f}</strong></li>'
            for i, (t, p) in enumerate(zip(related_titles(4, 19), related_prices(price, 4),
                                           strict=True))
        )
        + "</div>\n"
    )  # fmt: skip
    return _page("jd_item", name, f"https://item.jd.com/{sku}.html", "zh-CN",
                 f"【京东】{title}", body, price, loc, stock=None)  # fmt: skip


def noon(name: str, sku: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "ar_AE"
    body = (
        f'<h1 data-qa="pdp-name-{sku}">{esc(title)}</h1>\n'
        '<div class="priceNow" data-qa="div-price-now">AED <strong>'
        f"{number(price, loc)}</strong></div>\n"
        + (f'<div class="priceWas" data-qa="div-price-was">AED {number(was, loc)}</div>\n'
           if was else "")
        + '<div class="estimator">Free delivery by <b>Tomorrow</b></div>\n'
        '<div class="tabby">4 interest-free payments of AED '
        f"{number((price / 4).quantize(D('0.01')), loc)}</div>\n"
        '<button class="addToCart">Add To Cart</button>\n'
        '<div class="recommendations"><h2>Customers also viewed</h2>'
        + _recs(price, loc, "productContainer", "amount", salt=21)
        + "</div>\n"
    )  # fmt: skip
    return _page("noon_pdp", name, f"https://www.noon.com/uae-en/{name}/{sku}/p/", "en",
                 f"{title} | noon UAE", body, price, loc, stock=None)  # fmt: skip


def pages() -> list[Page]:
    return [
        bestbuy("sony-wh1000xm5", "6505727", "Sony WH-1000XM5 Wireless Headphones", D("329.99"),
                was=D("399.99")),
        bestbuy("insignia-fire-tv-32", "6525373", "Insignia 32\" Class F20 HD Fire TV",
                D("89.99")),
        bestbuy("apple-ipad-10", "5200100", "Apple iPad (10th Gen) 64GB Wi-Fi", D("349.00")),
        target("threshold-throw", "82094512", "Knit Throw Blanket - Threshold", D("24.99"),
               reg=D("30.00")),
        target("lego-city-van", "88790133", "LEGO City Delivery Van 60423", D("19.99")),
        target("keurig-k-mini", "53426561", "Keurig K-Mini Coffee Maker", D("79.99")),
        cdiscount("aspirateur-robot", "aur1234567890", "Aspirateur robot laveur 2 en 1",
                  D("129.99"), old=D("199.99")),
        cdiscount("machine-a-cafe", "auc9876543210", "Machine à café expresso broyeur",
                  D("249.00"), microdata=False),
        cdiscount("tv-led-55", "tvl5566778899", "TV LED 4K 139 cm (55\")", D("1299.99"),
                  old=D("1499.99"), microdata=False),
        bol("philips-airfryer", "9300000123456789", "Philips Airfryer XL HD9270", D("129.99"),
            list_price=D("169.99")),
        bol("lego-botanicals", "9300000987654321", "LEGO Icons Botanicals Boeket", D("29.00")),
        bol("samsung-monitor", "9300000555444333", "Samsung Odyssey G5 27 inch monitor",
            D("1299.00")),
        mediamarkt("samsung-galaxy-s24", "2905123", "SAMSUNG Galaxy S24 128 GB Onyx Black",
                   D("699.00"), uvp=D("899.00")),
        mediamarkt("bosch-waschmaschine", "2734561", "BOSCH WGG14400 Serie 6 Waschmaschine",
                   D("549.99"), structured=True),
        mediamarkt("lg-oled-tv", "2891234", "LG OLED55C37LA OLED TV (55 Zoll)", D("1299.00"),
                   uvp=D("1999.00")),
        otto("sofa-3-sitzer", "3-Sitzer Sofa Bouclé, Naturweiß", D("799.99"), uvp=D("1199.00")),
        otto("kaffeevollautomat", "DeLonghi Kaffeevollautomat Magnifica S", D("329.00")),
        otto("boxspringbett", "Boxspringbett 180x200 cm inkl. Topper", D("1299.99")),
        falabella("zapatillas-urbanas", "881234567", "Zapatillas Urbanas Hombre", D("24990"),
                  normal=D("39990")),
        falabella("smart-tv-50", "882233445", "Smart TV 50\" 4K UHD", D("269990")),
        falabella("olla-arrocera", "883344556", "Olla Arrocera 1,8 L", D("19990"),
                  normal=D("24990")),
        tokopedia("headset-gaming", "gamingstore", "Headset Gaming RGB 7.1", D("1299000"),
                  orig=D("1599000")),
        tokopedia("kopi-arabika-1kg", "kopinusantara", "Kopi Arabika Gayo 1 kg", D("185000")),
        tokopedia("sepatu-lari", "sportindo", "Sepatu Lari Pria Ringan", D("349900"),
                  orig=D("499000")),
        wildberries("futbolka-oversize", "178123456", "Футболка оверсайз хлопок", D("1299"),
                    D("2599")),
        wildberries("ryukzak-gorodskoy", "165432198", "Рюкзак городской 25 л", D("2849"),
                    D("5990")),
        jd("iphone-15", "100066896338", "Apple iPhone 15 128GB 黑色", D("5999.00")),
        jd("midea-rice-cooker", "100012043978", "美的 电饭煲 4L 智能预约", D("299.00")),
        noon("airpods-pro-2", "N53377608A", "Apple AirPods Pro (2nd Gen) USB-C", D("849.00"),
             was=D("1049.00")),
        noon("dyson-v15", "N70012345V", "Dyson V15 Detect Absolute Vacuum", D("2599.00")),
    ]  # fmt: skip
