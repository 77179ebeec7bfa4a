"""PrestaShop 1.7/8 classic theme and OpenCart 3 default theme product pages."""

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
    related_prices,
    related_titles,
)

D = Decimal


def prestashop(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "en_US",
    old: Decimal | None = None,
    in_stock: bool = True,
    microdata: bool = True,
    lang: str = "en",
) -> Page:
    pid = 1 + sum(map(ord, name)) % 300
    url = f"https://{host}/{lang}/accueil/{pid}-{name}.html"
    cur = currency_of(loc)
    md_name = ' itemprop="name"' if microdata else ""
    offer = ' itemprop="offers" itemscope itemtype="https://schema.org/Offer"' if microdata else ""
    md_in = (
        f'<link itemprop="availability" href="https://schema.org/'
        f'{"InStock" if in_stock else "OutOfStock"}"/><meta itemprop="priceCurrency" '
        f'content="{cur}">'
        if microdata
        else ""
    )
    md_price = f' itemprop="price" content="{price:.2f}"' if microdata else ""
    discount = (
        f'<div class="product-discount"><span class="regular-price">{money(old, loc)}</span></div>'
        if old
        else ""
    )
    save = (
        f'<span class="discount discount-percentage">Save {int(100 - price * 100 / old)}%</span>'
        if old
        else ""
    )
    details = {
        "id_shop_default": "1", "id_product": str(pid), "reference": f"demo_{pid}",
        "price_amount": float(price), "price": money(price, loc),
        "regular_price_amount": float(old or price), "quantity": 300 if in_stock else 0,
        "availability": "available" if in_stock else "unavailable",
        "availability_message": "In stock" if in_stock else "Out-of-Stock",
        "name": title, "rounded_display_price": float(price),
    }  # fmt: skip
    related = "".join(
        '<div class="js-product product col-xs-12 col-sm-6 col-lg-4 col-xl-3"><article class="'
        f'product-miniature js-product-miniature" data-id-product="{400 + i}"><div class="'
        f'thumbnail-container"><div class="product-description"><h3 class="h3 product-title">'
        f'<a href="#">{esc(t)}</a></h3><div class="product-price-and-shipping"><span '
        f'class="price" aria-label="Price">{money(p, loc)}</span></div></div></div></article>'
        "</div>\n"
        for i, (t, p) in enumerate(
            zip(related_titles(4, pid), related_prices(price, 4), strict=True)
        )
    )
    scope_attr = ' itemscope itemtype="https://schema.org/Product"' if microdata else ""
    button = "" if in_stock else " disabled"
    body = (
        cookie_banner()
        + '<main><header id="header"><div class="header-nav"><div id="_desktop_cart"><div class='
        '"blockcart cart-preview inactive" data-refresh-url="//' + host + '/module/ps_shoppingcart/'
        'ajax"><div class="header"><span class="hidden-sm-down">Cart</span><span class='
        '"cart-products-count">(0)</span></div></div></div></div></header>\n'
        '<section id="wrapper"><div class="container"><div id="content-wrapper"><section id="main"'
        f'{scope_attr}>'
        f'<meta itemprop="url" content="{url}">\n<div class="row product-container js-product-'
        'container"><div class="col-md-6"><section class="page-content" id="content"><div class='
        f'"product-cover"><img class="js-qv-product-cover img-fluid" src="https://{host}/{pid}-'
        f'large_default/{name}.jpg" alt="{esc(title)}"></div></section></div>\n'
        f'<div class="col-md-6"><h1 class="h1"{md_name}>{esc(title)}</h1>\n'
        f'<div class="product-prices js-product-prices">{discount}'
        f'<div class="product-price h5{" has-discount" if old else ""}"{offer}>{md_in}'
        f'<div class="current-price"><span class="current-price-value"{md_price}>'
        f"{money(price, loc)}</span>{save}</div></div>"
        '<div class="tax-shipping-delivery-label">Tax included</div></div>\n'
        '<div class="product-actions js-product-actions"><form action="https://' + host + '/'
        'cart" method="post" id="add-to-cart-or-refresh"><input type="hidden" name="id_product" '
        f'value="{pid}" id="product_page_product_id"><div class="product-add-to-cart js-product-'
        'add-to-cart"><div class="product-quantity clearfix"><div class="qty"><input type="number" '
        'name="qty" id="quantity_wanted" value="1" class="input-group" min="1"></div><div class='
        f'"add"><button class="btn btn-primary add-to-cart" data-button-action="add-to-cart" '
        f'type="submit"{button}><i class="material-icons shopping-cart">&#xE547;</i>Add to cart'
        '</button></div></div><span id="product-availability" class="js-product-availability">'
        f'{"In stock" if in_stock else "Out-of-Stock"}</span></div></form></div>\n'
        '<div id="block-reassurance"><ul><li><div class="block-reassurance-item"><span>Free '
        f"delivery for orders over {money(D(49), loc)}</span></div></li></ul></div>\n"
        '</div></div>\n<div class="tabs"><div class="tab-content" id="tab-content"><div class="'
        f'tab-pane fade in" id="product-details" data-product="{esc(js(details))}"></div></div>'
        "</div>\n"
        '<section class="product-accessories clearfix"><p class="h5 text-uppercase">You might '
        f'also like</p><div class="products row">{related}</div></section>\n'
        "</section></div></div></section>\n"
        '<footer id="footer"><p class="text-sm-center">© 2024 - Ecommerce software by '
        "PrestaShop™</p></footer></main>\n"
        + "<script>var prestashop = "
        + js({"currency": {"iso_code": cur, "sign": money(D(0), loc).replace("0", "").strip()},
              "cart": {"products": [], "totals": {"total": {"type": "total", "label": "Total",
                                                            "amount": 0, "value": money(D(0), loc)}}}})
        + ";</script>\n"
    )  # fmt: skip
    html = doc(lang, title, f'<link rel="canonical" href="{url}">\n', body,
               f' id="product" class="lang-{lang} country-{lang} currency-{cur.lower()} '
               f'layout-full-width page-product product-id-{pid}"')  # fmt: skip
    avail = "in_stock" if in_stock else "out_of_stock"
    return Page("prestashop_classic", name, url, html, f"{price}", cur, avail)


