"""Where a visible price sits: the product block's landmarks, page furniture, grids.

Pure functions over lexbor nodes used by `visible`: the `h1` and the product's own buy button
(`Anchors`), the tree distance to them, blocks that hold someone else's prices (header, cart,
"You may also like", a grid of look-alike items) and the labels just beside a price.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from priceradar.domain.extraction import visible_features as vf

Add = Callable[[float, str], None]  # a candidate's `add(points, why)`
# A currency mark: look-alike siblings that all show one are a grid of priced items.
_MONEY = re.compile(r"[$€£¥₹₺₽₩₪₫฿₱₦₸₴円원]|\b(?:EUR|USD|GBP|CHF|TL|zł|kr|Ft|Kč|lei|Lei|Rp)\b")

SKIP = frozenset({"script", "style", "noscript", "template", "svg", "select", "option",
                   "textarea", "head", "title", "iframe", "button", "h1"})  # fmt: skip
_MAX_SIBLINGS = 60  # siblings looked at for the repeated-item test
_BUY_SELECTOR = "form, button, input, a[class*=cart], a[id*=cart], a[class*=buy]"
_TITLE_SELECTOR = (
    "[itemprop=name], [class*=product-title], [class*=product-name], [class*=productName],"
    " [class*=sku-name], [class*=item_name], [data-testid*=title]"
)
_BLOCKS = frozenset({"div", "p", "section", "article", "ul", "ol", "li", "table", "tr", "form",
                     "header", "footer", "aside", "nav", "dl", "h1", "h2", "h3", "h4"})  # fmt: skip
_LABEL_BLOCK = 400  # characters; a label next to a price is a few words
_MAX_DEPTH = 80  # ancestors walked per price; real pages nest < 40 deep
_BUY_NEAR_H1 = 14  # tree steps; a product block's h1 and button are 2-8 apart


@dataclass(slots=True)
class Anchors:
    """Ancestor chains (mem_ids, node first) of the product block's landmarks."""

    h1: list[int]
    buy: list[int]
    buy_count: int
    buy_node: LexborNode | None = None  # the product's own buy button or form
    # Per-page memo: every candidate walks up through the same containers.
    kinds: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    repeated: dict[int, bool] = field(default_factory=dict)
    big: set[int] = field(default_factory=set)  # blocks too long to be a price's label


def _chain(node: LexborNode | None) -> list[int]:
    out = []
    while node is not None:
        out.append(node.mem_id)
        node = node.parent
    return out


def find_anchors(body: LexborNode) -> Anchors:
    # No h1 (JD, Rakuten …): the element named as the product's title stands in for it.
    h1 = _chain(body.css_first("h1") or body.css_first(_TITLE_SELECTOR))
    controls = [n for n in body.css(_BUY_SELECTOR) if vf.is_buy_control(n)]
    # The product's own buy button is the one nearest the h1, not the first related item's.
    chains = [(_chain(n), n) for n in controls]
    buy, node = min(chains, key=lambda cn: _distance(cn[0], h1), default=([], None))
    if h1 and buy and _distance(buy, h1) > _BUY_NEAR_H1:
        buy = []  # no buy button of its own (sold out?): the nearest is a related item's
    if len(controls) >= 2 and node is not None and _in_repeated(node):
        buy = []  # a grid item's quick-add button is no product block
    return Anchors(h1, buy, len(controls), node if buy else None)


def _in_repeated(node: LexborNode) -> bool:
    current: LexborNode | None = node
    for _ in range(5):
        if current is None:
            return False
        if _repeated(current):
            return True
        current = current.parent
    return False


def _distance(chain: list[int], other: list[int]) -> int:
    """Tree steps between two nodes given their ancestor chains (node first)."""
    if not other:
        return 0
    index = {mem: i for i, mem in enumerate(other)}
    return next((i + index[mem] for i, mem in enumerate(chain) if mem in index), 1_000)


def beside(
    element: LexborNode, big: set[int], *, backwards: bool, limit: int = 40, levels: int = 2
) -> str:
    """Up to `limit` characters of text just before (or after) `element`: its siblings first,
    then its parent's, so a label in the next cell or the enclosing line is seen too. A
    sibling block of more than `_LABEL_BLOCK` characters is no label; `big` remembers them so
    each is measured once per page."""
    pieces: list[str] = []
    size = 0
    node: LexborNode | None = element
    for _ in range(levels):  # the element's own siblings, then its parent's
        if node is None:
            break
        sibling = node.prev if backwards else node.next
        while sibling is not None and size < limit:
            if not backwards and sibling.tag in _BLOCKS:
                break  # after a price, only its own line: the next block labels something else
            if sibling.tag == "-text":
                text = sibling.text_content or ""
            elif sibling.tag in SKIP or sibling.mem_id in big:
                text = ""
            else:
                text = sibling.text(deep=True, separator=" ")
                if len(text) > _LABEL_BLOCK:
                    big.add(sibling.mem_id)
                    text = ""
            pieces.append(text)
            size += len(text)
            sibling = sibling.prev if backwards else sibling.next
        if size >= limit:
            break
        node = node.parent
    if backwards:
        return " ".join(" ".join(reversed(pieces)).split())[-limit:]
    return " ".join(" ".join(pieces).split())[:limit]


