"""BigCommerce Cornerstone, Shopware 6 (Storefront) and Salesforce Commerce Cloud (SFRA)."""

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
    related_prices,
    related_titles,
)

D = Decimal


def cornerstone(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    old: Decimal | None = None,
    in_stock: bool = True,
    structured: bool = False,
    loc: str = "en_US",
) -> Page:
    url = f"https://{host}/{name}/"
    cur = currency_of(loc)
    fmt = {"formatted": money(price, loc), "value": float(price), "currency": cur}
    price_data: dict[str, object] = {"without_tax": fmt, "tax_label": "Tax"}
    if old:
        price_data["non_sale_price_without_tax"] = {
            "formatted": money(old, loc), "value": float(old), "currency": cur}  # fmt: skip
        price_data["sale_price_without_tax"] = fmt
    bcdata = {
        "csrf_token": "b1d7e9a0c8f4",
        "product_attributes": {
            "sku": f"{name[:4].upper()}-01", "upc": None, "mpn": None, "gtin": None,
            "weight": None, "base": True, "image": None, "price": price_data,
            "stock": None, "instock": in_stock, "stock_message": None,
            "purchasable": in_stock, "purchasing_message": None,
        },
    }  # fmt: skip
    was = (
        '<div class="price-section price-section--withoutTax non-sale-price--withoutTax">Was: '
        '<span data-product-non-sale-price-without-tax class="price price--non-sale">'
        f"{money(old, loc)}</span></div>"
        if old
        else '<div class="price-section price-section--withoutTax non-sale-price--withoutTax" '
        'style="display: none;">Was: <span data-product-non-sale-price-without-tax class="price '
        'price--non-sale"></span></div>'
    )
    now_style = "" if old else ' style="display: none;"'
    cards = "".join(
        '<li class="productCarousel-slide"><article class="card" data-test="card-'
        f'{80 + i}"><figure class="card-figure"><a href="#" class="card-figure__link"><img '
        f'src="https://cdn11.bigcommerce.com/s-abc123/images/stencil/500x659/products/{80 + i}/'
        f'r.jpg" alt="{esc(t)}" class="card-image"></a></figure><div class="card-body"><h3 class="'
        f'card-title"><a href="#">{esc(t)}</a></h3><div class="card-text" data-test-info-type="'
        'price"><div class="price-section price-section--withoutTax"><span class="price-label">'
        '</span><span data-product-price-without-tax class="price price--withoutTax">'
        f"{money(p, loc)}</span></div></div></div></article></li>\n"
        for i, (t, p) in enumerate(zip(related_titles(4, 3), related_prices(price, 4), strict=True))
    )
    body = (
        '<header class="header" role="banner"><nav class="navUser"><ul class="navUser-section '
        'navUser-section--alt"><li class="navUser-item navUser-item--cart"><a class="navUser-action'
        ' navUser-item--cart__hidden-s" data-cart-preview data-dropdown="cart-preview-dropdown" '
        'href="/cart.php"><span class="navUser-item-cartLabel">Cart</span> <span class="countPill '
        'cart-quantity"></span></a></li></ul></nav></header>\n'
        '<main class="body" id="main-content" role="main" data-currency-code="' + cur + '">'
        '<div class="container"><div class="productView" data-event-type="product" '
        f'data-entity-id="{len(name) + 100}" data-name="{esc(title)}" data-product-brand="OFS" '
        f'data-product-price="{price}">\n'
        '<section class="productView-images" data-image-gallery><figure class="productView-image">'
        f'<img src="https://cdn11.bigcommerce.com/s-abc123/images/stencil/608x608/products/1/'
        f'{name}.jpg" alt="{esc(title)}"></figure></section>\n'
        '<section class="productView-details product-data"><div class="productView-product">'
        f'<h1 class="productView-title">{esc(title)}</h1><h2 class="productView-brand"><a href="#">'
        '<span>OFS</span></a></h2><div class="productView-price">'
        '<div class="price-section price-section--withoutTax rrp-price--withoutTax" style="display:'
        ' none;">MSRP: <span data-product-rrp-price-without-tax class="price price--rrp"></span>'
        f"</div>{was}"
        '<div class="price-section price-section--withoutTax"><span class="price-label is-srOnly">'
        f'Price:</span><span class="price-now-label"{now_style}>'
        'Now:</span><span data-product-price-without-tax class="price price--withoutTax">'
        f"{money(price, loc)}</span></div></div>\n"
        '<div data-content-region="product_below_price"></div></div></section>\n'
        '<section class="productView-details product-options"><div class="productView-options">'
        f'<form class="form" method="post" action="https://{host}/cart.php" enctype="multipart/'
        'form-data" data-cart-item-add><input type="hidden" name="action" value="add">'
        '<div class="form-field form-field--increments"><label class="form-label form-label--'
        'alternate" for="qty[]">Quantity:</label><input class="form-input form-input--incrementTotal'
        '" id="qty[]" name="qty[]" type="tel" value="1"></div>'
        '<div class="alertBox productAttributes-message" style="display:none"></div>'
        '<div class="form-action"><input id="form-action-addToCart" data-wait-message="Adding to '
        f'cart…" class="button button--primary" type="submit" value="'
        f'{"Add to Cart" if in_stock else "Out of stock"}"{"" if in_stock else " disabled"}>'
        "</div></form></div></section></div>\n"
        '<section class="productCarousel" data-list-name="Related Products"><h2 class="page-'
        f'heading">Related Products</h2><ul>{cards}</ul></section></div></main>\n'
        + f"<script>var BCData = {js(bcdata)};</script>\n"
        + '<footer class="footer" role="contentinfo"><p class="powered-by">Powered by <a href="'
        'https://www.bigcommerce.com?utm_source=merchant&amp;utm_medium=poweredbyBC" rel="nofollow"'
        ">BigCommerce</a></p></footer>\n"
    )
    if structured:
        avail = "InStock" if in_stock else "OutOfStock"
        body += ld(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": title,
                "sku": f"{name[:4].upper()}-01",
                "url": url,
                "offers": {
                    "@type": "Offer",
                    "priceCurrency": cur,
                    "price": float(price),
                    "availability": f"https://schema.org/{avail}",
                    "url": url,
                },
            }
        )
    html = doc("en", f"{title} - {host}", f'<link rel="canonical" href="{url}">\n', body)
    avail_t = "in_stock" if in_stock else "out_of_stock"
    return Page("bigcommerce_cornerstone", name, url, html, f"{price}", cur, avail_t)


