"""Stock from the visible page, for products whose source did not say.

Read from the product block only (the h1, or the element named as the product title, and the
ancestors whose text stays short), so a "Sold out" badge on a related item never counts: an
enabled buy button means in stock, only disabled ones out of stock; without a button an
out-of-stock phrase means out of stock and an in-stock phrase in stock; otherwise the page does
not say (None).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction.visible_layout import Anchors, find_anchors

_BLOCK_CHARS = 3_000  # text of the product block we read; a whole page is far longer
_OUT = re.compile(
    r"out of stock|sold out|currently unavailable|temporarily unavailable|no longer available"
    r"|not available|ausverkauft|nicht (?:mehr )?(?:verfügbar|lieferbar)|épuisé|rupture de stock"
    r"|agotado|sin stock|esgotado|indisponível|tükendi|stokta yok|esaurito|non disponibile"
    r"|niedostępny|wyprzedany|uitverkocht|niet leverbaar|slutsåld|udsolgt|utsolgt|нет в наличии"
    r"|распродано|在庫切れ|売り切れ|品切れ|缺货|无货|품절|notify me when",
    re.I,
)
_IN = re.compile(
    r"\bin stock\b|auf lager|sofort lieferbar|en stock|disponible|em estoque|stokta var"
    r"|in magazzino|dostępny|op voorraad|på lager|в наличии|在庫あり|有货|재고 있음",
    re.I,
)
_TITLE = "h1, [itemprop=name], [class*=product-title], [class*=product-name], [class*=sku-name]"
_STATED = re.compile(
    r"(?:availability|stock|verfügbarkeit|disponibilit[ée]|disponibilidad|lieferstatus)\s*:\s*"
    r"([^\n]{0,40})",
    re.I,
)
_OTHERS = (
    "[class*=related], [class*=recommend], [class*=similar], [class*=upsell], [class*=cross-sell],"
    " [class*=carousel], [class*=slider], [class*=recently], aside, footer, header, nav"
)
_STOCK_LINE = (
    "[class*=stock], [class*=availability], [class*=Availability], [itemprop=availability]"
)


def page_stock(doc: LexborHTMLParser, anchors: Anchors | None = None) -> bool | None:
    """In stock (True), out of stock (False) or not stated (None), from the product block.

    `anchors` are the page's landmarks when the caller already found them."""
    body = doc.body
    title = body.css_first(_TITLE) if body is not None else None
    if title is None:
        return None
    block = _block(title)
    # A stock line ("<div class=stock>Out of stock</div>") is the page's own statement.
    for node in block.css(_STOCK_LINE):
        line = node.text(deep=True, separator=" ")[:200]
        if _OUT.search(line):
            return False
        if _IN.search(line):
            return True
    text = block.text(deep=True, separator=" ")[:_BLOCK_CHARS]
    stated = _STATED.search(text)  # "Availability: Out Of Stock"
    if stated is not None:
        return not _OUT.search(stated.group(1))
    # Then the buy button: themes keep a CSS-hidden "Sold out" badge on every page.
    if anchors is None and body is not None:
        anchors = find_anchors(body)
    buy = anchors.buy_node if anchors is not None else None
    if buy is not None:
        return "disabled" not in buy.attributes
    if _OUT.search(text):
        return False
    return True if _IN.search(text) else None


def _block(title: LexborNode) -> LexborNode:
    """The largest ancestor of the title (up to 6 levels) whose text is still a product block."""
    best = title
    node = title.parent
    for _ in range(6):
        if node is None or node.tag in ("body", "html"):
            break
        if len(node.text(deep=True)) > _BLOCK_CHARS or node.css_first(_OTHERS) is not None:
            break  # too long, or it holds someone else's items (related, recommended …)
        best, node = node, node.parent
    return best