def opencart(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "en_US",
    old: Decimal | None = None,
    stock_text: str = "In Stock",
    discounts: list[tuple[int, Decimal]] | None = None,
) -> Page:
    pid = 28 + sum(map(ord, name)) % 40
    url = f"https://{host}/index.php?route=product/product&product_id={pid}"
    cur = currency_of(loc)
    ex_tax = (price / D("1.2")).quantize(D("0.01"))
    prices = (
        f'<li><span style="text-decoration: line-through;">{money(old, loc)}</span></li>'
        if old
        else ""
    ) + f"<li><h2>{money(price, loc)}</h2></li><li>Ex Tax: {money(ex_tax, loc)}</li>"
    for qty, p in discounts or []:
        prices += f"<li>{qty} or more {money(p, loc)}</li>"
    related = "".join(
        '<div class="product-layout col-lg-3 col-md-3 col-sm-6 col-xs-12"><div class="product-'
        f'thumb transition"><div class="image"><a href="#"><img src="https://{host}/image/cache/'
        f'catalog/r{i}-200x200.jpg" alt="{esc(t)}" class="img-responsive"></a></div><div class='
        f'"caption"><h4><a href="#">{esc(t)}</a></h4><p>Lorem ipsum dolor sit amet..</p>'
        f'<p class="price">{money(p, loc)} <span class="price-tax">Ex Tax: '
        f'{money((p / D("1.2")).quantize(D("0.01")), loc)}</span></p></div><div class="button-'
        'group"><button type="button" onclick="cart.add(\'' + str(50 + i) + "', '1');\">"
        '<i class="fa fa-shopping-cart"></i> <span class="hidden-xs hidden-sm hidden-md">Add to '
        "Cart</span></button></div></div></div>\n"
        for i, (t, p) in enumerate(
            zip(related_titles(4, pid), related_prices(price, 4), strict=True)
        )
    )
    body = (
        '<nav id="top"><div class="container"><div class="pull-left"><form action="https://'
        + host
        + '/index.php?route=common/currency/currency" method="post" enctype="multipart/'
        'form-data" id="form-currency"><div class="btn-group"><button class="btn btn-link '
        f'dropdown-toggle" data-toggle="dropdown"><strong>{money(D(0), loc)[:1]}</strong> <span '
        'class="hidden-xs hidden-sm hidden-md">Currency</span>&nbsp;<i class="fa fa-caret-down">'
        '</i></button><ul class="dropdown-menu"><li><button class="currency-select btn btn-link '
        'btn-block" type="button" name="EUR">€ Euro</button></li><li><button class="currency-'
        'select btn btn-link btn-block" type="button" name="GBP">£ Pound Sterling</button></li>'
        '<li><button class="currency-select btn btn-link btn-block" type="button" name="USD">$ US '
        "Dollar</button></li></ul></div></form></div></div></nav>\n"
        '<header><div class="container"><div class="row"><div class="col-sm-4"><div id="logo">'
        f'<a href="https://{host}/index.php?route=common/home"><img src="https://{host}/image/'
        f'catalog/logo.png" title="{esc(host)}" alt="{esc(host)}" class="img-responsive"></a>'
        '</div></div><div class="col-sm-3"><div id="cart" class="btn-group btn-block"><button '
        'type="button" data-toggle="dropdown" data-loading-text="Loading..." class="btn '
        'btn-inverse btn-block btn-lg dropdown-toggle"><i class="fa fa-shopping-cart"></i> '
        f'<span id="cart-total">0 item(s) - {money(D(0), loc)}</span></button></div></div></div>'
        "</div></header>\n"
        f'<div id="product-product" class="container"><ul class="breadcrumb"><li><a href="https://'
        f'{host}/index.php?route=common/home"><i class="fa fa-home"></i></a></li><li><a href="#">'
        f"{esc(title)}</a></li></ul>\n"
        '<div class="row"><div id="content" class="col-sm-12"><div class="row"><div class="col-sm-'
        f'8"><ul class="thumbnails"><li><a class="thumbnail" href="https://{host}/image/cache/'
        f'catalog/{name}-500x500.jpg" title="{esc(title)}"><img src="https://{host}/image/cache/'
        f'catalog/{name}-228x228.jpg" alt="{esc(title)}"></a></li></ul></div>\n'
        '<div class="col-sm-4"><div class="btn-group"><button type="button" data-toggle="tooltip" '
        f'class="btn btn-default" title="Add to Wish List" onclick="wishlist.add(\'{pid}\');">'
        '<i class="fa fa-heart"></i></button></div>\n'
        f"<h1>{esc(title)}</h1>\n"
        f'<ul class="list-unstyled"><li>Brand: <a href="#">Acme</a></li><li>Product Code: '
        f"product {pid}</li><li>Reward Points: 100</li><li>Availability: {stock_text}</li></ul>\n"
        f'<ul class="list-unstyled">{prices}</ul>\n'
        '<div id="product"><div class="form-group"><label class="control-label" for="input-'
        'quantity">Qty</label><input type="text" name="quantity" value="1" size="2" id="input-'
        'quantity" class="form-control"><input type="hidden" name="product_id" value="'
        f'{pid}"><br><button type="button" id="button-cart" data-loading-text="Loading..." class="'
        'btn btn-primary btn-lg btn-block">Add to Cart</button></div></div>\n'
        '</div></div>\n<h3>Related Products</h3><div class="row">\n'
        f"{related}</div></div></div></div>\n"
        '<footer><div class="container"><p>Powered By <a href="http://www.opencart.com">OpenCart'
        f"</a><br> {esc(host)} &copy; 2024</p></div></footer>\n"
    )
    html = doc("en", title, f'<link href="{url}" rel="canonical">\n', body)
    avail = (
        "out_of_stock" if stock_text.lower() in ("out of stock", "out of stock!") else "in_stock"
    )
    if stock_text.endswith("Days"):  # "2-3 Days": backorder with a delivery estimate
        avail = "in_stock"
    return Page("opencart_default", name, url, html, f"{price}", cur, avail)


