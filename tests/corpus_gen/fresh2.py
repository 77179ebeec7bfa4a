"""The second fresh batch, written while the extractor was being tuned and scored only on the
final main before it joined the corpus: Newegg, Home Depot, Costco, ASOS, Decathlon, Fnac,
Currys, El Corte Inglés, Lazada, Shopee, plus two more negatives (a price-comparison page and
a shop's home page with "from" teasers)."""

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
)

D = Decimal


def _recs(price: Decimal, loc: str, card: str, price_cls: str, salt: int) -> str:
    return "".join(
        f'<div class="{card}"><a class="{card}-title" href="#">{esc(t)}</a>'
        f'<span class="{price_cls}">{money(p, loc)}</span></div>'
        for t, p in zip(related_titles(4, salt), related_prices(price, 4), strict=True)
    )


def _page(structure: str, name: str, url: str, lang: str, title: str, body: str, price: Decimal,
          loc: str, stock: str | None = "in_stock") -> Page:  # fmt: skip
    html = doc(lang, title, f'<link rel="canonical" href="{url}">\n', body)
    return Page(structure, name, url, html, f"{price}", currency_of(loc), stock)


def newegg(name: str, item: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "en_US"
    dollars, cents = f"{price:.2f}".split(".")
    body = (
        f'<h1 class="product-title">{esc(title)}</h1>\n'
        '<div class="product-price"><ul class="price">'
        + (f'<li class="price-was"><span class="price-was-data">{money(was, loc)}</span></li>'
           if was else "")
        + '<li class="price-current"><span class="price-current-label"></span>$<strong>'
        f"{int(dollars):,}</strong><sup>.{cents}</sup></li>"
        + (f'<li class="price-save"><span class="price-save-label">Save: </span><span class="'
           f'price-save-dollar">{money(was - price, loc)}</span></li>' if was else "")
        + '<li class="price-ship">Free Shipping</li></ul></div>\n'
        '<div class="product-buy"><button class="btn btn-primary btn-wide">Add to cart</button>'
        "</div>\n"
        '<div class="product-bundle"><h3>Bundle and save</h3><div class="item-cell"><span>'
        f"Combo with mouse</span><span class=\"price-current\">$<strong>{int(dollars) + 25:,}"
        f"</strong><sup>.{cents}</sup></span></div></div>\n"
        '<div class="swiper-slide"><h2>Similar products</h2>'
        + _recs(price, loc, "item-cell", "price-current", 1)
        + "</div>\n"
    )  # fmt: skip
    return _page("newegg_item", name, f"https://www.newegg.com/{name}/p/{item}", "en",
                 f"{title} - Newegg.com", body, price, loc)  # fmt: skip


def homedepot(name: str, item: str, title: str, price: Decimal, was: Decimal | None = None,
              unit: str | None = None) -> Page:  # fmt: skip
    loc = "en_US"
    dollars, cents = f"{price:.2f}".split(".")
    body = (
        f'<h1 class="sui-h4-bold sui-line-clamp-unset">{esc(title)}</h1>\n'
        '<div class="price-format__main-price"><div class="price-format__large price-format__'
        'main-price"><span class="price-format__large-currency-symbols">$</span><span>'
        f'{int(dollars):,}</span><span class="price-format__large-currency-symbols">{cents}</span>'
        "</div>"
        + (f'<div class="price-detailed__was-price"><span class="u__strike">{money(was, loc)}'
           f"</span> Save {money(was - price, loc)} ({int((1 - price / was) * 100)}%)</div>"
           if was else "")
        + (f'<div class="price-detailed__unit-price">{unit}</div>' if unit else "")
        + "</div>\n"
        '<div class="fulfillment__wrapper">Delivery <span class="u__text--success">Free</span> '
        "Pickup at Store: 14 in stock</div>\n"
        '<button class="bttn bttn--primary">Add to Cart</button>\n'
        '<div class="product-pod--padding"><h2>Frequently Bought Together</h2>'
        + _recs(price, loc, "product-pod", "price-format__main-price", 2)
        + "</div>\n"
    )  # fmt: skip
    return _page("homedepot_pip", name, f"https://www.homedepot.com/p/{name}/{item}", "en",
                 f"{title} - The Home Depot", body, price, loc)  # fmt: skip


def costco(name: str, item: str, title: str, price: Decimal, member_off: Decimal | None = None,
           structured: bool = True) -> Page:  # fmt: skip
    loc = "en_US"
    url = f"https://www.costco.com/{name}.product.{item}.html"
    body = (
        f'<h1 automation-id="productName" itemprop="name">{esc(title)}</h1>\n'
        '<div class="product-price"><div id="pull-right-price" class="your-price row no-gutter">'
        f'<span class="currency">$</span><span class="value" automation-id="productPriceOutput">'
        f"{price:.2f}</span></div>"
        + (f'<p class="promo-text">${member_off:.2f} OFF with Executive Membership</p>'
           if member_off else "")
        + '<p class="shipping-handling">Shipping &amp; Handling Included*</p></div>\n'
        '<input type="button" id="add-to-cart-btn" value="Add to Cart">\n'
        '<div class="product-carousel"><h2>Members Also Bought</h2>'
        + _recs(price, loc, "product-tile", "price", 3)
        + "</div>\n"
    )  # fmt: skip
    if structured:
        body += ld(
            {
                "@context": "http://schema.org",
                "@type": "Product",
                "name": title,
                "sku": item,
                "offers": {
                    "@type": "Offer",
                    "priceCurrency": "USD",
                    "price": f"{price:.2f}",
                    "availability": "http://schema.org/InStock",
                },
            }
        )
    return _page("costco_pdp", name, url, "en", title, body, price, loc)


def asos(name: str, pid: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "en_GB"
    state = {"stockPriceApiResponse": {"productId": int(pid), "productPrice": {
        "current": {"value": float(price), "text": money(price, loc)},
        "previous": {"value": float(was), "text": money(was, loc)} if was else None,
        "currency": "GBP"}}}  # fmt: skip
    body = (
        f'<h1 class="jcdpl">{esc(title)}</h1>\n<div data-testid="product-price"><span '
        f'data-testid="current-price" class="ky6t2">{"Now " if was else ""}{money(price, loc)}'
        "</span>"
        + (f'<span data-testid="previous-price" class="Xu4cY">Was {money(was, loc)}</span>'
           f'<span class="Q7vC1">(-{int((1 - price / was) * 100)}%)</span>' if was else "")
        + "</div>\n"
        '<div class="asos-premier">Unlimited next-day delivery for £9.95 a year</div>\n'
        '<button data-testid="add-button">Add to bag</button>\n'
        '<section data-testid="buy-the-look"><h2>Buy the look</h2>'
        + _recs(price, loc, "productTile", "price", 4)
        + "</section>\n"
        f"<script>window.asos.pdp.config.stockPriceResponse = {js(js(state))};</script>\n"
    )  # fmt: skip
    return _page("asos_pdp", name, f"https://www.asos.com/asos-design/{name}/prd/{pid}", "en-GB",
                 f"{title} | ASOS", body, price, loc, stock=None)  # fmt: skip


def decathlon(name: str, ref: str, title: str, price: Decimal, old: Decimal | None = None) -> Page:
    loc = "fr_FR"
    body = (
        cookie_banner()
        + f'<h1 class="vtmn-typo_title-4">{esc(title)}</h1>\n'
        '<div class="price-base"><span class="vtmn-price vtmn-price_size--large vtmn-price_'
        f'variant--{"accent" if old else "brand"}">{money(price, loc)}</span>'
        + (f'<span class="vtmn-price vtmn-price_size--small vtmn-price_variant--strikethrough">'
           f"{money(old, loc)}</span>" if old else "")
        + "</div>\n"
        '<div class="fee-ecopart">dont écoparticipation : 0,12 €</div>\n'
        '<button class="vtmn-btn vtmn-btn_variant--conversion">Ajouter au panier</button>\n'
        '<div class="product-reco"><h2>Produits similaires</h2>'
        + _recs(price, loc, "dpb-product", "vtmn-price", 5)
        + "</div>\n"
    )  # fmt: skip
    return _page("decathlon_pdp", name, f"https://www.decathlon.fr/p/{name}/_/R-p-{ref}", "fr",
                 f"{title} | Decathlon", body, price, loc)  # fmt: skip


def fnac(name: str, ref: str, title: str, price: Decimal, old: Decimal | None = None) -> Page:
    loc = "fr_FR"
    euros, cents = f"{price:.2f}".split(".")
    body = (
        f'<h1 class="f-productHeader-Title">{esc(title)}</h1>\n'
        '<div class="f-faPriceBox"><span class="f-faPriceBox__price userPrice checked">'
        f"{number(Decimal(euros), loc, minor=0)}<sup>€{cents}</sup></span>"
        + (f'<span class="f-faPriceBox__oldPrice">{money(old, loc)}</span>' if old else "")
        + "</div>\n"
        '<div class="f-faPriceBox__adhPrice">Prix adhérent <span>'
        f"{money((price * D('0.95')).quantize(D('0.01')), loc)}</span></div>\n"
        '<button class="f-buyBox-button js-ProductBuy-add">Ajouter au panier</button>\n'
        '<div class="f-productReco"><h2>Les clients ont aussi acheté</h2>'
        + _recs(price, loc, "Article-item", "userPrice", 6)
        + "</div>\n"
    )  # fmt: skip
    return _page("fnac_fa", name, f"https://www.fnac.com/{ref}/{name}", "fr",
                 f"{title} - Fnac.com", body, price, loc)  # fmt: skip


def currys(name: str, sku: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "en_GB"
    body = (
        f'<h1 class="product-name">{esc(title)}</h1>\n'
        '<div class="prices"><div class="price"><span class="sales"><span class="value" content="'
        f'{price:.2f}">{money(price, loc)}</span></span>'
        + (f'<span class="was-price">Was {money(was, loc)}</span><span class="save-price">Save '
           f"{money(was - price, loc)}</span>" if was else "")
        + "</div></div>\n"
        '<div class="care-and-repair">Care &amp; Repair from £4.99 a month</div>\n'
        '<div class="klarna">or 3 payments of '
        f"{money((price / 3).quantize(D('0.01')), loc)} with Klarna</div>\n"
        '<button class="add-to-cart btn btn-primary">Add to basket</button>\n'
        '<div class="recommendations"><h2>Customers also bought</h2>'
        + _recs(price, loc, "product-tile", "value", 7)
        + "</div>\n"
    )  # fmt: skip
    return _page("currys_pdp", name, f"https://www.currys.co.uk/products/{name}-{sku}.html",
                 "en-GB", f"{title} | Currys", body, price, loc)  # fmt: skip


def elcorteingles(name: str, ref: str, title: str, price: Decimal,
                  old: Decimal | None = None) -> Page:  # fmt: skip
    loc = "es_ES"
    body = (
        f'<h1 class="product_detail-title">{esc(title)}</h1>\n'
        '<div class="product_detail-price"><span class="price-sale" aria-label="Precio de venta">'
        f"{money(price, loc)}</span>"
        + (f'<span class="price-unit--original">{money(old, loc)}</span><span class="price-'
           f'discount">-{int((1 - price / old) * 100)}%</span>' if old else "")
        + "</div>\n"
        '<div class="financing">Paga en 3 plazos sin intereses</div>\n'
        '<button class="js-add-cart">Añadir a la cesta</button>\n'
        '<div class="recommendations"><h2>También te puede interesar</h2>'
        + _recs(price, loc, "product_preview", "price-sale", 8)
        + "</div>\n"
    )  # fmt: skip
    return _page("elcorteingles_pdp", name, f"https://www.elcorteingles.es/electronica/{ref}-"
                 f"{name}/", "es", f"{title} · El Corte Inglés", body, price, loc)  # fmt: skip


def lazada(name: str, item: str, title: str, price: Decimal, orig: Decimal | None = None) -> Page:
    loc = "ms_MY"
    body = (
        f'<h1 class="pdp-mod-product-badge-title">{esc(title)}</h1>\n'
        '<div class="pdp-product-price"><span class="notranslate pdp-price pdp-price_type_normal '
        f'pdp-price_color_orange pdp-price_size_xl">{money(price, loc)}</span>'
        + (f'<div class="origin-block"><span class="notranslate pdp-price pdp-price_type_deleted '
           f'pdp-price_color_lightgray pdp-price_size_xs">{money(orig, loc)}</span><span class='
           f'"pdp-product-price__discount">-{int((1 - price / orig) * 100)}%</span></div>'
           if orig else "")
        + "</div>\n"
        '<div class="delivery-option-item__shipping-fee">RM4.90</div>\n'
        '<button class="add-to-cart-buy-now-btn">Add to Cart</button>\n'
        '<div class="pdp-block__just-for-you"><h2>From The Same Store</h2>'
        + _recs(price, loc, "card-jfy-item", "hp-mod-price-first-line", 9)
        + "</div>\n"
    )  # fmt: skip
    return _page("lazada_pdp", name, f"https://www.lazada.com.my/products/{name}-i{item}.html",
                 "en-MY", f"{title} | Lazada Malaysia", body, price, loc, stock=None)  # fmt: skip


def shopee(name: str, shop: str, item: str, title: str, price: Decimal,
           orig: Decimal | None = None) -> Page:  # fmt: skip
    loc = "vi_VN"
    body = (
        f'<div class="WBVL_7"><h1 class="vR6K3w"><span>{esc(title)}</span></h1></div>\n'
        '<div class="flex items-center"><div class="IZPeQz B67UQ0">'
        f"{money(price, loc)}</div>"
        + (f'<div class="ZA5sW5">{money(orig, loc)}</div><div class="vms4_3">-'
           f"{int((1 - price / orig) * 100)}%</div>" if orig else "")
        + "</div>\n"
        '<div class="shopee-voucher">Giảm ₫20k</div>\n'
        '<div class="shipping-fee">Phí vận chuyển ₫15.000</div>\n'
        '<button class="btn btn-tinted btn--l">Thêm vào giỏ hàng</button>\n'
        '<div class="shop-page__recommended"><h2>Sản phẩm tương tự</h2>'
        + _recs(price, loc, "shopee-search-item-result__item", "ZEgDH9", 10)
        + "</div>\n"
    )  # fmt: skip
    return _page("shopee_pdp", name, f"https://shopee.vn/{name}-i.{shop}.{item}", "vi",
                 f"{title} | Shopee Việt Nam", body, price, loc, stock=None)  # fmt: skip


def comparison(name: str, title: str, offers: list[tuple[str, Decimal]]) -> Page:
    loc = "de_DE"
    rows = "".join(
        f'<li class="productOffers-listItem"><span class="productOffers-listItemOfferShopV2">'
        f'{esc(shop)}</span><a class="productOffers-listItemOfferPrice">{money(p, loc)}</a>'
        '<span class="productOffers-listItemOfferShippingDetails">inkl. Versand</span></li>'
        for shop, p in offers
    )
    body = (
        f'<h1 id="oopStage-title"><span>{esc(title)}</span></h1>\n<div class="oopStage-'
        f'priceRangePrice">{money(min(p for _, p in offers), loc)} – '
        f"{money(max(p for _, p in offers), loc)}</div>\n"
        f'<ul class="productOffers-list">{rows}</ul>\n'
    )
    url = f"https://www.idealo.de/preisvergleich/OffersOfProduct/{len(name)}77_-{name}.html"
    html = doc("de", f"{title} ab {money(min(p for _, p in offers), loc)}", "", body)
    return Page("price_comparison", name, url, html, None, None, None,
                note="a comparison site listing many shops' offers: not one shop's price")  # fmt: skip


def home(name: str, host: str) -> Page:
    loc = "en_US"
    tiles = "".join(
        f'<a class="hero-tile" href="/collections/{t.lower().replace(" ", "-")}"><h3>{esc(t)}</h3>'
        f"<p>From {money(p, loc)}</p></a>"
        for t, p in zip(related_titles(4, 12), [D("9"), D("19"), D("49"), D("99")], strict=True)
    )
    body = (
        '<div class="announcement">Free shipping over $50 · 30-day returns</div>\n'
        f'<main><h1>Everyday goods, made well</h1><section class="tiles">{tiles}</section>'
        '<section class="newsletter">Get 10% off your first order</section></main>\n'
    )
    html = doc("en", host, '<meta property="og:type" content="website">\n', body)
    return Page("shop_home", name, f"https://{host}/", html, None, None, None,
                note="a shop's home page with 'from' teasers: no product")  # fmt: skip


def pages() -> list[Page]:
    return [
        newegg("rtx-4070-super", "N82E16814137867", "MSI GeForce RTX 4070 SUPER 12G", D("599.99"),
               was=D("649.99")),
        newegg("ryzen-7-7800x3d", "N82E16819113793", "AMD Ryzen 7 7800X3D Processor",
               D("1299.99")),
        newegg("samsung-990-pro", "N82E16820147861", "Samsung 990 PRO 2TB NVMe SSD", D("169.99")),
        homedepot("ryobi-drill", "318011437", "RYOBI ONE+ 18V Cordless Drill Kit", D("129.97"),
                  was=D("159.00")),
        homedepot("behr-paint", "300831718", "BEHR PREMIUM PLUS 1 gal. Flat Interior Paint",
                  D("32.98"), unit="$32.98 /gallon"),
        homedepot("husky-tool-chest", "321148543", "Husky 52 in. 9-Drawer Tool Chest",
                  D("1299.00")),
        costco("kirkland-olive-oil", "100334841", "Kirkland Signature Olive Oil, 2 L, 2-pack",
               D("35.99")),
        costco("lg-oled-65", "4000245862", "LG 65\" Class OLED evo C4 4K TV", D("1799.99"),
               member_off=D("200.00"), structured=False),
        asos("oversized-t-shirt", "203451234", "ASOS DESIGN oversized t-shirt in black",
             D("12.00"), was=D("16.00")),
        asos("wide-leg-trousers", "204567890", "ASOS DESIGN wide leg trousers", D("32.00")),
        decathlon("tente-2-places", "8544110", "Tente de camping 2 places MH100", D("39.99"),
                  old=D("49.99")),
        decathlon("velo-route", "8607310", "Vélo de route Triban RC 120", D("1299.00")),
        fnac("casque-sony", "a17234567", "Casque Sony WH-CH720N", D("99.99"), old=D("129.99")),
        fnac("console-switch", "a16987654", "Console Nintendo Switch OLED", D("319.99")),
        currys("dyson-v8", "10256789", "DYSON V8 Advanced Cordless Vacuum", D("279.00"),
               was=D("329.00")),
        currys("ninja-af300", "10223344", "NINJA Foodi Dual Zone Air Fryer AF300UK", D("199.99")),
        elcorteingles("portatil-asus", "A48273615", "Portátil ASUS Vivobook 15", D("1299.00"),
                      old=D("1499.00")),
        elcorteingles("cafetera-nespresso", "A41122334", "Cafetera Nespresso Vertuo Pop",
                      D("89.00")),
        lazada("xiaomi-redmi", "3456789012", "Xiaomi Redmi Note 13 8GB+256GB", D("899.00"),
               orig=D("1099.00")),
        lazada("philips-kettle", "2233445566", "Philips Electric Kettle 1.7L", D("129.90")),
        shopee("tai-nghe-bluetooth", "123456789", "23456789012", "Tai nghe Bluetooth không dây",
               D("1299000"), orig=D("1590000")),
        shopee("binh-giu-nhiet", "987654321", "21098765432", "Bình giữ nhiệt 500ml",
               D("189000")),
        comparison("dyson-v15", "Dyson V15 Detect Absolute",
                   [("Amazon", D("599.00")), ("MediaMarkt", D("629.00")), ("OTTO", D("649.99"))]),
        home("carryall-home", "carryall-goods.com"),
    ]  # fmt: skip