def place(add: Add, element: LexborNode, anchors: Anchors) -> tuple[bool, bool]:
    """Where the price sits: distance to the product block, or inside page furniture.

    Returns (an item of a product grid, inside page furniture such as a header or a related
    products section).
    """
    h1 = set(anchors.h1)
    buy = set(anchors.buy)
    node: LexborNode | None = element
    steps = 0
    h1_steps = buy_steps = None
    region = listing = None
    emphasis = False
    while node is not None and steps < _MAX_DEPTH:
        mem = node.mem_id
        tag = node.tag or ""
        broad = tag in ("body", "html")  # sharing only the body is not being close
        if h1_steps is None and mem in h1 and not broad:
            h1_steps = steps + anchors.h1.index(mem)
        if buy_steps is None and mem in buy and not broad:
            buy_steps = steps + anchors.buy.index(mem)
        if steps <= 2 and tag in ("h1", "h2", "h3", "strong", "b", "big"):
            emphasis = True
        if region is None and h1_steps is None and buy_steps is None:
            kind = anchors.kinds.get(mem)
            if kind is None:
                kind = anchors.kinds[mem] = _kind(node, tag)
            region = kind[0]
            if region is None and listing is None:
                listing = kind[1]
                if listing is None and steps <= 5:
                    repeated = anchors.repeated.get(mem)
                    if repeated is None:
                        repeated = anchors.repeated[mem] = _repeated(node)
                    listing = "repeated item" if repeated else None
        node = node.parent
        steps += 1
    near = min((s for s in (h1_steps, buy_steps) if s is not None), default=None)
    if near is not None:
        points = 4 if near <= 5 else 2 if near <= 8 else 0 if near <= 11 else -2
        add(points, f"{near} steps from the product block")
    if region is not None:
        add(-10, f"inside {region}")
    elif listing is not None:
        add(-5, f"inside a {listing}")
    if emphasis:
        add(1, "emphasised")
    return region is None and listing is not None, region is not None


def _kind(node: LexborNode, tag: str) -> tuple[str | None, str | None]:
    """(page-furniture region, product-grid word) a container's names or heading reveal."""
    if tag in vf.REGION_TAGS:
        return tag, None
    node_words = vf.words(node)
    hit = node_words & vf.REGION_WORDS
    if {"add", "to"} & node_words:
        hit -= {"cart", "basket", "bag"}  # "add-to-cart": the buy box, not the cart
    if hit:
        return sorted(hit)[0], None
    if _related_heading(node):
        return "a related-products section", None
    grid = node_words & vf.LISTING_WORDS
    return None, sorted(grid)[0] if grid else None


def _related_heading(node: LexborNode) -> bool:
    """A block headed "Similar products", "You may also like" …: someone else's prices."""
    child = node.child
    for _ in range(3):  # the heading is among the block's first children
        while child is not None and child.tag == "-text":
            child = child.next
        if child is None:
            return False
        if child.tag in ("h2", "h3", "h4", "h5", "header"):
            return bool(vf.RELATED_HEADING.search(child.text(deep=True)[:80]))
        child = child.next
    return False


def _repeated(node: LexborNode) -> bool:
    """`node` is one of 3+ look-alike siblings (same tag and class) that show prices:
    an item of a product grid, not the product block."""
    parent = node.parent
    if parent is None or node.tag in ("body", "html", "main"):
        return False
    signature = (node.tag, node.attributes.get("class"))
    if signature[1] is None and node.tag not in ("li", "article", "tr"):
        return False  # unnamed divs in a row are a layout, not a grid of items
    alike = buying = 0
    sibling = parent.child
    for _ in range(_MAX_SIBLINGS):
        if sibling is None:
            break
        if (sibling.tag, sibling.attributes.get("class") if sibling.tag != "-text" else None) == (
            signature
        ):
            text = sibling.text(deep=True)
            if len(text) < 600 and _MONEY.search(text) is not None:
                alike += 1
                # Two priced look-alikes with their own buy buttons are already a grid.
                buying += sibling.css_first(_BUY_SELECTOR) is not None
            if alike >= 3 or buying >= 2:
                return True
        sibling = sibling.next
    return False


def labels(add: Add, own: str, element: LexborNode, big: set[int]) -> None:
    """Labels in the text right around a price (`own` is its text): was/old, current, price,
    installment, shipping, unit, members-only, saving, tax."""
    before = beside(element, big, backwards=True)
    # After the price only its own line counts: the next block ("Delivery: free") is not a
    # label of this amount.
    after = beside(element, big, backwards=False, levels=1)
    digit = next((i for i, ch in enumerate(own) if ch.isdigit()), 0)
    label = (before + " " + own[:digit]).rstrip()
    if vf.OLD_TEXT.search(label):
        add(-9, "labelled old/was")
    elif vf.CURRENT_TEXT.search(label[-25:]):
        add(2, "labelled current")
    elif vf.PRICE_LABEL.search(label[-20:]):
        add(2, "labelled price")
    if vf.FROM_LABEL.search(label[-20:]):
        add(-5, "a from-price (the cheapest of several)")
    if (
        vf.INSTALLMENT.search(label[-20:])
        or vf.INSTALLMENT.search(own)
        or vf.INSTALLMENT_AFTER.match(after)
    ):
        add(-9, "installment")
    # "zzgl. Versand" after a price is a legal note; "Versand: 3,95 €" labels a shipping price.
    if vf.SHIPPING.search(label[-30:] + " " + own) or vf.SHIPPING_AFTER.match(after):
        add(-8, "shipping")
    if vf.UNIT_PRICE.search(own) or vf.UNIT_AFTER.match(after) or vf.UNIT_PRICE.search(label):
        add(-7, "unit price")
    if vf.CONDITIONAL.search(label[-40:]):
        add(-6, "conditional price (card, coupon, members)")
    if vf.SAVING_LABEL.search(label[-20:]) or vf.SAVING_TEXT.search(own):
        add(-6, "saving")
    if vf.TAX_EXCL.search(label[-20:] + " " + own):
        add(-4, "excluding tax")
