"""Magento 2 Luma product pages (catalog_product_view: price-box, x-magento-init, microdata)."""

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
S = "magento_luma"


def _num(p: Decimal) -> str:
    """data-price-amount prints a float the way PHP does: 34, 29.99, 1249.5."""
    text = f"{p.normalize():f}"
    return text


def _wrapper(pid: int, p: Decimal, loc: str, kind: str, label: str, md: bool) -> str:
    ident = f"{'old-' if kind == 'oldPrice' else ''}product-price-{pid}"
    microdata = (
        f'<meta itemprop="price" content="{_num(p)}" /><meta itemprop="priceCurrency" '
        f'content="{currency_of(loc)}" />'
        if md and kind == "finalPrice"
        else ""
    )
    lab = f'<span class="price-label">{label}</span>' if label else ""
    return (
        '<span class="price-container price-final_price tax weee"'
        + (' itemprop="offers" itemscope itemtype="http://schema.org/Offer"' if md and
           kind == "finalPrice" else "")
        + f'>{lab}<span id="{ident}" data-price-amount="{_num(p)}" data-price-type="{kind}" '
        f'class="price-wrapper "><span class="price">{money(p, loc)}</span></span>{microdata}'
        "</span>"
    )  # fmt: skip


def price_box(pid: int, p: Decimal, old: Decimal | None, loc: str, md: bool, low: bool) -> str:
    inner = (
        f'<span class="special-price">{_wrapper(pid, p, loc, "finalPrice", "Special Price", md)}'
        f'</span><span class="old-price">{_wrapper(pid, old, loc, "oldPrice", "Regular Price", md)}'
        "</span>"
        if old
        else _wrapper(pid, p, loc, "finalPrice", "As low as" if low else "", md)
    )
    return (
        f'<div class="price-box price-final_price" data-role="priceBox" data-product-id="{pid}" '
        f'data-price-box="product-id-{pid}">{inner}</div>'
    )


