"""WooCommerce + Storefront single-product pages (content-single-product.php, price-html)."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus_gen.common import (
    GTM,
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
S = "woocommerce_storefront"
_SYM = {"USD": "&#36;", "EUR": "&euro;", "GBP": "&pound;", "TRY": "&#8378;", "PLN": "&#122;&#322;"}


def amount(p: Decimal, loc: str) -> str:
    """woocommerce-Price-amount with the symbol in its own span, where the shop puts it."""
    cur = currency_of(loc)
    sym = f'<span class="woocommerce-Price-currencySymbol">{_SYM.get(cur, cur)}</span>'
    num = money(p, loc).replace("$", "").replace("€", "").replace("£", "").replace("zł", "")
    num = num.replace("TL", "").strip("\u00a0 ")
    inner = f"{sym}{num}" if loc in ("en_US", "en_GB") else f"{num}&nbsp;{sym}"
    return f'<span class="woocommerce-Price-amount amount"><bdi>{inner}</bdi></span>'


def _price_html(price: Decimal, old: Decimal | None, loc: str, hi: Decimal | None) -> str:
    if hi is not None:
        return (
            f'<p class="price">{amount(price, loc)} <span aria-hidden="true">&ndash;</span> '
            f"{amount(hi, loc)}</p>"
        )
    if old is None:
        return f'<p class="price">{amount(price, loc)}</p>'
    return (
        f'<p class="price"><del aria-hidden="true">{amount(old, loc)}</del> '
        f'<span class="screen-reader-text">Original price was: {money(old, loc)}.</span>'
        f'<ins aria-hidden="true">{amount(price, loc)}</ins><span class="screen-reader-text">'
        f"Current price is: {money(price, loc)}.</span></p>"
    )


def _related(base: Decimal, loc: str, salt: int) -> str:
    items = ""
    for i, (t, p) in enumerate(zip(related_titles(4, salt), related_prices(base, 4), strict=True)):
        slug = t.lower().replace(" ", "-")
        items += (
            f'<li class="product type-product post-{300 + i} status-publish instock '
            'has-post-thumbnail shipping-taxable purchasable product-type-simple">'
            f'<a href="/product/{slug}/" class="woocommerce-LoopProduct-link '
            'woocommerce-loop-product__link"><img width="324" height="324" src="/wp-content/'
            f'uploads/2024/03/{slug}-324x324.jpg" class="attachment-woocommerce_thumbnail" alt="">'
            f'<h2 class="woocommerce-loop-product__title">{esc(t)}</h2>'
            f'<span class="price">{amount(p, loc)}</span></a>'
            f'<a href="?add-to-cart={300 + i}" data-quantity="1" class="button wp-element-button '
            'product_type_simple add_to_cart_button ajax_add_to_cart" data-product_id='
            f'"{300 + i}" rel="nofollow">Add to cart</a></li>\n'
        )
    return (
        '<section class="related products"><h2>Related products</h2>\n'
        f'<ul class="products columns-3">\n{items}</ul></section>\n'
    )


def storefront(
    name: str,
    host: str,
    title: str,
    price: Decimal,
    *,
    loc: str = "en_US",
    old: Decimal | None = None,
    in_stock: bool = True,
    structured: bool = True,
    variations: list[tuple[str, Decimal]] | None = None,
    lang: str = "en-US",
) -> Page:
    post = 100 + sum(map(ord, name)) % 800
    url = f"https://{host}/product/{name}/"
    cur = currency_of(loc)
    hi = max(v[1] for v in variations) if variations else None
    low = min(v[1] for v in variations) if variations else price
    stock_cls = "instock" if in_stock else "outofstock"
    head = (
        f'<link rel="canonical" href="{url}">\n'
        f'<meta property="og:locale" content="{lang.replace("-", "_")}">\n'
        f'<meta property="og:type" content="product">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:site_name" content="{esc(host)}">\n' + GTM
    )
    if in_stock:
        form = (
            '<form class="cart" action="' + url + '" method="post" enctype="multipart/form-data">'
            '<div class="quantity"><label class="screen-reader-text" for="quantity_1">'
            f'{esc(title)} quantity</label><input type="number" id="quantity_1" class="input-text '
            'qty text" name="quantity" value="1" aria-label="Product quantity" min="1" step="1">'
            f'</div><button type="submit" name="add-to-cart" value="{post}" class="single_add_to_'
            'cart_button button alt wp-element-button">Add to cart</button></form>\n'
        )
        stock_html = ""
    else:
        form = ""
        stock_html = '<p class="stock out-of-stock">Out of stock</p>\n'
    if variations:
        data = [
            {
                "attributes": {"attribute_pa_size": v.lower()},
                "availability_html": "",
                "display_price": float(p),
                "display_regular_price": float(p),
                "is_in_stock": True,
                "price_html": f'<span class="price">{amount(p, loc)}</span>',
                "sku": f"{name[:5]}-{v.lower()}",
                "variation_id": post + 1 + i,
                "variation_is_active": True,
            }
            for i, (v, p) in enumerate(variations)
        ]
        opts = "".join(
            f'<option value="{v.lower()}" class="attached enabled">{esc(v)}</option>'
            for v, _ in variations
        )
        form = (
            f'<form class="variations_form cart" action="{url}" method="post" '
            f'enctype="multipart/form-data" data-product_id="{post}" data-product_variations="'
            f'{esc(js(data))}"><table class="variations" cellspacing="0" role="presentation">'
            '<tbody><tr><th class="label"><label for="pa_size">Size</label></th><td class="value">'
            '<select id="pa_size" name="attribute_pa_size" data-attribute_name="attribute_pa_size">'
            f'<option value="">Choose an option</option>{opts}</select></td></tr></tbody></table>'
            '<div class="single_variation_wrap"><div class="woocommerce-variation single_variation">'
            '</div><div class="woocommerce-variation-add-to-cart variations_button">'
            '<button type="submit" class="single_add_to_cart_button button alt disabled '
            'wc-variation-selection-needed">Add to cart</button></div></div></form>\n'
        )
    body = (
        cookie_banner()
        + '<div id="page" class="hfeed site"><header id="masthead" class="site-header" role='
        '"banner"><div class="col-full"><div class="site-branding"><a href="/" class="site-title">'
        f'{esc(host)}</a></div><ul id="site-header-cart" class="site-header-cart menu"><li>'
        '<a class="cart-contents" href="/cart/" title="View your shopping cart">'
        f'{amount(D(0), loc)} <span class="count">0 items</span></a></li></ul></div></header>\n'
        '<div id="content" class="site-content"><div class="col-full"><div class="woocommerce">'
        '</div><div id="primary" class="content-area"><main id="main" class="site-main">\n'
        '<nav class="woocommerce-breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a>'
        '&nbsp;&#47;&nbsp;<a href="/product-category/clothing/">Clothing</a>&nbsp;&#47;&nbsp;'
        f"{esc(title)}</nav>\n"
        f'<div id="product-{post}" class="product type-product post-{post} status-publish first '
        f"{stock_cls} product_cat-clothing has-post-thumbnail{' sale' if old else ''} "
        f'shipping-taxable purchasable product-type-{"variable" if variations else "simple"}">\n'
        + ('<span class="onsale">Sale!</span>\n' if old else "")
        + '<div class="woocommerce-product-gallery woocommerce-product-gallery--with-images">'
        f'<img src="/wp-content/uploads/2024/03/{name}.jpg" class="wp-post-image" alt=""></div>\n'
        '<div class="summary entry-summary">\n'
        f'<h1 class="product_title entry-title">{esc(title)}</h1>\n'
        f"{_price_html(low, old, loc, hi)}\n"
        '<div class="woocommerce-product-details__short-description"><p>Made in small batches.'
        f"</p></div>\n{stock_html}{form}"
        f'<div class="product_meta"><span class="sku_wrapper">SKU: <span class="sku">'
        f'{name[:8].upper()}</span></span> <span class="posted_in">Category: '
        '<a href="/product-category/clothing/" rel="tag">Clothing</a></span></div>\n</div>\n'
        f"{_related(low, loc, post)}</div>\n</main></div></div></div>\n"
        '<footer id="colophon" class="site-footer" role="contentinfo"><div class="site-info">'
        f"&copy; {esc(host)} 2024 <br> Built with WooCommerce.</div></footer></div>\n"
    )
    if structured:
        if variations:
            offers: list[dict[str, object]] = [{
                "@type": "AggregateOffer", "lowPrice": f"{low:.2f}", "highPrice": f"{hi:.2f}",
                "offerCount": len(variations), "priceCurrency": cur,
                "availability": "http://schema.org/InStock", "url": url,
            }]  # fmt: skip
        else:
            avail = "InStock" if in_stock else "OutOfStock"
            offers = [{
                "@type": "Offer", "price": f"{price:.2f}", "priceValidUntil": "2025-12-31",
                "priceSpecification": {"price": f"{price:.2f}", "priceCurrency": cur,
                                       "valueAddedTaxIncluded": "false"},
                "priceCurrency": cur, "availability": f"http://schema.org/{avail}", "url": url,
                "seller": {"@type": "Organization", "name": host, "url": f"https://{host}"},
            }]  # fmt: skip
        body += ld({
            "@context": "https://schema.org/",
            "@graph": [
                {"@context": "https://schema.org/", "@type": "BreadcrumbList",
                 "itemListElement": [{"@type": "ListItem", "position": 1, "item": {
                     "name": "Home", "@id": f"https://{host}"}}]},
                {"@context": "https://schema.org/", "@type": "Product", "@id": f"{url}#product",
                 "name": title, "url": url, "sku": name[:8].upper(), "offers": offers},
            ],
        })  # fmt: skip
    body += '<script src="/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart.min.js">'
    body += "</script>\n"
    html = doc(lang, f"{title} – {host}", head, body,
               f' class="product-template-default single single-product postid-{post} '
               'theme-storefront woocommerce woocommerce-page woocommerce-js"')  # fmt: skip
    note = "variable product, no variation chosen: lowest price" if variations else ""
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page(S, name, url, html, f"{low}", cur, stock, note=note)


def pages() -> list[Page]:
    return [
        storefront("hoodie-with-logo", "threadsandco.com", "Hoodie with Logo", D("42.00"),
                   old=D("45.00")),
        storefront("beanie-with-logo", "threadsandco.com", "Beanie with Logo", D("18.00"),
                   structured=False),
        storefront("wollpullover", "strickwerk.de", "Wollpullover Nordic", D("1249.00"),
                   loc="de_DE", old=D("1499.00"), structured=False, lang="de-DE"),
        storefront("waxed-jacket", "barnandbramble.co.uk", "Waxed Cotton Jacket", D("189.00"),
                   loc="en_GB", in_stock=False, lang="en-GB"),
        storefront("polo-variable", "threadsandco.com", "Piqué Polo", D("20.00"),
                   variations=[("Small", D("20.00")), ("Large", D("24.00")),
                               ("XXL", D("26.00"))]),
        storefront("kilim-yastik", "anadolu-dokuma.com.tr", "Kilim Yastık Kılıfı", D("1299.99"),
                   loc="tr_TR", old=D("1599.99"), structured=False, lang="tr-TR"),
    ]  # fmt: skip