def shopware(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "de_DE",
    old: Decimal | None = None,
    in_stock: bool = True,
    microdata: bool = True,
    unit: tuple[str, Decimal] | None = None,  # ("1 Liter", reference price)
    tiers: list[tuple[str, Decimal]] | None = None,
) -> Page:
    url = f"https://{host}/{name}/SW10{len(name):03d}"
    cur = currency_of(loc)
    tax = "inkl. MwSt. zzgl. Versandkosten" if loc == "de_DE" else "Prices incl. VAT plus shipping"
    p_md = f'<meta itemprop="price" content="{price}">' if microdata and not tiers else ""
    price_html = (
        f'<div class="product-detail-price-container">{p_md}'
        f'<p class="product-detail-price{" with-list-price" if old else ""}">'
        f"{money(price, loc)}*</p>"
    )
    if old:
        pct = int((1 - price / old) * 100)
        price_html += (
            '<span class="product-detail-list-price-wrapper"><span class="list-price-price">'
            f'{money(old, loc)}*</span> <span class="list-price-percentage">({pct}% gespart)'
            "</span></span>"
        )
    if unit:
        price_html += (
            '<div class="product-detail-price-unit"><span class="price-unit-label">Inhalt:</span>'
            f'<span class="price-unit-content">0.5 Liter</span><span class="price-unit-reference-'
            f'content">({money(unit[1], loc)}* / {unit[0]})</span></div>'
        )
    price_html += "</div>"
    if tiers:
        rows = "".join(
            f'<tr class="product-block-prices-row" itemprop="offers" itemscope itemtype="https://'
            f'schema.org/Offer"><th scope="row" class="product-block-prices-cell product-block-'
            f'prices-cell-thin"><meta itemprop="priceCurrency" content="{cur}"><meta itemprop="'
            f'price" content="{p}"><span class="product-block-prices-quantity">{q}</span></th>'
            f'<td class="product-block-prices-cell">{money(p, loc)}*</td></tr>'
            for q, p in tiers
        )
        price_html = (
            '<div class="product-block-prices"><table class="table product-block-prices-grid">'
            '<thead class="product-block-prices-head"><tr class="product-block-prices-row"><th '
            'scope="col" class="product-block-prices-cell">Anzahl</th><th scope="col" class="'
            f'product-block-prices-cell">Stückpreis</th></tr></thead><tbody class="product-block-'
            f'prices-body">{rows}</tbody></table></div>'
        )
    delivery = (
        '<div class="delivery-information delivery-available"><p class="delivery-status-indicator '
        'bg-success"></p>Sofort verfügbar, Lieferzeit 1-3 Werktage</div>'
        if in_stock
        else '<div class="delivery-information delivery-soldout"><p class="delivery-status-'
        'indicator bg-danger"></p>Nicht mehr verfügbar</div>'
    )
    offer_md = (
        f'<meta itemprop="priceCurrency" content="{cur}"><link itemprop="availability" '
        f'href="http://schema.org/{"InStock" if in_stock else "OutOfStock"}">'
        if microdata
        else ""
    )
    scope_attr = ' itemscope itemtype="https://schema.org/Product"' if microdata else ""
    name_attr = ' itemprop="name"' if microdata else ""
    offer_attr = (
        ' itemprop="offers" itemscope itemtype="https://schema.org/Offer"'
        if microdata and not tiers
        else ""
    )
    slider = "".join(
        '<div class="product-slider-item"><div class="card product-box box-standard"><div class='
        f'"card-body"><div class="product-info"><a href="#" class="product-name" title="{esc(t)}">'
        f'{esc(t)}</a><div class="product-price-info"><div class="product-price-wrapper"><span '
        f'class="product-price">{money(p, loc)}*</span></div></div></div></div></div></div>'
        for t, p in zip(related_titles(5, 9), related_prices(price, 5), strict=True)
    )
    body = (
        cookie_banner("cookiebot")
        + '<header class="header-main"><div class="header-cart" data-off-canvas-cart="true"><a '
        'class="btn header-cart-btn header-actions-btn" href="/checkout/cart" title="Warenkorb">'
        f'<span class="header-cart-total">{money(D(0), loc)}*</span></a></div></header>\n'
        '<main class="content-main"><div class="container"><div class="cms-page"><div class="cms-'
        'sections"><div class="cms-section pos-0 cms-section-default">\n'
        '<div class="product-detail"'
        f"{scope_attr}>"
        f'<div class="product-detail-content"><div class="row product-detail-main"><div class="col-'
        f'lg-7 product-detail-media"><img src="https://{host}/media/a1/{name}.jpg" alt="'
        f'{esc(title)}"></div><div class="col-lg-5 product-detail-buy">\n'
        f'<h1 class="product-detail-name"{name_attr}>'
        f"{esc(title)}</h1>\n"
        f'<div class="product-detail-buy" data-buy-widget><div'
        f"{offer_attr}>"
        f"{offer_md if not tiers else ''}{price_html}"
        f'<div class="product-detail-tax-container"><p class="product-detail-tax"><a class="product-'
        f'detail-tax-link" href="/widgets/cms/shipping" title="Versandkosten">{tax}</a></p></div>'
        f'<div class="product-detail-delivery-information">{delivery}</div></div>\n'
        '<form id="productDetailPageBuyProductForm" action="/checkout/line-item/add" method="post" '
        'class="buy-widget" data-add-to-cart="true"><div class="form-row buy-widget-container">'
        '<div class="col-8"><div class="d-grid"><button class="btn btn-primary btn-buy" title="In '
        f'den Warenkorb"{"" if in_stock else " disabled"}>In den Warenkorb</button></div></div>'
        "</div></form>\n"
        f'<div class="product-detail-ordernumber-container"><span class="product-detail-'
        f'ordernumber-label">Produktnummer:</span><meta itemprop="productID" content="'
        f'{len(name)}"><span class="product-detail-ordernumber" itemprop="sku">SW10{len(name):03d}'
        "</span></div>\n</div></div></div></div>\n"
        '<div class="cms-element-product-slider"><div class="product-slider has-nav"><div class="'
        f'product-slider-container">{slider}</div></div></div>\n'
        "</div></div></div></div></div></main>\n"
        '<footer class="footer-main"><div class="footer-vat"><p>* Alle Preise inkl. gesetzl. '
        "Mehrwertsteuer zzgl. Versandkosten</p></div></footer>\n"
    )
    html = doc("de-DE", f"{title} | {host}", f'<link rel="canonical" href="{url}">\n', body)
    note = "tier prices: the single-unit price" if tiers else ""
    truth = tiers[0][1] if tiers else price
    avail = "in_stock" if in_stock else "out_of_stock"
    return Page("shopware6", name, url, html, f"{truth}", cur, avail, note=note)


