"""Stock from the visible product block when the source did not say."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction.stock import page_stock

RELATED_SOLD_OUT = (
    '<section class="related"><div class="card"><a>Mug</a><span>Sold out</span></div></section>'
)


def stock(block: str) -> bool | None:
    html = f"<html><body><main><div class='product'><h1>Kettle</h1>{block}</div>"
    return page_stock(LexborHTMLParser(html + RELATED_SOLD_OUT + "</main></body></html>"))


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
    ],
)
def test_page_stock(block: str, expected: bool | None) -> None:
    assert stock(block) is expected