def luma(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "en_US",
    old: Decimal | None = None,
    in_stock: bool = True,
    microdata: bool = True,
    options: list[tuple[str, Decimal]] | None = None,
    lang: str = "en",
) -> Page:
    pid = 1000 + sum(map(ord, name)) % 5000
    url = f"https://{host}/{name}.html"
    cur = currency_of(loc)
    shown = min(o[1] for o in options) if options else price
    itemscope = ' itemtype="http://schema.org/Product" itemscope="itemscope"' if microdata else ""
    stock = (
        '<div class="stock available" title="Availability"><span>In stock</span></div>'
        if in_stock
        else '<div class="stock unavailable" title="Availability"><span>Out of stock</span></div>'
    )
    name_attr = ' itemprop="name"' if microdata else ""
    sku_attr = ' itemprop="sku"' if microdata else ""
    init = ""
    if options:
        option_prices = {
            str(pid + 1 + i): {
                "oldPrice": {"amount": float(p)},
                "basePrice": {"amount": float(p)},
                "finalPrice": {"amount": float(p)},
                "tierPrices": [],
            }
            for i, (_, p) in enumerate(options)
        }
        config = {
            "[data-role=swatch-options]": {
                "Magento_Swatches/js/swatch-renderer": {
                    "jsonConfig": {
                        "attributes": {"93": {"id": "93", "code": "color", "label": "Color",
                                              "options": [{"id": str(50 + i), "label": o,
                                                           "products": [str(pid + 1 + i)]}
                                                          for i, (o, _) in enumerate(options)]}},
                        "template": f"<%- data.price %>{'' if loc == 'en_US' else ' €'}",
                        "currencyFormat": "$%s" if loc == "en_US" else "%s €",
                        "optionPrices": option_prices,
                        "prices": {"oldPrice": {"amount": float(shown)},
                                   "basePrice": {"amount": float(shown)},
                                   "finalPrice": {"amount": float(shown)}},
                        "productId": str(pid),
                        "chooseText": "Choose an Option...",
                    },
                    "jsonSwatchConfig": {"93": {}},
                    "mediaCallback": f"https://{host}/swatches/ajax/media/",
                }
            }
        }  # fmt: skip
        init = f'<script type="text/x-magento-init">{js(config)}</script>\n'
    rel = ""
    for i, (t, p) in enumerate(zip(related_titles(4, pid), related_prices(shown, 4), strict=True)):
        rid = 2000 + i
        rel += (
            '<li class="item product product-item"><div class="product-item-info related-available">'
            f'<a href="https://{host}/{t.lower().replace(" ", "-")}.html" class="product photo '
            'product-item-photo"><span class="product-image-container"><img class="product-image-'
            f'photo" src="https://{host}/media/catalog/product/cache/r{i}.jpg" alt="{esc(t)}">'
            '</span></a><div class="product details product-item-details"><strong class="product '
            f'name product-item-name"><a class="product-item-link" href="#">{esc(t)}</a></strong>'
            f"{price_box(rid, p, None, loc, False, False)}</div></div></li>\n"
        )
    body = (
        cookie_banner()
        + '<div class="page-wrapper"><header class="page-header"><div class="panel wrapper">'
        '<div class="panel header"><ul class="header links"><li class="greet welcome" data-bind='
        '"scope: \'customer\'"><span class="not-logged-in" data-bind="html: \'Default welcome msg!'
        '\'"></span></li></ul></div></div><div class="header content"><a class="logo" href="/" '
        'title="Luma"></a><div data-block="minicart" class="minicart-wrapper"><a class="action '
        'showcart" href="/checkout/cart/" data-bind="scope: \'minicart_content\'"><span class="text">'
        'My Cart</span><span class="counter qty empty"><span class="counter-number"><!-- ko text: '
        "getCartParam('summary_count') --><!-- /ko --></span></span></a></div></div></header>\n"
        '<main id="maincontent" class="page-main"><div class="columns"><div class="column main">\n'
        '<div class="product-info-main"><div class="page-title-wrapper product">'
        '<h1 class="page-title"><span class="base" data-ui-id="page-title-wrapper"'
        f"{name_attr}>{esc(title)}</span></h1></div>\n"
        '<div class="product-info-price">'
        f"{price_box(pid, shown, old, loc, microdata, bool(options))}\n"
        f'<div class="product-info-stock-sku">{stock}<div class="product attribute sku">'
        '<strong class="type">SKU</strong><div class="value"'
        f"{sku_attr}>{name[:6].upper()}-{pid}</div></div></div>"
        "</div>\n"
        '<div class="product-add-form"><form data-product-sku="' + name[:6].upper() + '" '
        f'action="https://{host}/checkout/cart/add/uenc/aHR0/product/{pid}/" method="post" '
        'id="product_addtocart_form" novalidate="novalidate"><input type="hidden" name="product" '
        f'value="{pid}"><div class="swatch-opt" data-role="swatch-options"></div>'
        '<div class="box-tocart"><div class="fieldset"><div class="field qty"><label class="label" '
        'for="qty"><span>Qty</span></label><div class="control"><input type="number" name="qty" '
        'id="qty" min="0" value="1" title="Qty" class="input-text qty"></div></div>'
        '<div class="actions"><button type="submit" title="Add to Cart" class="action primary '
        'tocart" id="product-addtocart-button" disabled><span>Add to Cart</span></button></div>'
        "</div></div></form></div>\n"
        '<div class="product-social-links"><div class="product-addto-links" data-role="add-to-'
        'links"><a href="#" class="action towishlist"><span>Add to Wish List</span></a></div></div>'
        "\n</div>\n"
        '<div class="product media"><img class="gallery-placeholder__image" alt="main product '
        f'photo" src="https://{host}/media/catalog/product/cache/{name}.jpg"></div>\n'
        '<div class="product info detailed"><div class="product data items"><div class="data item '
        f'content" id="description"><div class="product attribute description"><div class="value">'
        f"<p>{esc(title)}: durable, comfortable, ready for the trail.</p></div></div></div></div>"
        "</div>\n"
        '<div class="block related" data-mage-init=\'{"relatedProducts":{"relatedCheckbox":'
        '".related.checkbox"}}\' data-limit="0" data-shuffle="0"><div class="block-title title">'
        '<strong id="block-related-heading" role="heading" aria-level="2">Related Products</strong>'
        '</div><div class="block-content content"><div class="products wrapper grid products-grid '
        f'products-related"><ol class="products list items product-items">\n{rel}</ol></div></div>'
        "</div>\n"
        f"{init}</div></div></main>\n"
        '<footer class="page-footer"><div class="footer content"><small class="copyright">'
        "<span>Copyright © 2013-present Magento, Inc. All rights reserved.</span></small></div>"
        "</footer></div>\n"
        '<script type="text/x-magento-init">{"*": {"Magento_Ui/js/core/app": {"components": '
        '{"customer": {"component": "Magento_Customer/js/view/customer"}}}}}</script>\n'
    )
    head = (
        f'<link rel="canonical" href="{url}">\n'
        f'<meta property="og:type" content="product">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
    )
    if microdata:  # Luma also prints the product:price meta tags next to its microdata
        head += (
            f'<meta property="product:price:amount" content="{_num(shown)}">\n'
            f'<meta property="product:price:currency" content="{cur}">\n'
        )
    html = doc(lang, title, head, body,
               f' data-container="body" id="html-body"{itemscope} class="catalog-product-view '
               f'product-{name} page-layout-1column"')  # fmt: skip
    note = "configurable product without a chosen option: the 'As low as' price" if options else ""
    avail = "in_stock" if in_stock else "out_of_stock"
    return Page(S, name, url, html, f"{shown}", cur, avail, note=note)


def pages() -> list[Page]:
    return [
        luma("joust-duffle-bag", "luma-outdoor.com", "Joust Duffle Bag", D("34.00")),
        luma("strive-shoulder-pack", "luma-outdoor.com", "Strive Shoulder Pack", D("24.00"),
             old=D("32.00")),
        luma("wanderrucksack-25l", "bergsport-haus.de", "Wanderrucksack 25L", D("1249.50"),
             loc="de_DE", microdata=False, lang="de"),
        luma("push-it-messenger", "luma-outdoor.com", "Push It Messenger Bag", D("45.00"),
             in_stock=False, microdata=False),
        luma("chaz-kangeroo-hoodie", "luma-outdoor.com", "Chaz Kangeroo Hoodie", D("52.00"),
             options=[("Black", D("52.00")), ("Gray", D("56.00")), ("Orange", D("52.00"))],
             microdata=False),
    ]  # fmt: skip