def sfra(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    old: Decimal | None = None,
    in_stock: bool = True,
    structured: bool = True,
    loc: str = "en_US",
    pid: str = "25519318M",
) -> Page:
    url = f"https://{host}/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid={pid}"
    cur = currency_of(loc)
    strike = (
        '<del><span class="strike-through list"><span class="value" content="'
        f'{old:.2f}"><span class="sr-only">Price reduced from</span>{money(old, loc)}<span '
        'class="sr-only">to</span></span></span></del>'
        if old
        else ""
    )
    body = (
        cookie_banner()
        + '<header><nav role="navigation"><div class="header container"><div class="minicart" '
        'data-action-url="/on/demandware.store/Sites-RefArch-Site/en_US/Cart-MiniCartShow">'
        '<div class="minicart-total hide-link-med"><a class="minicart-link" href="/cart" title="'
        'Cart 0 Items"><i class="minicart-icon fa fa-shopping-bag"></i><span class="minicart-'
        'quantity">0</span></a></div></div></div></nav></header>\n'
        '<div class="promo-banner">Free standard shipping on orders '
        f"{money(D(99), loc)}+</div>\n"
        f'<div class="container product-detail product-wrapper" data-pid="{pid}">\n'
        '<div class="row"><div class="col-12"><h1 class="product-name hidden-md-up">'
        f"{esc(title)}</h1></div></div>\n"
        '<div class="row"><div class="col-12 col-sm-6"><div class="primary-images"><img src="'
        f'https://{host}/dw/image/v2/AAAA_PRD/{pid}.jpg" class="d-block img-fluid" alt="'
        f'{esc(title)}" itemprop="image"></div></div>\n'
        '<div class="col-12 col-sm-6"><div class="row"><div class="col"><h1 class="product-name '
        f'hidden-sm-down">{esc(title)}</h1></div></div>\n'
        '<div class="row"><div class="col"><div class="product-number-rating clearfix"><div '
        f'class="product-number pull-left">Item No. <span class="product-id">{pid}</span></div>'
        "</div></div></div>\n"
        '<div class="attributes"><div class="row cart-and-ipay"><div class="col-sm-12"><div '
        'class="prices-add-to-cart-actions"><div class="row"><div class="col-12"><div class="'
        f'prices"><div class="price"><span>{strike}<span class="sales"><span class="value" content'
        f'="{price:.2f}">{money(price, loc)}</span></span></span></div></div></div>\n'
        '<div class="col-sm-12"><input type="hidden" class="add-to-cart-url" value="/on/'
        'demandware.store/Sites-RefArch-Site/en_US/Cart-AddProduct"><button class="add-to-cart '
        f'btn btn-primary" data-pid="{pid}"{"" if in_stock else " disabled"}><i class="fa fa-'
        'shopping-bag"></i> Add to Cart</button></div></div></div></div></div>\n'
        '<div class="availability product-availability" data-ready-to-order="true" data-available'
        f'="{"true" if in_stock else "false"}"><div class="row"><div class="col-12"><label class="'
        'availability">Availability:</label><ul class="list-unstyled availability-msg"><li><div>'
        f"{'In Stock' if in_stock else 'Out of Stock'}</div></li></ul></div></div></div>\n"
        "</div></div></div></div>\n"
        '<div class="recommendations"><div class="container"><h2 class="title">You may also like'
        '</h2><div class="row product-grid">'
        + "".join(
            '<div class="col-6 col-sm-3"><div class="product" data-pid="'
            f'{600 + i}"><div class="product-tile"><div class="tile-body"><div class="pdp-link">'
            f'<a class="link" href="#">{esc(t)}</a></div><div class="price"><span><span class="'
            f'sales"><span class="value" content="{p:.2f}">{money(p, loc)}</span></span></span>'
            "</div></div></div></div></div>"
            for i, (t, p) in enumerate(
                zip(related_titles(4, 7), related_prices(price, 4), strict=True)
            )
        )
        + "</div></div></div>\n"
    )
    if structured:
        avail = "InStock" if in_stock else "OutOfStock"
        body += ld(
            {
                "@context": "http://schema.org/",
                "@type": "Product",
                "name": title,
                "description": f"{title}.",
                "mpn": pid,
                "sku": pid,
                "brand": {"@type": "Thing", "name": "Commerce Cloud"},
                "image": [f"https://{host}/dw/image/v2/AAAA_PRD/{pid}.jpg"],
                "offers": {
                    "url": url,
                    "@type": "Offer",
                    "priceCurrency": cur,
                    "price": f"{price:.2f}",
                    "availability": f"http://schema.org/{avail}",
                },
            }
        )
    html = doc("en", f"{title} | {host}", f'<link rel="canonical" href="{url}">\n', body)
    avail_t = "in_stock" if in_stock else "out_of_stock"
    return Page("sfcc_sfra", name, url, html, f"{price}", cur, avail_t)


