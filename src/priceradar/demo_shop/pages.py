"""HTML/XML rendering for the demo shop (pure): product pages, fault pages, padding, discovery."""

from __future__ import annotations

import html
import json
from functools import lru_cache

from priceradar.demo_shop import kinds
from priceradar.demo_shop.catalog import (
    CATEGORIES,
    CATEGORY_PAGE_SIZE,
    RETRY_AFTER_S,
    TOO_LARGE_BYTES,
    Fault,
    PageFormat,
    Product,
    RenderedPage,
    ShopConfig,
    _dec,
    _h,
    _money,
    _price_state,
    _with_ending,
    in_stock_at,
    product,
)

HTML_TYPE = "text/html; charset=utf-8"
_HTML_HEADERS: tuple[tuple[str, str], ...] = (("Content-Type", HTML_TYPE),)
_PAGE_OVERHEAD = 3000  # rough size of an unpadded product page
_OWN_PER_PAGE = 20  # the other CATEGORY_PAGE_SIZE - 20 cards are cross-listed
_SCHEMA = "https://schema.org"
_TEXT = (
    "great sound quality battery lasts all day shipping was fast comfortable fits well would buy "
    "again the packaging looked premium works as described a bit heavy but solid build my "
    "daughter loves it instructions were clear colour matches photos customer service helpful"
)
_WORDS = tuple(_TEXT.split())
_NAMES = ("Ayşe K.", "John D.", "Maria S.", "Mehmet Y.", "Lena M.", "Carlos R.", "Yuki T.")
_ERRORS = {
    Fault.NOT_FOUND: (404, "Product not found"),
    Fault.GONE: (410, "This product has been discontinued"),
    Fault.RATE_LIMITED: (429, "Too many requests, please slow down"),
    Fault.FORBIDDEN: (403, "Access denied: please verify you are a human"),
    Fault.SERVER_ERROR: (500, "Internal server error"),
    Fault.FLAKY: (500, "Upstream timeout, please retry"),
}