def pages() -> list[Page]:
    return [
        prestashop("hummingbird-printed-t-shirt", "boutique-colibri.fr", "T-shirt imprimé colibri",
                   D("19.12"), loc="fr_FR", old=D("23.90"), lang="fr"),
        prestashop("mug-the-best-is-yet-to-come", "demo-prestashop.com", "Mug The best is yet to come",
                   D("11.90")),
        prestashop("affiche-encadree", "boutique-colibri.fr", "Affiche encadrée Today is a good day",
                   D("29.00"), loc="fr_FR", microdata=False, lang="fr"),
        prestashop("cuaderno-de-notas", "papeleria-luna.es", "Cuaderno de notas Oso", D("12.90"),
                   loc="es_ES", in_stock=False, microdata=False, lang="es"),
        prestashop("poduszka-lis", "sklep-domowy.pl", "Poduszka Lis", D("1299.00"), loc="pl_PL",
                   old=D("1499.00"), microdata=False, lang="pl"),
        opencart("iphone", "opencart-demo-store.com", "iPhone", D("101.00"), old=D("122.00")),
        opencart("macbook-air", "opencart-demo-store.com", "MacBook Air", D("1202.00"),
                 discounts=[(10, D("1150.00")), (20, D("1100.00"))]),
        opencart("canon-eos-5d", "fotoland.co.uk", "Canon EOS 5D", D("98.00"), loc="en_GB",
                 old=D("122.00"), stock_text="2-3 Days"),
        opencart("samsung-syncmaster", "opencart-demo-store.com", "Samsung SyncMaster 941BW",
                 D("242.00"), stock_text="Out Of Stock"),
        opencart("hp-lp3065", "opencart-demo-store.com", "HP LP3065", D("122.00")),
    ]  # fmt: skip
