"""Regional marketplaces: Trendyol, Hepsiburada, N11, Mercado Libre, Allegro, Rakuten, eMAG."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

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


def _cards(price: Decimal, loc: str, cls: str, n: int = 5, salt: int = 0) -> str:
    return "".join(
        f'<div class="{cls}"><span class="{cls}-name">{esc(t)}</span><span class="{cls}-price">'
        f"{money(p, loc)}</span></div>"
        for t, p in zip(related_titles(n, salt), related_prices(price, n), strict=True)
    )


def trendyol(name: str, pid: str, title: str, price: Decimal, orig: Decimal | None = None, *,
             structured: bool = False, in_stock: bool = True) -> Page:  # fmt: skip
    url = f"https://www.trendyol.com/marka/{name}-p-{pid}"
    loc = "tr_TR"
    state = {
        "product": {
            "id": int(pid), "name": title, "inStock": in_stock,
            "price": {"sellingPrice": {"value": float(price), "text": money(price, loc)},
                      "originalPrice": {"value": float(orig or price), "text": money(orig or price, loc)},
                      "discountedPrice": {"value": float(price), "text": money(price, loc)},
                      "currency": "TRY"},
            "merchant": {"id": 968, "name": "Satıcı A.Ş."},
        },
        "configuration": {"installmentEnabled": True},
    }  # fmt: skip
    prices = (
        f'<span class="prc-org">{money(orig, loc)}</span><span class="prc-dsc">{money(price, loc)}'
        "</span>"
        if orig
        else f'<span class="prc-dsc">{money(price, loc)}</span>'
    )
    body = (
        '<div id="header"><div class="account-basket"><a href="/sepet"><p>Sepetim</p></a></div>'
        '</div>\n<div class="kvkk-banner">Size daha iyi hizmet sunabilmek için çerezler '
        "kullanıyoruz. <button>Kabul Et</button></div>\n"
        '<div id="product-detail-app"><div class="product-container"><div class="pr-in-w"><div '
        f'class="pr-in-cn"><h1 class="pr-new-br"><a href="#">Marka</a> <span>{esc(title)}</span>'
        '</h1><div class="product-price-container"><div class="pr-bx-w"><div class="pr-bx-nm '
        f'with-org-prc">{prices}</div></div></div>\n'
        '<div class="installment-info">Peşin fiyatına 3 taksit! <span class="installment-price">'
        f"3 x {money((price / 3).quantize(D('0.01')), loc)}</span></div>\n"
        '<div class="product-button-container"><button class="add-to-basket">'
        f"{'Sepete Ekle' if in_stock else 'Tükendi'}</button></div>\n"
        '<div class="delivery-info">Kargo bedava! 150 TL üzeri siparişlerde</div>'
        "</div></div></div>\n"
        '<div class="recommendation-widget"><h2>Benzer Ürünler</h2>'
        f"{_cards(price, loc, 'prdct-desc-cntnr')}</div></div>\n"
        + script(f"window.__PRODUCT_DETAIL_APP_INITIAL_STATE__={js(state)};")
    )
    if structured:
        body += ld(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": title,
                "offers": {
                    "@type": "Offer",
                    "price": f"{price}",
                    "priceCurrency": "TRY",
                    "availability": "https://schema.org/InStock",
                    "url": url,
                },
            }
        )
    html = doc("tr", f"{title} Fiyatı, Yorumları - Trendyol", "", body)
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("trendyol_pdp", name, url, html, f"{price}", "TRY", stock)


def hepsiburada(name: str, sku: str, title: str, price: Decimal, *, old: Decimal | None = None,
                split: bool = True) -> Page:  # fmt: skip
    url = f"https://www.hepsiburada.com/{name}-p-{sku}"
    loc = "tr_TR"
    whole, frac = number(price, loc).split(",")
    current = (
        f'<span class="price" id="offering-price" content="{price}"><span data-bind="markupText:'
        f"'currentPriceBeforePoint'\">{whole}</span>,<span data-bind=\"markupText:'currentPrice"
        f"AfterPoint'\">{frac}</span> <span>TL</span></span>"
        if split
        else f'<div data-test-id="price-current-price">{money(price, loc)}</div>'
    )
    prev = (
        f'<del id="originalPrice" class="price-old">{money(old, loc)}</del>'
        if old and split
        else f'<div data-test-id="prev-price"><span>{money(old, loc)}</span></div>'
        if old
        else ""
    )
    body = (
        '<header id="hb-header"><a href="/sepetim" id="shoppingCart"><span>Sepetim</span></a>'
        '</header>\n<div class="product-detail-module"><h1 class="product-name" id="product-name">'
        f"{esc(title)}</h1>\n"
        f'<div class="product-price-wrapper"><div id="prices" class="product-price">{prev}'
        f"{current}</div></div>\n"
        '<div class="installment-table"><span>12 x '
        f"{money((price / 12).quantize(D('0.01')), loc)}</span> taksit seçenekleri</div>\n"
        '<div class="delivery-container"><span>Kargo ücreti: 29,99 TL</span></div>\n'
        '<button id="addToCart" class="button big with-icon">Sepete ekle</button></div>\n'
        f'<div class="recommendations"><h2>Bunlara da göz atın</h2>{_cards(price, loc, "rec")}'
        "</div>\n"
    )
    html = doc("tr", f"{title} Fiyatı - Hepsiburada", "", body)
    return Page("hepsiburada_pdp", name, url, html, f"{price}", "TRY", None)


def n11(name: str, title: str, price: Decimal, *, old: Decimal | None = None) -> Page:
    url = f"https://www.n11.com/urun/{name}"
    loc = "tr_TR"
    body = (
        '<div id="header"><div class="myBasket"><a href="/sepetim">Sepetim</a></div></div>\n'
        '<div class="unf-p-detail"><div class="unf-p-summary"><h1 class="proName">'
        f"{esc(title)}</h1>\n"
        '<div class="unf-p-summary-price-wrapper"><div class="priceContainer">'
        + (f'<div class="oldPrice"><del>{money(old, loc)}</del></div>' if old else "")
        + f'<div class="newPrice"><ins content="{price:.2f}">{number(price, loc)}'
        '<span content="TRY">TL</span></ins></div></div></div>\n'
        f'<div class="unf-p-summary-installment">Aylık {money((price / 12).quantize(D("0.01")), loc)}\'den başlayan taksitlerle</div>\n'
        '<div class="unf-p-summary-cargo">Kargo Bedava</div>\n'
        '<button class="btn btnBlack addBasketUnify">Sepete Ekle</button></div></div>\n'
        f'<div class="unf-recommendations">{_cards(price, loc, "columnContent", 4, 3)}</div>\n'
    )
    html = doc("tr", f"{title} - n11.com", "", body)
    return Page("n11_product", name, url, html, f"{price}", "TRY", None)


def _andes(p: Decimal, loc: str, cls: str, tag: str = "span", md: bool = False) -> str:
    frac_digits = 2 if loc in ("es_AR", "pt_BR", "es_MX") else 0
    whole = number(p.to_integral_value(ROUND_DOWN), loc, minor=0) if frac_digits else number(p, loc)
    cents_html = ""
    if frac_digits and p != p.to_integral():
        cents_html = (
            '<span class="andes-money-amount__cents andes-money-amount__cents--superscript-36" '
            f'aria-hidden="true">{f"{p:.2f}".split(".")[1]}</span>'
        )
    sym = "R$" if loc == "pt_BR" else "$"
    meta = f'<meta itemprop="price" content="{p}">' if md else ""
    offers = ' itemprop="offers" itemscope itemtype="http://schema.org/Offer"' if md else ""
    return (
        f'<{tag} class="andes-money-amount {cls} andes-money-amount--cents-superscript" role="img"'
        f'{offers}>{meta}<span class="andes-money-amount__currency-symbol" aria-hidden="true">'
        f'{sym}</span><span class="andes-money-amount__fraction" aria-hidden="true">{whole}</span>'
        f"{cents_html}</{tag}>"
    )


def mercadolibre(name: str, host: str, mlid: str, title: str, price: Decimal, *, loc: str,
                 old: Decimal | None = None, installments: int = 6, structured: bool = True,
                 microdata: bool = True) -> Page:  # fmt: skip
    url = f"https://{host}/{name}/p/{mlid}"
    cur = currency_of(loc)
    inst = (price / installments).quantize(D("1") if loc in ("es_CL", "es_CO") else D("0.01"))
    body = (
        cookie_banner()
        + '<header class="nav-header"><a class="nav-logo" href="/">Mercado Libre</a><a class="nav-'
        'cart" href="/gz/cart">Carrito</a></header>\n'
        '<main id="root-app"><div class="ui-pdp-container ui-pdp-container--pdp"><div class="ui-'
        'pdp-container__row"><div class="ui-pdp-container__col col-1 ui-pdp-container--column-'
        'right"><div class="ui-pdp-header"><div class="ui-pdp-header__subtitle"><span class="ui-'
        f'pdp-subtitle">Nuevo  |  +1000 vendidos</span></div><h1 class="ui-pdp-title">{esc(title)}'
        "</h1></div>\n"
        '<div class="ui-pdp-price mt-16 ui-pdp-price--size-large"><div class="ui-pdp-price__main-'
        'container">'
        + (
            '<div class="ui-pdp-price__original-value">'
            f"{_andes(old, loc, 'ui-pdp-price__part ui-pdp-price__original-value andes-money-amount--previous', 's')}"
            "</div>"
            if old
            else ""
        )
        + '<div class="ui-pdp-price__second-line">'
        f"{_andes(price, loc, 'ui-pdp-price__part', md=microdata)}"
        + (
            f'<span class="andes-money-amount__discount">{int((1 - price / old) * 100)}% OFF</span>'
            if old
            else ""
        )
        + '</div></div><div class="ui-pdp-price__subtitles"><p class="ui-pdp-color--BLACK ui-pdp-'
        f'size--MEDIUM ui-pdp-family--REGULAR" id="pricing_price_subtitle">en {installments}x '
        f"{_andes(inst, loc, 'ui-pdp-price__part--medium')} sin interés</p></div></div>\n"
        '<div class="ui-pdp-shipping"><p>Envío gratis a todo el país</p></div>\n'
        '<div class="ui-pdp-buybox__quantity"><p class="ui-pdp-buybox__quantity__available">'
        "(+50 disponibles)</p></div>\n"
        '<form class="ui-pdp-actions"><button type="submit" class="andes-button andes-button--large'
        ' andes-button--loud"><span class="andes-button__content">Comprar ahora</span></button>'
        "</form></div></div></div>\n"
        '<div class="ui-recommendations-carousel"><h2>Productos relacionados</h2>'
        + "".join(
            f'<div class="ui-recommendations-card"><p class="ui-recommendations-card__title">'
            f"{esc(t)}</p>{_andes(p.to_integral(), loc, 'ui-recommendations-card__price')}</div>"
            for t, p in zip(related_titles(4, 13), related_prices(price, 4), strict=True)
        )
        + "</div></main>\n"
    )
    if structured:
        body += ld({"@context": "https://schema.org", "@type": "Product", "name": title,
                    "offers": {"@type": "Offer", "price": float(price) if price % 1 else int(price),
                               "priceCurrency": cur, "availability": "https://schema.org/InStock",
                               "url": url}})  # fmt: skip
    lang = {"es_CL": "es-CL", "es_AR": "es-AR", "pt_BR": "pt-BR", "es_MX": "es-MX"}.get(loc, "es")
    html = doc(lang, f"{title} | Mercado Libre", f'<link rel="canonical" href="{url}">\n', body)
    return Page("mercadolibre_pdp", name, url, html, f"{price}", cur, "in_stock")


def allegro(name: str, offer: str, title: str, price: Decimal, *, microdata: bool = True,
            smart: bool = True) -> Page:  # fmt: skip
    url = f"https://allegro.pl/oferta/{name}-{offer}"
    loc = "pl_PL"
    whole, frac = number(price, loc).split(",")
    md = (
        f'<meta itemprop="price" content="{price:.2f}"><meta itemprop="priceCurrency" '
        'content="PLN"><link itemprop="availability" href="http://schema.org/InStock">'
        if microdata
        else ""
    )
    body = (
        cookie_banner()
        + '<div data-box-name="allegro.header"><a href="/koszyk" aria-label="koszyk">Koszyk</a>'
        '</div>\n<div data-box-name="showoffer.productHeader"><h1 class="mp4t_0 mryx_0 mj7a_4 '
        f'mvrt_8 mgmw_wo mqu1_21 mgn2_21 mgn2_25_s">{esc(title)}</h1></div>\n'
        '<div data-box-name="showoffer.price" data-prototype-id="allegro.showoffer.price"'
        + (' itemprop="offers" itemscope itemtype="http://schema.org/Offer"' if microdata else "")
        + f'>{md}<div aria-label="cena {number(price, loc)} zł" class="mli8_k4 msa3_z4 mqu1_1 mp0t_ji'
        f' m9qz_yo mgmw_qw mgn2_27 mgn2_30_s">{whole},<span class="mgmw_3z mgn2_19">{frac}</span>'
        ' <span class="mgmw_3z mgn2_19">zł</span></div>'
        f'<div class="mpof_ki mp4t_0">10 rat x {money((price / 10).quantize(D("0.01")), loc)} '
        "<span>RRSO 0%</span></div></div>\n"
        + (
            '<div data-box-name="showoffer.delivery">dostawa za 0 zł z <b>Allegro Smart!</b></div>'
            if smart
            else f'<div data-box-name="showoffer.delivery">dostawa od {money(D("9.99"), loc)}</div>'
        )
        + '\n<button data-analytics-interaction="true" id="add-to-cart-button" class="mgn2_16 '
        '_6d89c_wwgPl">Dodaj do koszyka</button>\n'
        f'<div data-box-name="showoffer.recommendations">{_cards(price, loc, "mpof_ki", 4, 5)}'
        "</div>\n"
    )
    wrap = ' itemscope itemtype="http://schema.org/Product"' if microdata else ""
    html = doc("pl", f"{title} - Allegro.pl", "", f"<div{wrap}>{body}</div>\n")
    return Page("allegro_offer", name, url, html, f"{price}", "PLN", "in_stock")


def rakuten(name: str, shop: str, title: str, price: Decimal, *, postage: Decimal | None = None,
            structured: bool = False) -> Page:  # fmt: skip
    url = f"https://item.rakuten.co.jp/{shop}/{name}/"
    loc = "ja_JP"
    ship = f"送料別 {money(postage, loc)}" if postage else "送料無料"
    body = (
        '<div id="rakutenLimitedId_header"><a href="https://basket.step.rakuten.co.jp/rms/mall/'
        'bs/cartall/">買い物かご</a></div>\n'
        '<div id="pagebody"><table><tr><td><span class="item_name"><b>'
        f"{esc(title)}</b></span><br>\n"
        '<span class="price1">価格</span><span class="price2" irc="Price">'
        f'{number(price, loc)}<span class="tax">円</span></span>'
        f'<span class="tax_postage">(税込) <span>{ship}</span></span><br>\n'
        f'<span class="point-summary__total">{int(price // 100)}ポイント</span> 1倍<br>\n'
        '<input type="submit" value="買い物かごに入れる" class="cart-button add-cart"></td></tr>'
        "</table></div>\n"
        '<div class="rnkRanking_itemRecommend"><h2>この商品を見た人はこんな商品も見ています</h2>'
        + "".join(
            f'<div class="rec-item"><a href="#">{esc(t)}</a><span class="important">'
            f"{number(p.to_integral(), loc)}円</span></div>"
            for t, p in zip(related_titles(4, 14), related_prices(price, 4), strict=True)
        )
        + "</div>\n"
    )
    if structured:
        body += ld(
            {
                "@context": "http://schema.org",
                "@type": "Product",
                "name": title,
                "offers": {
                    "@type": "Offer",
                    "price": int(price),
                    "priceCurrency": "JPY",
                    "availability": "http://schema.org/InStock",
                },
            }
        )
    html = doc("ja", f"【楽天市場】{title}", "", body)
    return Page("rakuten_ichiba", name, url, html, f"{price}", "JPY", None)


def emag(name: str, host: str, code: str, title: str, price: Decimal, *, loc: str,
         old: Decimal | None = None) -> Page:  # fmt: skip
    url = f"https://{host}/{name}/pd/{code}/"
    cur = currency_of(loc)
    sym = "Lei" if cur == "RON" else "Ft"

    def split(p: Decimal) -> str:
        if cur == "HUF":
            return f"{number(p, 'ro_RO', minor=0)} <span>{sym}</span>"
        whole, frac = number(p, loc).split(",")
        return f"{whole}<sup>{frac}</sup> <span>{sym}</span>"

    state = {"product": {"id": int(code[-6:], 36) % 10**7, "name": title, "price": float(price),
                         "currency": cur, "offer_id": 8812345}}  # fmt: skip
    body = (
        cookie_banner()
        + '<header class="navbar"><a href="/cart/products" class="navbar-aux-help-link">Coșul meu'
        '</a></header>\n<div class="main-container-outer"><div class="page-header"><h1 class="page-'
        f'title">{esc(title)}</h1></div>\n'
        '<div class="product-highlight product-page-pricing"><div class="pricing-block">'
        + (
            f'<p class="product-old-price"><s>{split(old)}</s> <span class="product-this-deal">-'
            f"{int((1 - price / old) * 100)}%</span></p>"
            if old
            else ""
        )
        + f'<p class="product-new-price">{split(price)}</p></div>\n'
        + f'<div class="product-installments">{"vagy 12 részlet x" if cur == "HUF" else "sau 12 rate x"} '
        f"{money((price / 12).quantize(D('0.01')), loc)}</div>\n"
        '<button class="btn btn-xl btn-primary btn-emag btn-block main-button yeahIWantThisProduct'
        '" type="button">Adaugă în Coș</button></div>\n'
        '<div class="card-collection"><h2>Clienții care au văzut acest produs au cumpărat și</h2>'
        + "".join(
            f'<div class="card-item"><a class="card-v2-title">{esc(t)}</a><p class="product-new-'
            f'price">{split(p)}</p></div>'
            for t, p in zip(related_titles(4, 15), related_prices(price, 4), strict=True)
        )
        + "</div></div>\n"
        + script(
            f"var EM = EM || {{}}; EM.productDiscountedPrice = {price}; EM.product = {js(state)};"
        )
    )
    lang = "ro" if cur == "RON" else "hu"
    html = doc(lang, f"{title} - eMAG", f'<link rel="canonical" href="{url}">\n', body)
    return Page("emag_product", name, url, html, f"{price}", cur, None)


def pages() -> list[Page]:
    return [
        trendyol("kablosuz-kulaklik", "732145890", "Kablosuz Kulaklık Bluetooth 5.3",
                 D("1299.99"), D("1599.99")),
        trendyol("kadin-mont", "681234567", "Kadın Şişme Mont Siyah", D("2499.00"),
                 structured=True),
        trendyol("robot-supurge", "845612378", "Akıllı Robot Süpürge", D("8999.90"),
                 D("10999.90"), in_stock=False),
        hepsiburada("airfryer-xl", "HBCV00004X9Z1A", "Airfryer XL 6.2 L Sıcak Hava Fritözü",
                    D("3849.99"), old=D("4299.00")),
        hepsiburada("akilli-saat", "HBCV00005ABCD1", "Akıllı Saat GT 4 46 mm", D("6999.00"),
                    split=False, old=D("7999.00")),
        hepsiburada("kahve-makinesi", "HBCV00001QW3E4", "Filtre Kahve Makinesi 1.25 L",
                    D("1299.90")),
        n11("samsung-galaxy-a55", "Samsung Galaxy A55 128 GB", D("17999.00"), old=D("19999.00")),
        n11("bebek-arabasi", "Travel Sistem Bebek Arabası", D("4750.50")),
        n11("kahve-fincani-seti", "Porselen Kahve Fincanı Takımı 6 Kişilik", D("349.90"),
            old=D("499.90")),
        mercadolibre("olla-presion", "articulo.mercadolibre.com.co", "MCO7788990011",
                     "Olla a Presión 6 Litros", D("129900"), loc="es_CO", old=D("159900"),
                     installments=12, structured=False, microdata=False),
        mercadolibre("zapatillas-running", "www.mercadolibre.cl", "MLC1234567890",
                     "Zapatillas Running Hombre Liviana", D("24990"), loc="es_CL",
                     old=D("29990")),
        mercadolibre("audifonos-bluetooth", "www.mercadolibre.cl", "MLC2233445566",
                     "Audífonos Bluetooth Inalámbricos", D("12990"), loc="es_CL",
                     structured=False, microdata=False),
        mercadolibre("cafetera-italiana", "www.mercadolibre.com.ar", "MLA1122334455",
                     "Cafetera Italiana 6 Tazas Aluminio", D("24999.99"), loc="es_AR",
                     installments=3, structured=False, microdata=False),
        mercadolibre("fone-de-ouvido", "www.mercadolivre.com.br", "MLB3344556677",
                     "Fone De Ouvido Sem Fio Bluetooth", D("1299.90"), loc="pt_BR",
                     old=D("1599.90"), installments=10, structured=False),
        mercadolibre("licuadora", "www.mercadolibre.com.mx", "MLM5566778899",
                     "Licuadora 10 Velocidades 1.5 L", D("1299"), loc="es_MX",
                     installments=12, structured=False, microdata=False),
        allegro("sluchawki-bezprzewodowe", "13245678901", "Słuchawki bezprzewodowe ANC",
                D("1299.99")),
        allegro("ekspres-do-kawy", "12987654321", "Ekspres do kawy ciśnieniowy 15 bar",
                D("849.00"), microdata=False, smart=False),
        allegro("plecak-turystyczny", "14567890123", "Plecak turystyczny 40 L", D("189.90"),
                microdata=False),
        rakuten("nabe-28cm", "kitchen-yamada", "IH対応 両手鍋 28cm ステンレス", D("12800")),
        rakuten("green-tea-100g", "ochaya-kyoto", "宇治抹茶 100g 缶入り", D("3240"),
                postage=D("600")),
        rakuten("bath-towel-set", "towel-imabari", "今治タオル バスタオル 2枚セット",
                D("5500"), structured=True),
        emag("laptop-gaming", "www.emag.ro", "DX9K2ABBM", "Laptop Gaming 15.6 inch, 16GB",
             D("4299.99"), loc="ro_RO", old=D("4999.99")),
        emag("aspirator-vertical", "www.emag.ro", "DLP1QWBBM", "Aspirator vertical fără fir",
             D("1299.99"), loc="ro_RO"),
        emag("okosora", "www.emag.hu", "DN4M2ZBBM", "Okosóra GPS-szel, 46 mm", D("45990"),
             loc="hu_HU", old=D("59990")),
    ]  # fmt: skip
