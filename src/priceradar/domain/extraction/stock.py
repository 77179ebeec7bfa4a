"""Stock from the visible page, for products whose source did not say.

Read from the product block only (the h1, or the element named as the product title, and the
ancestors whose text stays short), so a "Sold out" badge on a related item never counts. The
block may hold the product's own breadcrumbs, but never someone else's items (related,
recommended, recently viewed …), and the variant picker's text ("XL - sold out") is not the
product's. In order: a stock line ("<p class=stock>Ausverkauft</p>") or a stated
"Availability: …" says it; else the product's own buy button: usable means in stock, disabled
(or labelled "Sold out") means out of stock (for a buy form: its submit buttons); without a
button an out-of-stock phrase means out of stock and an in-stock phrase in stock; otherwise the
page does not say (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction import visible_features as vf
from priceradar.domain.extraction.visible_layout import Anchors, find_anchors

_BLOCK_CHARS = 3_000  # text of the product block we read; a whole page is far longer
# How shops say "sold out" next to the buy button; also the site rules' default pattern.
OUT_OF_STOCK_WORDS = (
    r"out[ -]of[ -]stock|sold[ -]?out|currently unavailable|temporarily unavailable"
    r"|no longer available|not available|ausverkauft|nicht (?:mehr )?(?:verfügbar|lieferbar)"
    r"|nicht (?:auf lager|vorrätig)|épuisé|rupture de stock|indisponible|non disponible"
    r"|agotado|sin stock|no disponible|esgotado|indisponível|tükendi|stokta yok|esaurito"
    r"|non disponibile|niedostępny|wyprzedany|brak w magazynie|brak towaru|uitverkocht"
    r"|niet (?:op voorraad|leverbaar|beschikbaar)|slutsåld|udsolgt|utsolgt|нет в наличии"
    r"|распродано|在庫切れ|売り切れ|品切れ|缺货|无货|품절|notify me when"
)
_OUT = re.compile(OUT_OF_STOCK_WORDS, re.I)
_IN = re.compile(
    r"\bin stock\b|auf lager|sofort lieferbar|en stock|disponible|em estoque|stokta var|stokta\b"
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
# Containers whose text is about other variants or choices, not the product as shown.
_CHOICE_WORDS = frozenset({"variant", "variants", "variation", "variations", "swatch", "swatches"})
_CHOICE_TAGS = frozenset({"select", "option", "optgroup", "datalist"})
_BUTTONS = "button, input[type=submit], input[type=image], input[type=button]"
_SUBMIT_TYPES = ("", "submit", "image")


def page_stock(doc: LexborHTMLParser, anchors: Anchors | None = None) -> bool | None:
    """In stock (True), out of stock (False) or not stated (None), from the product block.

    `anchors` are the page's landmarks when the caller already found them."""
    body = doc.body
    title = body.css_first(_TITLE) if body is not None else None
    if title is None:
        return None
    own = _chain_ids(title)
    block = _block(title, own)
    # A stock line ("<div class=stock>Out of stock</div>") is the page's own statement.
    for node in block.css(_STOCK_LINE):
        if _in_choice(node, block):
            continue
        line = node.text(deep=True, separator=" ")[:200]
        if _OUT.search(line):
            return False
        if _IN.search(line):
            return True
    text = _own_text(block)[:_BLOCK_CHARS]
    stated = _STATED.search(text)  # "Availability: Out Of Stock"
    if stated is not None:
        return not _OUT.search(stated.group(1))
    # Then the buy button: themes keep a CSS-hidden "Sold out" badge on every page.
    if anchors is None and body is not None:
        anchors = find_anchors(body)
    buy = anchors.buy_node if anchors is not None else None
    if buy is not None and not _in_others(buy, own):
        return _usable(buy)
    if _OUT.search(text):
        return False
    return True if _IN.search(text) else None


def _chain_ids(node: LexborNode) -> set[int]:
    """`node` and its ancestors, by mem_id."""
    ids = set()
    current: LexborNode | None = node
    while current is not None:
        ids.add(current.mem_id)
        current = current.parent
    return ids


def _block(title: LexborNode, own: set[int]) -> LexborNode:
    """The largest ancestor of the title (up to 6 levels) whose text is still a product block."""
    best = title
    node = title.parent
    for _ in range(6):
        if node is None or node.tag in ("body", "html"):
            break
        if len(node.text(deep=True)) > _BLOCK_CHARS or _holds_others(node, own):
            break  # too long, or it holds someone else's items (related, recommended …)
        best, node = node, node.parent
    return best


def _holds_others(node: LexborNode, own: set[int]) -> bool:
    """Whether `node` holds a region of other items: not the product's own breadcrumbs, and
    not a wrapper of the title itself (`<header class=product-header><h1>`)."""
    return any(other.mem_id not in own and not _is_breadcrumb(other) for other in node.css(_OTHERS))


def _is_breadcrumb(node: LexborNode) -> bool:
    attrs = node.attributes
    names = " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("aria-label"))))
    return "breadcrumb" in names.lower()


def _in_others(node: LexborNode, own: set[int]) -> bool:
    """Whether `node` sits in a region of other items (a carousel's quick-add button)."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        if current.mem_id in own:
            return False  # reached the title's own ancestors: the product's block
        if current.css_matches(_OTHERS) and not _is_breadcrumb(current):
            return True
        current = current.parent
    return False


def _in_choice(node: LexborNode, block: LexborNode) -> bool:
    """Whether `node` sits in a variant picker or option list inside `block`."""
    current: LexborNode | None = node
    while current is not None and current.mem_id != block.mem_id:
        if _is_choice(current):
            return True
        current = current.parent
    return False


def _is_choice(node: LexborNode) -> bool:
    if node.tag in _CHOICE_TAGS:
        return True
    raw = " ".join(filter(None, (node.attributes.get("class"), node.attributes.get("id"))))
    return bool(raw) and not _CHOICE_WORDS.isdisjoint(vf.split_words(raw))


def _own_text(block: LexborNode) -> str:
    """The block's text without its variant pickers' and option lists' text."""
    return " ".join(" ".join(_texts(block)).split())


def _texts(node: LexborNode) -> Iterator[str]:
    for child in node.iter(include_text=True):
        if child.is_text_node:
            yield child.text_content or ""
        elif child.tag not in ("script", "style", "template") and not _is_choice(child):
            yield from _texts(child)


def _usable(buy: LexborNode) -> bool:
    """Whether the product's buy button (or a buy form's buy buttons) can be pressed."""
    if buy.tag != "form":
        return not _dead(buy)
    buttons = buy.css(_BUTTONS)
    buying = [n for n in buttons if vf.is_buy_control(n)]
    if buying:
        return not all(_dead(n) for n in buying)
    # Otherwise only a submit button's own "Sold out" label counts: a disabled "Validate" may
    # just wait for an offer or option to be chosen.
    submits = [n for n in buttons if (n.attributes.get("type") or "").lower() in _SUBMIT_TYPES]
    return not submits or not all(_says_sold_out(n) for n in submits)


def _dead(control: LexborNode) -> bool:
    """A disabled buy control, or one whose label says the product is sold out. Not a
    "disabled" class: WooCommerce greys its button that way until a variation is chosen."""
    attrs = control.attributes
    if "disabled" in attrs or (attrs.get("aria-disabled") or "").lower() == "true":
        return True
    return _says_sold_out(control)


def _says_sold_out(control: LexborNode) -> bool:
    attrs = control.attributes
    label = (attrs.get("value") or "") if control.tag == "input" else control.text(deep=True)
    return bool(_OUT.search(label[:80])) and not vf.BUY_TEXT.search(label[:80])
