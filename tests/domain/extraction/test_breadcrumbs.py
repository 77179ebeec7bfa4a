"""The category fallback: JSON-LD BreadcrumbLists, then breadcrumb trails drawn in the HTML."""

from __future__ import annotations

from typing import Any

import pytest

from priceradar.domain.extraction import SiteRule
from tests.domain.extraction.builders import URL, ld, md_offer, md_product, meta, offer, ok, page
from tests.domain.extraction.builders import product as ld_product

SHOP = "https://shop.example"


def crumbs(*names: str, last_is_page: bool = False) -> dict[str, Any]:
    """A BreadcrumbList as Yoast prints it: linked steps, the current page last without `item`."""
    items: list[dict[str, Any]] = [
        {"@type": "ListItem", "position": i + 1, "name": n, "item": f"{SHOP}/c/{i}"}
        for i, n in enumerate(names)
    ]
    if last_is_page:
        del items[-1]["item"]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


# Yoast SEO: WebPage references the BreadcrumbList node by @id inside one @graph.
YOAST_GRAPH = [
    {"@type": "WebPage", "@id": URL, "breadcrumb": {"@id": f"{URL}#breadcrumb"}},
    crumbs("Home", "Kitchen") | {"@id": f"{URL}#breadcrumb"},
    ld_product(offer()),
]


def category_of(html: str, rule: SiteRule | None = None) -> str | None:
    return ok(html, rule).category


@pytest.mark.parametrize(
    "blocks",
    [
        pytest.param([ld_product(offer()), crumbs("Home", "Kitchen")], id="separate-block"),
        pytest.param([crumbs("Home", "Kitchen"), ld_product(offer())], id="before-product"),
        pytest.param([{"@graph": YOAST_GRAPH}], id="yoast-graph"),
        pytest.param(
            [ld_product(offer()), {"@type": "WebPage", "breadcrumb": crumbs("Home", "Kitchen")}],
            id="inside-webpage",
        ),
        pytest.param(
            [ld_product(offer()), crumbs("Home", "Kitchen", "Espresso Machine", last_is_page=True)],
            id="product-name-as-last-crumb",
        ),
    ],
)
def test_json_ld_breadcrumb_category(blocks: list[Any]) -> None:
    assert category_of(page(ld(*blocks))) == "Kitchen"


def test_json_ld_breadcrumb_item_shapes_and_positions() -> None:
    items = [
        {"position": 3, "item": {"@id": f"{SHOP}/c/coffee", "name": "Coffee &amp; Tea"}},
        {"position": 1, "item": {"@id": f"{SHOP}/", "name": "Start"}},
        {"position": "2", "name": "Kitchen", "item": f"{SHOP}/c/kitchen"},
        {"position": 4, "item": {"@id": URL, "name": "Our best machine"}},  # this page
    ]
    unordered = {"@type": "BreadcrumbList", "itemListElement": items}
    numeric = {"@type": "BreadcrumbList", "itemListElement": [items[1], items[0], items[3]]}

    assert category_of(page(ld(ld_product(offer()), numeric))) == "Coffee & Tea"
    # mixed position types: page order, where the last non-page crumb is "Kitchen"
    assert category_of(page(ld(ld_product(offer()), unordered))) == "Kitchen"


def test_product_category_beats_breadcrumbs_and_breadcrumbs_beat_html() -> None:
    html_trail = '<nav class="breadcrumb"><a href="/">Home</a><a href="/c/x">From HTML</a></nav>'
    trail = crumbs("Home", "From BreadcrumbList")

    assert category_of(page(ld(ld_product(offer(), category="Own"), trail), html_trail)) == "Own"
    assert category_of(page(ld(ld_product(offer()), trail), html_trail)) == "From BreadcrumbList"
    assert category_of(page(ld(ld_product(offer())), html_trail)) == "From HTML"


def test_breadcrumbs_without_a_category_give_none() -> None:
    assert category_of(page(ld(ld_product(offer()), crumbs("Home")))) is None
    assert category_of(page(ld(ld_product(offer()), crumbs("Home", "Espresso Machine")))) is None
    assert category_of(page(ld(ld_product(offer())))) is None
    # the mark only in script text: no element to read a trail from
    script = '<script>var c = "breadcrumb";</script>'
    assert category_of(page(ld(ld_product(offer())), script)) is None


HTML_TRAILS = {
    "demo-shop": (
        '<nav class="breadcrumbs"><a href="/">Home</a> / <a href="/category/toys">toys</a></nav>'
    ),
    "bootstrap": (
        '<nav aria-label="breadcrumb"><ol class="breadcrumb">'
        '<li class="breadcrumb-item"><a href="/"><i class="icon-home"></i></a></li>'
        '<li class="breadcrumb-item"><a href="/c/toys">Toys</a></li>'
        '<li class="breadcrumb-item active" aria-current="page">Espresso Machine</li></ol></nav>'
    ),
    "magento": (
        '<div class="breadcrumbs"><ul class="items"><li class="item home">'
        '<a href="https://shop.example/" title="Go to Home Page">Home</a></li>'
        '<li class="item category"><a href="/toys.html">Toys</a></li>'
        '<li class="item product"><strong>Espresso Machine</strong></li></ul></div>'
    ),
    "microdata-breadcrumblist": (
        '<ol itemscope itemtype="https://schema.org/BreadcrumbList">'
        '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
        '<a itemprop="item" href="/"><span itemprop="name">Home</span></a>'
        '<meta itemprop="position" content="1"></li>'
        '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
        '<a itemprop="item" href="/c/toys"><span itemprop="name">Toys</span></a>'
        '<meta itemprop="position" content="2"></li></ol>'
    ),
    "yoast": (
        '<p id="breadcrumbs"><span><span><a href="https://shop.example/">Start</a></span> » '
        '<span><a href="/c/toys/">Toys</a></span> » '
        '<span class="breadcrumb_last" aria-current="page">Espresso Machine</span></span></p>'
    ),
    "after-a-page-wide-wrapper": (
        '<div class="has-breadcrumbs">'
        + "".join(f'<a href="/c/{i}">Menu {i}</a>' for i in range(20))
        + '<p class="Breadcrumb"><a href="/">Home</a> › <a href="/c/toys">Toys</a></p></div>'  # noqa: RUF001
    ),
}


@pytest.mark.parametrize("trail", HTML_TRAILS.values(), ids=HTML_TRAILS.keys())
@pytest.mark.parametrize(
    "product_html",
    [
        pytest.param(ld(ld_product(offer())), id="json-ld"),  # lexbor's CSS engine not started
        pytest.param(md_product(md_offer('<meta itemprop="price" content="5">')), id="microdata"),
        pytest.param(meta("product:price:amount", "5"), id="opengraph"),
    ],
)
def test_html_breadcrumb_trail(trail: str, product_html: str) -> None:
    assert category_of(page(body=product_html + trail)) in ("Toys", "toys")


def test_html_trail_for_a_site_rule_page() -> None:
    body = HTML_TRAILS["magento"] + '<span class="price">12,90 €</span>'

    assert category_of(page(body=body), SiteRule(price="span.price")) == "Toys"
