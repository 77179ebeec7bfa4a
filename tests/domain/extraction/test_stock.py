"""Stock from the visible product block when the source did not say."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction.stock import page_stock

RELATED_SOLD_OUT = (
    '<section class="related"><div class="card"><a>Mug</a><span>Sold out</span></div></section>'
)
BREADCRUMBS = '<nav class="breadcrumbs"><a href="/">Home</a> / <a href="/c/k">Kitchen</a></nav>'


def stock(block: str) -> bool | None:
    html = f"<html><body><main><div class='product'><h1>Kettle</h1>{block}</div>"
    return page_stock(LexborHTMLParser(html + RELATED_SOLD_OUT + "</main></body></html>"))


def shop_page(product: str, after: str = RELATED_SOLD_OUT) -> bool | None:
    """A whole page: header, `product` as the main block, then `after` (related items, footer)."""
    header = '<header class="site-header"><a href="/">Shop</a><nav>Sale</nav></header>'
    footer = "<footer><p>Out of stock items ship when they are back.</p></footer>"
    html = f"<html><body>{header}{product}{after}{footer}</body></html>"
    return page_stock(LexborHTMLParser(html))


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('<form action="/cart/add"><button>Add to cart</button></form>', True),
        ('<button class="add-to-cart" disabled>Sold out</button>', False),
        (
            '<div class="stock unavailable">Out of stock</div><button>Add to cart</button>',
            False,
        ),
        ("<ul><li>Availability: Out Of Stock</li></ul>", False),
        ("<p>Auf Lager, sofort lieferbar</p>", True),
        ("<p>Ausverkauft</p>", False),
        # A theme's CSS-hidden badge does not outvote an enabled button.
        ('<span class="badge">Sold out</span><button name="add">Add to cart</button>', True),
        ("<p>Great kettle.</p>", None),  # the related item's "Sold out" is not ours
        # The buy control is a form: its submit button tells whether it can be used.
        (
            '<form class="add-to-cart-form" action="/cart/add" method="post">'
            '<input type="hidden" name="id" value="1"><button type="submit" name="add" disabled>'
            "Add to cart</button></form>",
            False,
        ),
        (
            '<form action="/cart/add"><button type="button" class="qty-minus">-</button>'
            '<button type="submit" name="add">Add to cart</button></form>',
            True,
        ),
        (
            '<form action="/cart/add"><input type="submit" value="Add to cart" disabled></form>',
            False,
        ),
        # A generic submit that waits for an offer or option to be chosen says nothing.
        (
            '<form action="/add-to-cart/"><button type="submit" disabled>Validate</button></form>',
            True,
        ),
        (
            '<button type="submit" class="single_add_to_cart_button button alt disabled'
            ' wc-variation-selection-needed">Add to cart</button>',
            True,
        ),
        ('<button class="add-to-cart" aria-disabled="true">Add to cart</button>', False),
        # The buy button's own label says it: "Sold out", "Notify me when available".
        ('<form action="/cart/add"><button name="add">Sold out</button></form>', False),
        ('<button class="btn add-to-cart">Notify me when available</button>', False),
    ],
)
def test_page_stock(block: str, expected: bool | None) -> None:
    assert stock(block) is expected


# The product block as shops write it: breadcrumbs above the h1, a stock line, a buy form.
def _buy_box(stock_line: str, disabled: bool) -> str:
    return (
        '<main class="product-detail" id="product-1">'
        f"{BREADCRUMBS}"
        '<img class="product-image" src="/1.jpg" alt="Kettle">'
        '<h1 class="product-name">Kettle</h1>'
        '<div class="product-price-container"><span class="product-price">1.299,99 TL</span></div>'
        '<p class="installments">3 x 433,33 TL taksit</p>'
        f'<p class="stock">{stock_line}</p>'
        '<form class="add-to-cart-form" action="/cart/add" method="post">'
        f'<button type="submit" name="add"{" disabled" if disabled else ""}>Add to cart</button>'
        "</form></main>"
    )


@pytest.mark.parametrize(
    "sold_out",
    ["Tükendi", "Ausverkauft", "Out of stock", "Sold out", "Agotado", "Épuisé", "Esaurito",
     "Niet op voorraad", "Brak w magazynie", "Nicht auf Lager", "Non disponibile"],
)  # fmt: skip
def test_a_stock_line_beside_breadcrumbs_is_read(sold_out: str) -> None:
    """Breadcrumbs are the product's own navigation, not someone else's items: the block grows
    past them to the stock line."""
    assert shop_page(_buy_box(sold_out, disabled=False)) is False
    assert shop_page(_buy_box(sold_out, disabled=True)) is False


@pytest.mark.parametrize("in_stock", ["Stokta", "Auf Lager", "In stock", "Op voorraad"])
def test_an_in_stock_line_beside_breadcrumbs_is_read(in_stock: str) -> None:
    assert shop_page(_buy_box(in_stock, disabled=False)) is True


def test_a_disabled_buy_form_without_a_stock_line_is_sold_out() -> None:
    assert shop_page(_buy_box("", disabled=True)) is False
    assert shop_page(_buy_box("", disabled=False)) is True


@pytest.mark.parametrize(
    "elsewhere",
    [
        # a related-products carousel with its own sold-out badges and disabled buttons
        '<section class="recommendations"><ul class="carousel"><li class="product-card">'
        '<a href="/p/2">Mug</a><span class="stock">Sold out</span>'
        '<button class="add-to-cart" disabled>Add to cart</button></li></ul></section>',
        # a "recently viewed" strip and a footer note
        '<div class="recently-viewed"><p>Teapot <span class="badge">Ausverkauft</span></p></div>',
        '<aside><p class="availability">Out of stock</p></aside>',
    ],
)
def test_sold_out_words_outside_the_product_block_do_not_count(elsewhere: str) -> None:
    product = (
        f'<main class="product-detail">{BREADCRUMBS}<h1 class="product-name">Kettle</h1>'
        '<span class="product-price">$49.99</span></main>'
    )
    assert shop_page(product, elsewhere) is None
    with_button = product.replace(
        "</main>", '<button class="add-to-cart">Add to cart</button></main>'
    )
    assert shop_page(with_button, elsewhere) is True


@pytest.mark.parametrize(
    "variant",
    [
        '<select name="size"><option>S</option><option disabled>XL - Sold out</option></select>',
        '<ul class="swatches"><li class="swatch">M</li><li class="swatch soldout">XL Sold out</li>'
        "</ul>",
        '<div class="variant-picker"><label>XL</label><span>Out of stock</span></div>',
    ],
)
def test_another_variant_sold_out_does_not_mark_the_product(variant: str) -> None:
    product = (
        f'<main class="product-detail">{BREADCRUMBS}<h1 class="product-name">Kettle</h1>'
        f'<span class="product-price">$49.99</span>{variant}</main>'
    )
    assert shop_page(product) is None
    with_button = product.replace(
        "</main>", '<button class="add-to-cart">Add to cart</button></main>'
    )
    assert shop_page(with_button) is True
