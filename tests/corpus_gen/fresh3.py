"""The third fresh batch, kept out of the corpus until the final score on main near the end of
issue 8: Wayfair, Zalando, H&M, Uniqlo, Kaspi, Takealot, Jumia and Vatan Bilgisayar."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    Page,
    cookie_banner,
    currency_of,
    doc,
    esc,
    js,
    money,
    number,
    related_prices,
    related_titles,
    script,
)

D = Decimal


def _recs(price: Decimal, loc: str, card: str, price_cls: str, salt: int) -> str:
    return "".join(
        f'<div class="{card}"><a class="{card}__name" href="#">{esc(t)}</a>'
        f'<span class="{price_cls}">{money(p, loc)}</span></div>'
        for t, p in zip(related_titles(4, salt), related_prices(price, 4), strict=True)
    )


def _page(structure: str, name: str, url: str, lang: str, title: str, body: str, price: Decimal,
          loc: str, stock: str | None = None) -> Page:  # fmt: skip
    html = doc(lang, title, f'<link rel="canonical" href="{url}">\n', body)
    return Page(structure, name, url, html, f"{price}", currency_of(loc), stock)


def wayfair(name: str, sku: str, title: str, price: Decimal, was: Decimal | None = None) -> Page:
    loc = "en_US"
    body = (
        f'<h1 data-rtl-id="listingHeaderNameHeading" class="oakhm64z_6101">{esc(title)}</h1>\n'
        '<div data-enzyme-id="PriceBlock" class="SFPrice"><span class="oakhm64z_6101 oakhm6bj_6101"'
        f' data-test-id="PriceDisplay">{money(price, loc)}</span>'
        + (f'<s class="oakhm650_6101">{money(was, loc)}</s><span class="oakhm6d4_6101">'
           f"{int((1 - price / was) * 100)}% Off</span>" if was else "")
        + "</div>\n"
        '<div data-enzyme-id="FinancingMessage">As low as $' + f"{price / 12:.0f}"
        + "/mo* with Wayfair credit</div>\n"
        '<div class="ShippingHeadline">Free Shipping</div>\n'
        '<button data-enzyme-id="AddToCartButton" type="button">Add to Cart</button>\n'
        '<section data-hb-id="Carousel"><h2>Recommended for You</h2>'
        + _recs(price, loc, "ProductCard", "SFPrice", 31)
        + "</section>\n"
    )  # fmt: skip
    return _page("wayfair_pdp", name, f"https://www.wayfair.com/furniture/pdp/{name}-{sku}.html",
                 "en", title, body, price, loc)  # fmt: skip


def zalando(name: str, title: str, price: Decimal, uvp: Decimal | None = None,
            from_price: bool = False) -> Page:  # fmt: skip
    loc = "de_DE"
    label = "ab " if from_price else ""
    body = (
        cookie_banner()
        + f'<h1 class="FtrEr_ QdlUSH FxZV-M HlZ_Tf">{esc(title)}</h1>\n'
        '<div class="hD5J5m" data-testid="pdp-price-container"><p class="sDq_FX _4sa1cA FxZV-M '
        f'HlZ_Tf"><span class="sDq_FX _4sa1cA dgII7d Km7l2y">{label}{money(price, loc)}</span>'
        + (f'<span class="sDq_FX _4sa1cA FxZV-M Yb63TQ">Ursprünglicher Preis: <span class='
           f'"sDq_FX _2kjxJ6 FxZV-M Yb63TQ">{money(uvp, loc)}</span></span>' if uvp else "")
        + '</p><p class="sDq_FX dgII7d">inkl. MwSt.</p></div>\n'
        '<div class="kpgVnb">Kostenloser Versand &amp; Rückversand</div>\n'
        '<button class="DJxzzA u9KIT8 uEg2FS">In den Warenkorb</button>\n'
        '<div data-testid="pdp-recommendations"><h2>Das könnte dir auch gefallen</h2>'
        + _recs(price, loc, "_5qdMrS", "sDq_FX", 32)
        + "</div>\n"
    )  # fmt: skip
    note = "sizes differ in price, none chosen: the 'ab' (from) price" if from_price else ""
    page = _page("zalando_pdp", name, f"https://www.zalando.de/{name}.html", "de",
                 f"{title} | ZALANDO", body, price, loc)  # fmt: skip
    return Page(page.structure, page.name, page.url, page.html, page.price, page.currency,
                page.availability, note=note)  # fmt: skip


def hm(name: str, pid: str, title: str, price: Decimal, old: Decimal | None = None) -> Page:
    loc = "sv_SE_whole"
    body = (
        f'<h1 class="fa226d af6753 d582fb">{esc(title)}</h1>\n'
        '<div id="product-price"><div class="e26896 c5ebe2">'
        f'<span class="edbe20 ac3d9e d9ca8b e29fbf">{money(price, loc)}</span>'
        + (f'<span class="edbe20 ac3d9e c8e3aa e29fbf">{money(old, loc)}</span>' if old else "")
        + "</div></div>\n"
        '<div class="member-price">Medlemspris: <span>'
        f"{money((price * D('0.9')).quantize(D(1)), loc)}</span></div>\n"
        '<button class="e4ed0e">Lägg i varukorgen</button>\n'
        '<div class="styled-with"><h2>Stylas med</h2>'
        + _recs(price, loc, "product-item", "price", 33)
        + "</div>\n"
    )  # fmt: skip
    return _page("hm_pdp", name, f"https://www2.hm.com/sv_se/productpage.{pid}.html", "sv",
                 f"{title} - H&M SE", body, price, loc)  # fmt: skip


def uniqlo(name: str, code: str, title: str, price: Decimal, limited: Decimal | None = None,
           ) -> Page:  # fmt: skip
    loc = "ja_JP_yen"
    shown = limited or price
    body = (
        f'<h1 class="fr-ec-display fr-ec-display--display5">{esc(title)}</h1>\n'
        '<div class="fr-ec-price"><p class="fr-ec-price-text fr-ec-price-text--large'
        + (' fr-ec-price-text--color-promotional' if limited else "")
        + f'">{money(shown, loc)}</p>'
        + (f'<p class="fr-ec-price-flag">期間限定価格</p><p class="fr-ec-price__original">通常価格 '
           f"{money(price, loc)}</p>" if limited else "")
        + '<p class="fr-ec-price__tax">税込</p></div>\n'
        '<button class="fr-ec-button" data-test="add-to-cart">カートに入れる</button>\n'
        '<div class="fr-ec-recommendation"><h2>この商品を見た人はこんな商品も見ています</h2>'
        + _recs(shown, loc, "fr-ec-product-tile", "fr-ec-price-text", 34)
        + "</div>\n"
        + script("window.__PRELOADED_STATE__ = " + js({"entity": {"pdpEntity": {code: {
            "prices": {"base": {"value": int(shown)}, "promo": None}}}}}) + ";")
    )  # fmt: skip
    return _page("uniqlo_pdp", name, f"https://www.uniqlo.com/jp/ja/products/{code}/00", "ja",
                 f"{title} | ユニクロ", body, shown, loc)  # fmt: skip


def kaspi(name: str, pid: str, title: str, price: Decimal) -> Page:
    loc = "kk_KZ"
    body = (
        f'<h1 class="item__heading">{esc(title)}</h1>\n'
        f'<div class="item__price"><div class="item__price-once">{money(price, loc)}</div>'
        '<div class="item__price-credit"><span class="item__price-credit-month">'
        f"{money((price / 12).quantize(D(1)), loc)}</span> x12</div></div>\n"
        '<div class="sellers-table"><table><tr><td class="sellers-table__cell">Магазин 1</td><td>'
        f'<div class="sellers-table__price-cell-text">{money(price, loc)}</div></td></tr><tr><td '
        'class="sellers-table__cell">Магазин 2</td><td><div class="sellers-table__price-cell-text">'
        f"{money(price + 5000, loc)}</div></td></tr></table></div>\n"
        '<button class="button _large">Добавить в корзину</button>\n'
    )
    return _page("kaspi_pdp", name, f"https://kaspi.kz/shop/p/{name}-{pid}/", "ru",
                 f"{title} — купить в Алматы | Kaspi.kz", body, price, loc)  # fmt: skip


def takealot(name: str, plid: str, title: str, price: Decimal, listed: Decimal | None = None,
             ) -> Page:  # fmt: skip
    loc = "en_ZA"
    body = (
        f'<h1 class="product-title">{esc(title)}</h1>\n'
        '<div class="buybox-module_price_2YUFa"><span class="currency plus currency-module_'
        f'currency_29IIm">{money(price, loc)}</span>'
        + (f'<span class="buybox-module_list-price_2KWWR"><span class="currency">List '
           f"{money(listed, loc)}</span></span>" if listed else "")
        + "</div>\n"
        '<div class="ebucks">Earn R ' + f"{price / 10:.0f}" + " in eBucks</div>\n"
        '<div class="stock-availability-status">In stock <span>JHB, CPT</span></div>\n'
        '<button class="button add-to-cart-button">Add to Cart</button>\n'
        '<div class="swiper-container"><h2>Frequently Bought Together</h2>'
        + _recs(price, loc, "product-card", "currency", 35)
        + "</div>\n"
    )  # fmt: skip
    return _page("takealot_pdp", name, f"https://www.takealot.com/{name}/PLID{plid}", "en-ZA",
                 f"{title} | Takealot.com", body, price, loc, stock="in_stock")  # fmt: skip


def jumia(name: str, sku: str, title: str, price: Decimal, old: Decimal | None = None) -> Page:
    loc = "en_NG"
    body = (
        f'<h1 class="-fs20 -pts -pbxs">{esc(title)}</h1>\n'
        '<div class="-hr -mtxs -pvs"><span class="-b -ubpt -tal -fs24 -prxs">'
        f"{money(price, loc)}</span>"
        + (f'<span class="-tal -gy5 -lthr -fs16 -pvxs -ubpt">{money(old, loc)}</span><span class'
           f'="bdg _dsct _dyn -mls">{int((1 - price / old) * 100)}%</span>' if old else "")
        + "</div>\n"
        '<div class="-df -i-ctr -fs12 -pbs">+ shipping from ₦ 1,200 to LEKKI-AJAH (SANGOTEDO)'
        "</div>\n"
        '<button class="add btn _prim -pea _i -fw">Add to cart</button>\n'
        '<section class="card"><h2>Customers who viewed this also viewed</h2>'
        + _recs(price, loc, "itm", "prc", 36)
        + "</section>\n"
    )  # fmt: skip
    return _page("jumia_pdp", name, f"https://www.jumia.com.ng/{name}-{sku}.html", "en",
                 f"{title} | Jumia Nigeria", body, price, loc)  # fmt: skip


def vatan(name: str, title: str, price: Decimal, old: Decimal | None = None) -> Page:
    loc = "tr_TR"
    whole, frac = number(price, loc).split(",")
    body = (
        f'<h1 class="product-list__product-name">{esc(title)}</h1>\n'
        '<div class="product-list__cost">'
        + (f'<span class="product-list__old-price">{money(old, loc)}</span>' if old else "")
        + f'<span class="product-list__price">{whole}</span><span class="product-list__'
        f'currency">,{frac} TL</span></div>\n'
        '<div class="installment-table"><span>9 Taksit x '
        f"{money((price / 9).quantize(D('0.01')), loc)}</span></div>\n"
        '<button class="btn btn-success add-to-cart">Sepete Ekle</button>\n'
        '<div class="similar-products"><h2>Benzer Ürünler</h2>'
        + _recs(price, loc, "product-list--list-page", "product-list__price", 37)
        + "</div>\n"
    )  # fmt: skip
    return _page("vatan_pdp", name, f"https://www.vatanbilgisayar.com/{name}.html", "tr",
                 f"{title} Fiyatı | Vatan Bilgisayar", body, price, loc)  # fmt: skip


def pages() -> list[Page]:
    return [
        wayfair("mercury-row-sofa", "W003128374", "Mercury Row 84'' Upholstered Sofa", D("649.99"),
                was=D("1049.00")),
        wayfair("wade-logan-desk", "W001234567", "Wade Logan Computer Desk", D("129.99")),
        zalando("nike-air-max-90", "Nike Sportswear AIR MAX 90 - Sneaker low", D("149.99")),
        zalando("levis-501", "Levi's® 501® ORIGINAL - Jeans Straight Leg", D("69.95"),
                uvp=D("119.95"), from_price=True),
        hm("oversized-hoodie", "1071234001", "Oversized huvtröja", D("299"), old=D("399")),
        hm("linnebyxa", "1169876002", "Linnebyxa", D("1299")),
        uniqlo("ultra-light-down", "E460971-000", "ウルトラライトダウンジャケット", D("7990"),
               limited=D("5990")),
        uniqlo("airism-tee", "E465185-000", "エアリズムコットンクルーネックT", D("1990")),
        kaspi("iphone-15", "113137790", "Apple iPhone 15 128Gb черный", D("429990")),
        kaspi("pylesos", "100987654", "Пылесос Dyson V12 Detect Slim", D("329990")),
        takealot("air-fryer", "94812345", "Russell Hobbs 5L Air Fryer", D("1299"),
                 listed=D("1799")),
        takealot("kettle", "91234567", "Defy 1.7L Cordless Kettle", D("349")),
        jumia("hisense-tv", "HI123MP1234567NAFAMZ", "Hisense 43\" Smart TV", D("289999"),
              old=D("349999")),
        jumia("binatone-blender", "BI456MP7654321NAFAMZ", "Binatone Blender 1.5L", D("38500")),
        vatan("kulaklik-jbl", "JBL Tune 520BT Kablosuz Kulaklık", D("1299.99"), old=D("1599.00")),
        vatan("laptop-lenovo", "Lenovo IdeaPad Slim 3 15.6\" Laptop", D("18999.00")),
    ]  # fmt: skip