def _ld(obj: object, number_price: str | None = None) -> str:
    """A JSON-LD script; titles can never close the script (`</` and `<!--` are escaped)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    if number_price is not None:  # some shops write the price as a JSON number
        text = text.replace('"@price@"', number_price)
    return f'<script type="application/ld+json">{text}</script>\n'


def _sentence(key: int, words: int) -> str:
    return " ".join(_WORDS[_h(7, key, 99, i) % len(_WORDS)] for i in range(words)).capitalize()


@lru_cache(maxsize=8)
def padding(page_padding_bytes: int) -> tuple[bytes, bytes]:
    """(top, bottom) boilerplate: nav, reviews, related products, footer. No prices, no itemprop."""
    target = page_padding_bytes - _PAGE_OVERHEAD
    if target <= 0:
        return b"", b""
    links = "".join(
        f'<li><a href="/category/{c}">{c.replace("-", " ").title()}</a></li>' for c in CATEGORIES
    )
    top = (
        '<header class="site-header"><a class="logo" href="/">DemoShop</a>'
        '<form class="search" action="/search"><input name="q" placeholder="Search products">'
        f'<button>Search</button></form><nav class="main-nav"><ul>{links}</ul></nav></header>\n'
        '<div class="promo-banner">Free delivery on selected items. Easy returns.</div>\n'
    )
    blocks = ['<section class="reviews"><h2>Customer reviews</h2>\n']
    size, i = len(top) + len(blocks[0]), 0
    related: list[str] = []
    while size < target - 1500:
        i += 1
        if i % 4:
            stars = "★" * (3 + i % 3) + "☆" * (2 - i % 3)
            block = (
                f'<article class="review"><div class="review-head"><span class="author">'
                f'{_NAMES[i % len(_NAMES)]}</span><span class="stars">{stars}</span></div>'
                f"<h3>{_sentence(i, 4)}</h3><p>{_sentence(i + 1000, 40 + i % 30)}.</p>"
                '<button class="helpful">Helpful</button></article>\n'
            )
            blocks.append(block)
        else:
            pid = 1 + _h(7, i, 98) % 5000
            block = (
                f'<li class="related-item"><a href="/p/{pid}"><img src="/static/img/{pid}.jpg" '
                f'alt="" loading="lazy">{html.escape(product(ShopConfig(), pid).title)}</a></li>\n'
            )
            related.append(block)
        size += len(block)
    blocks.append('</section>\n<section class="related"><h2>Customers also viewed</h2><ul>\n')
    blocks += [*related, "</ul></section>\n", _FOOTER]
    return top.encode(), "".join(blocks).encode()


_FOOTER = (
    '<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/help">'
    'Help</a></li><li><a href="/returns">Returns</a></li><li><a href="/privacy">Privacy</a></li>'
    "</ul><p>DemoShop is a fictional store used for testing.</p></footer>\n<script>"
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());</script>\n"
)


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _head(p: Product, canon: str, extra: str) -> str:
    t = html.escape(p.title)
    lang = {"TRY": "tr", "EUR": "de"}.get(p.currency, "en")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{t} | DemoShop</title>\n<meta name="viewport" content="width=device-width">\n'
        f'<link rel="canonical" href="{canon}">\n'
        f'<meta name="description" content="Buy {t} online">\n'
        f'{extra}<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n'
    )


def _breadcrumb(p: Product, base_url: str) -> dict[str, object]:
    crumbs = [("Home", f"{base_url}/"), (p.category, f"{base_url}/category/{p.category}")]
    items = [
        {"@type": "ListItem", "position": i + 1, "name": n, "item": u}
        for i, (n, u) in enumerate(crumbs)
    ]
    return {"@context": _SCHEMA, "@type": "BreadcrumbList", "itemListElement": items}


def _sections(
    p: Product, epoch: int, cfg: ShopConfig, base_url: str
) -> tuple[str, str, str, int, bool]:
    cents, regular, deal = _price_state(cfg.seed, p.id, epoch)
    stock = in_stock_at(p.id, epoch, seed=cfg.seed)
    canon, img, amount = f"{base_url}/p/{p.id}", f"{base_url}/static/img/{p.id}.jpg", _amount(cents)
    avail = f"{_SCHEMA}/{'InStock' if stock else 'OutOfStock'}"
    offer: dict[str, object] = {
        "@type": "Offer", "url": canon, "priceCurrency": p.currency, "price": amount,
        "availability": avail,
    }  # fmt: skip
    prod: dict[str, object] = {
        "@context": _SCHEMA, "@type": "Product", "name": p.title, "sku": f"DS-{p.id}", "image": img,
        "brand": {"@type": "Brand", "name": p.brand}, "offers": offer,
    }  # fmt: skip
    head_extra = tail_extra = ""
    fmt = p.format
    if fmt is PageFormat.JSONLD:
        head_extra = _ld(prod) + _ld(_breadcrumb(p, base_url))
    elif fmt is PageFormat.JSONLD_GRAPH:
        del prod["@context"]
        offer["price"] = "@price@"
        org = {
            "@type": "Organization",
            "@id": f"{base_url}/#org",
            "name": "DemoShop",
            "url": f"{base_url}/",
        }
        crumbs = _breadcrumb(p, base_url)
        del crumbs["@context"]
        head_extra = _ld({"@context": _SCHEMA, "@graph": [org, crumbs, prod]}, number_price=amount)
    elif fmt is PageFormat.JSONLD_OFFERS_LIST:
        sellers = ("DemoShop", "DemoShop Outlet")
        prod["offers"] = [
            {**offer, "seller": {"@type": "Organization", "name": s}} for s in sellers
        ]
        tail_extra = _ld(prod)
    elif fmt is PageFormat.JSONLD_AGGREGATE:
        high = _amount(_with_ending(cents * 118 // 100, 99))
        prod["offers"] = {
            "@type": "AggregateOffer", "priceCurrency": p.currency, "lowPrice": amount,
            "highPrice": high, "offerCount": 3, "availability": avail,
        }  # fmt: skip
        tail_extra = _ld(prod)
    elif fmt is PageFormat.OPENGRAPH:
        t = html.escape(p.title)
        head_extra = (
            f'<meta property="og:type" content="product">\n'
            f'<meta property="og:title" content="{t}">\n'
            f'<meta property="og:url" content="{canon}">\n'
            f'<meta property="og:image" content="{img}">\n'
            f'<meta property="product:price:amount" content="{amount}">\n'
            f'<meta property="product:price:currency" content="{p.currency}">\n'
            '<meta property="product:availability" '
            f'content="{"in stock" if stock else "out of stock"}">\n'
        )
    t, money = html.escape(p.title), _money(cents, p.currency)
    old = (
        f'<del class="old-price">{_money(regular, p.currency)}</del> '
        f'<span class="discount">-{deal}%</span>'
        if deal
        else ""
    )
    crumbs_html = (
        '<nav class="breadcrumbs"><a href="/">Home</a> / '
        f'<a href="/category/{p.category}">{p.category}</a></nav>\n'
    )
    if fmt is PageFormat.MICRODATA:
        main = (
            f'<main class="product" id="product-{p.id}" itemscope '
            f'itemtype="{_SCHEMA}/Product">\n{crumbs_html}'
            f'<h1 itemprop="name">{t}</h1>\n<meta itemprop="sku" content="DS-{p.id}">\n'
            f'<img itemprop="image" src="{img}" alt="{t}">\n<div itemprop="brand" itemscope '
            f'itemtype="{_SCHEMA}/Brand"><meta itemprop="name" '
            f'content="{html.escape(p.brand)}"></div>\n'
            f'<div class="price-box" itemprop="offers" itemscope itemtype="{_SCHEMA}/Offer">{old}'
            f'<meta itemprop="priceCurrency" content="{p.currency}"><span class="price" '
            f'itemprop="price" content="{amount}">{money}</span><link itemprop="availability" '
            f'href="{avail}"></div>\n'
        )
    else:
        main = (
            f'<main class="product" id="product-{p.id}">\n{crumbs_html}'
            f'<h1 class="product-title">{t}</h1>\n'
            f'<img class="hero" src="{img}" alt="{t}">\n'
            f'<div class="price-box">{old}<span class="price">{money}</span></div>\n'
        )
    main += (
        f'<p class="stock {"in-stock" if stock else "out-of-stock"}">'
        f"{'In stock' if stock else 'Out of stock'}</p>\n"
        f'<button class="add-to-cart"{"" if stock else " disabled"}>Add to cart</button>\n'
        '<section class="description"><h2>Description</h2>'
        f"<p>{_sentence(p.id, 30)}.</p></section>\n"
        "</main>\n"
    )
    return _head(p, canon, head_extra), main, f"{tail_extra}</body>\n</html>\n", cents, stock


def render_product_page(
    cfg: ShopConfig, product_id: int, epoch: int, *, base_url: str = "", first_in_epoch: bool = True
) -> RenderedPage:
    """The page for `/p/{product_id}` during `epoch`; `first_in_epoch` only matters to FLAKY ids."""
    p = product(cfg, product_id)
    fault = p.fault
    if fault not in (None, Fault.SLOW) and (fault is not Fault.FLAKY or first_in_epoch):
        return _fault_page(cfg, p, epoch, base_url)
    render = _sections if p.kind is None else kinds.sections
    head, main, tail, cents, stock = render(p, epoch, cfg, base_url)
    top, bottom = padding(cfg.page_padding_bytes)
    return RenderedPage(
        200,
        _HTML_HEADERS,
        (head.encode(), top, main.encode(), bottom, tail.encode()),
        p.id,
        price=_dec(cents),
        currency=p.currency,
        in_stock=stock,
        title=p.title,
        format=p.kind or p.format,
        fault=p.fault,
        delay_s=cfg.slow_delay_s if p.fault is Fault.SLOW else 0.0,
    )


@lru_cache(maxsize=1)
def _huge_filler() -> bytes:
    chunk = b'<div class="filler"><p>' + _sentence(1, 200).encode() + b"</p></div>\n"
    return (chunk * (TOO_LARGE_BYTES // len(chunk) + 1))[:TOO_LARGE_BYTES]


def _fault_page(cfg: ShopConfig, p: Product, epoch: int, base_url: str) -> RenderedPage:
    fault = p.fault
    assert fault is not None
    if fault in _ERRORS:
        status, text = _ERRORS[fault]
        headers = _HTML_HEADERS
        if fault is Fault.RATE_LIMITED:
            headers = (*headers, ("Retry-After", str(RETRY_AFTER_S)))
        body = (
            f"<!DOCTYPE html>\n<html><head><title>{status}</title></head>"
            f"<body><h1>{text}</h1></body></html>\n"
        ).encode()
        return RenderedPage(status, headers, (body,), p.id, fault=fault)
    if fault is Fault.NOT_HTML:
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        binary = bytes(_h(cfg.seed, p.id, 97, i) & 0xFF for i in range(2048))
        headers = (
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", "inline; filename=spec.pdf"),
        )
        return RenderedPage(200, headers, (pdf, binary, b"\n%%EOF\n"), p.id, fault=fault)
    head = _head(p, f"{base_url}/p/{p.id}", "").encode()
    if fault is Fault.TOO_LARGE:
        return RenderedPage(
            200, _HTML_HEADERS, (head, _huge_filler(), b"</body></html>\n"), p.id, fault=fault
        )
    if fault is Fault.MALFORMED:
        garbage = bytes(0x80 + _h(cfg.seed, p.id, 96, i) % 0x7F for i in range(600))
        body = (
            head[: len(head) // 2] + b'<script type="application/ld+json">{"@type": "Prod' + garbage
        )
        return RenderedPage(200, _HTML_HEADERS, (body + b"\x00\x1b<div cla",), p.id, fault=fault)
    # AMBIGUOUS: two Product objects with different prices on the same page
    cents = _price_state(cfg.seed, p.id, epoch)[0]
    prices = (cents, _with_ending(cents * 125 // 100, 99))
    lds = "".join(
        _ld({"@context": _SCHEMA, "@type": "Product", "name": p.title + suffix,
             "offers": {"@type": "Offer", "price": _amount(c), "priceCurrency": p.currency}})
        for suffix, c in zip(("", " (Bundle)"), prices, strict=True)
    )  # fmt: skip
    top, bottom = padding(cfg.page_padding_bytes)
    spans = "".join(f'<span class="price">{_money(c, p.currency)}</span>\n' for c in prices)
    main = f'<main class="product"><h1>{html.escape(p.title)}</h1>\n{spans}</main>\n'
    parts = (head, top, main.encode(), bottom, lds.encode() + b"</body>\n</html>\n")
    return RenderedPage(200, _HTML_HEADERS, parts, p.id, fault=fault)


# ---------------------------------------------------------------- discovery pages


def sitemap_count(cfg: ShopConfig) -> int:
    return -(-cfg.catalog_size // cfg.sitemap_page_size)


def sitemap_name(n: int) -> str:
    """Odd sitemaps are plain XML, even ones gzip files (both names are served for every n)."""
    return f"products-{n}.xml" + (".gz" if n % 2 == 0 else "")


def sitemap_ids(cfg: ShopConfig, n: int) -> range:
    start = (n - 1) * cfg.sitemap_page_size + 1
    return range(start, min(start + cfg.sitemap_page_size, cfg.catalog_size + 1))


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SM_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def render_sitemap_index(cfg: ShopConfig, base_url: str) -> bytes:
    entries = "".join(
        f"<sitemap><loc>{base_url}/sitemaps/{sitemap_name(n)}</loc></sitemap>\n"
        for n in range(1, sitemap_count(cfg) + 1)
    )
    return f"{_XML_HEAD}<sitemapindex {_SM_NS}>\n{entries}</sitemapindex>\n".encode()


def render_sitemap(cfg: ShopConfig, base_url: str, n: int) -> bytes | None:
    """`<urlset>` for sitemap `n` (1-based), or None when out of range."""
    if not 1 <= n <= sitemap_count(cfg):
        return None
    urls = "".join(
        f"<url><loc>{base_url}/p/{i}</loc><changefreq>hourly</changefreq></url>\n"
        for i in sitemap_ids(cfg, n)
    )
    return f"{_XML_HEAD}<urlset {_SM_NS}>\n{urls}</urlset>\n".encode()


def _own_count(cfg: ShopConfig, c: int) -> int:
    return 0 if cfg.catalog_size <= c else (cfg.catalog_size - c - 1) // len(CATEGORIES) + 1


def category_page_count(cfg: ShopConfig, name: str) -> int:
    """Pages of `/category/{name}` (0 for an unknown category)."""
    if name not in CATEGORIES:
        return 0
    return max(1, -(-_own_count(cfg, CATEGORIES.index(name)) // _OWN_PER_PAGE))


def category_links(cfg: ShopConfig, base_url: str, name: str, page: int) -> list[str]:
    """Product hrefs on a category page, in order (each card links twice); [] when out of range."""
    if not 1 <= page <= category_page_count(cfg, name):
        return []
    c, n = CATEGORIES.index(name), len(CATEGORIES)
    own = range((page - 1) * _OWN_PER_PAGE, min(page * _OWN_PER_PAGE, _own_count(cfg, c)))
    hrefs = []
    for k in own:
        pid = c + 1 + n * k
        if k % 9 == 4:
            hrefs.append(f"/p/{pid}#reviews")
        elif k % 11 == 7:
            hrefs.append(f"{base_url}/p/{pid}")
        elif k % 13 == 5:
            hrefs.append(f"/p/{pid}?utm_source=newsletter&utm_campaign=spring")
        else:
            hrefs.append(f"/p/{pid}")
    d, extra = (c + 1) % n, CATEGORY_PAGE_SIZE - _OWN_PER_PAGE
    for k in range((page - 1) * extra, page * extra):
        if (pid := d + 1 + n * k) <= cfg.catalog_size:  # also listed in its own category
            hrefs.append(f"/p/{pid}?utm_source=crosslist&utm_medium=category")
    return [h for h in hrefs for _ in range(2)]


def render_category_page(cfg: ShopConfig, base_url: str, name: str, page: int) -> bytes | None:
    pages = category_page_count(cfg, name)
    if not 1 <= page <= pages:
        return None
    cards = []
    for href in category_links(cfg, base_url, name, page)[::2]:
        pid = int(href.split("/p/")[1].split("?")[0].split("#")[0])
        title = html.escape(product(cfg, pid).title)
        cards.append(
            f'<li class="product-card"><a class="card-image" href="{html.escape(href)}"><img '
            f'src="/static/img/{pid}.jpg" alt=""></a>'
            f'<a class="card-title" href="{html.escape(href)}">'
            f"{title}</a></li>\n"
        )
    url = f"/category/{name}?page="
    links, nav = "", ""
    if page > 1:
        links += f'<link rel="prev" href="{url}{page - 1}">\n'
        nav += f'<a rel="prev" href="{url}{page - 1}">Previous</a> '
    if page < pages:
        links += f'<link rel="next" href="{url}{page + 1}">\n'
        nav += f'<a rel="next" href="{url}{page + 1}">Next</a>'
    label = name.replace("-", " ").title()
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{label} - page '
        f'{page} | DemoShop</title>\n<link rel="canonical" href="{base_url}{url}{page}">\n{links}'
        f'</head>\n<body>\n<h1>{label}</h1>\n<ul class="product-grid">\n{"".join(cards)}</ul>\n'
        f'<nav class="pagination">{nav}</nav>\n</body>\n</html>\n'
    ).encode()


def render_home(cfg: ShopConfig, base_url: str) -> bytes:
    links = "".join(
        f'<li><a href="/category/{c}">{c.replace("-", " ").title()}</a></li>\n' for c in CATEGORIES
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>DemoShop</title>\n<link rel="canonical" href="{base_url}/">\n</head>\n<body>\n'
        f'<h1>DemoShop</h1>\n<ul class="categories">\n{links}</ul>\n'
        '<a href="/sitemap.xml">Sitemap</a>\n</body>\n</html>\n'
    ).encode()


def render_robots(base_url: str) -> bytes:
    rules = "User-agent: *\nDisallow: /_truth\nDisallow: /_stats\n"
    return f"{rules}Sitemap: {base_url}/sitemap.xml\n".encode()