def pages() -> list[Page]:
    return [
        cornerstone("orbit-terrarium-large", "plant-and-pot.com", "[Sample] Orbit Terrarium - Large",
                    D("109.00"), old=D("119.95")),
        cornerstone("tiered-wire-basket", "plant-and-pot.com", "[Sample] Tiered Wire Basket",
                    D("119.95")),
        cornerstone("dustpan-brush", "cleanhome.ca", "Dustpan & Brush", D("34.95"), loc="en_CA",
                    structured=True),
        cornerstone("able-brewing-system", "plant-and-pot.com", "[Sample] Able Brewing System",
                    D("225.00"), in_stock=False),
        shopware("bio-olivenoel", "feinkost-wagner.de", "Bio Olivenöl extra vergine 0,5 l",
                 D("12.99"), unit=("1 Liter", D("25.98"))),
        shopware("wanderschuh-alpin", "bergsport-haus.de", "Wanderschuh Alpin GTX", D("149.95"),
                 old=D("189.95"), microdata=False),
        shopware("kaffeebohnen-1kg", "roesterei-hansen.de", "Kaffeebohnen Espresso 1 kg",
                 D("24.90"), tiers=[("Bis 4", D("24.90")), ("Ab 5", D("22.90")),
                                    ("Ab 10", D("21.50"))]),
        shopware("thermoskanne", "feinkost-wagner.de", "Thermoskanne 1 l", D("39.00"),
                 in_stock=False),
        sfra("quilted-jacket", "refarch-demo.com", "Quilted Jacket", D("175.00"), old=D("250.00")),
        sfra("modern-blazer", "refarch-demo.com", "Modern Blazer", D("299.00"), structured=False,
             pid="25686544M"),
        sfra("straight-leg-jean", "refarch-demo.com", "Straight Leg Jean", D("69.00"),
             in_stock=False, structured=False, pid="25592770M"),
        sfra("classic-trench", "refarch-demo.co.uk", "Classic Trench Coat", D("240.00"),
             loc="en_GB", pid="25697212M"),
    ]  # fmt: skip
