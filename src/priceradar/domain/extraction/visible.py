"""The visible-price extractor: the price a shopper sees, when the page states it nowhere else.

One pass over the body's text nodes collects price-like texts (a split price such as
`<span>1.299</span><sup>,99</sup>` is read as one), each scored with explicit features: close
to the product block (`h1`, the buy button), named like a price, with a currency mark,
emphasised; and penalised when struck-through or labelled old/was/compare-at, when it is an
installment, shipping, saving or unit price, or when it sits in a header, footer, navigation,
cart or related-products block. Precision first: the best price must clear a threshold and
beat every other amount by a margin, else the page is refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction import visible_features as vf
from priceradar.domain.extraction.visible_layout import SKIP, Anchors, find_anchors, labels, place
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.domain.price_text import parse_price_text, parse_price_value

SOURCE = "visible"
THRESHOLD = 7.0  # a lone price with a currency next to the h1 scores ~9; noise stays below 5
MARGIN = 3.0  # the winner must beat the best other amount by this much
_MAX_PRICE_TEXT = 40  # characters of a price element's text; "1.299,99 € inkl. MwSt." fits
_MAX_CANDIDATES = 300
_MAX_NUMBERS = 1_500  # text nodes with digits examined per page; product pages have < 500
_FIRST_NAME = "first price after the h1"
# Features that name an amount a price (as opposed to merely showing a currency).
_PRICE_EVIDENCE = (
    "named price", "itemprop=price", "price attribute", "labelled price", "labelled current",
)  # fmt: skip
_FIRST = f"{_FIRST_NAME} +2"  # as the feature list shows it
_MAX_MARK = 5  # non-digit characters a price element may hold besides its number ("EUR", "zł*")
_MAX_NODES = 40_000  # nodes walked per page; real pages have < 10,000
_NUMBER = re.compile(r"\d(?:[\d.,'\u00a0\u202f ]*\d)?")
_DIGIT = re.compile(r"\d")
_RANGE = re.compile(
    r"(\D{0,4}\d[\d.,'\s]*\D{0,4}?)\s*[-\u2013\u2014]\s*(\D{0,4}\d[\d.,'\s]*\D{0,4})"
)
_DASHES = frozenset({"-", "–", "—", ",-", ",–", ".-", ".–", ",—"})  # noqa: RUF001
# "249€00" (Cdiscount): the currency sign stands where the decimal comma would.
_SIGN_AS_SEPARATOR = re.compile(r"(\d)\s?([€$£])\s?(\d{2})(?!\d)")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_MAX_LETTERS = 30  # "Original price was: $45.00." has 19; product names run longer
_FRACTION = re.compile(r"\s*[.,€$£]?\d{1,2}\s*")  # ",99", "99", Fnac's "€99"
_FRACTION_WORDS = frozenset({"cents", "cent", "fraction", "decimal", "decimals", "minor", "sup"})
_PRICE_ATTR_SELECTOR = ",".join(
    f"[{a}]"
    for a in ("data-price-amount", "data-price", "data-product-price", "data-sale-price",
              "data-current-price", "data-final-price", "data-price-value")
)  # fmt: skip
_PRICE_ATTRS = ("data-price-amount", "data-price", "data-product-price", "data-sale-price",
                "data-current-price", "data-final-price", "data-price-value")  # fmt: skip


@dataclass(slots=True)
class Candidate:
    """One price-like text, its score and the features behind it (for `--explain`)."""

    price: Decimal
    currency: str | None
    text: str
    score: float = 0.0
    features: list[str] = field(default_factory=list)
    block: int = 0  # mem_id of the element's parent: prices shown side by side share it
    penalties: int = 0  # features that counted against it
    in_grid: bool = False  # an item of a product grid
    high: Decimal | None = None  # the top of a printed range ("$20.00 - $26.00")

    def add(self, points: float, why: str) -> None:
        self.score += points
        self.penalties += points < 0
        self.features.append(f"{why} {points:+g}")


@dataclass(slots=True)
class VisibleResult:
    outcome: ExtractedProduct | ExtractionFailure
    candidates: list[Candidate]  # best first
    confidence: float = 0.0
    runner_up: Candidate | None = None


def from_visible(
    doc: LexborHTMLParser,
    currency_hint: str | None,
    title: str | None,
    anchors: Anchors | None = None,
) -> VisibleResult:
    """Score every visible price on the page and decide, or refuse with the reason.

    `anchors` are the page's landmarks when the caller already found them."""
    body = doc.body
    if body is None:
        return VisibleResult(ExtractionFailure("visible: no body"), [])
    anchors = anchors or find_anchors(body)
    blocks: dict[int, bool] = {}  # parent mem_id -> it shows a discount ("-17%", "Save")
    cands = _collect(body, currency_hint, anchors, blocks)
    _pairs(cands, blocks)
    cands.sort(key=lambda c: -c.score)
    return _decide(cands, currency_hint, title, anchors)


def _collect(
    body: LexborNode, hint: str | None, anchors: Anchors, blocks: dict[int, bool]
) -> list[Candidate]:
    seen: set[int] = set()
    too_big: set[int] = set()
    found: list[Candidate] = []
    numbers = 0
    h1 = anchors.h1[0] if anchors.h1 else None
    after_h1 = h1 is None  # document order: the first marked price after the h1 is telling
    first_given = False
    for node in body.css(_PRICE_ATTR_SELECTOR)[:_MAX_CANDIDATES]:
        cand = _attr_candidate(node, hint)
        if cand is not None:
            seen.add(node.mem_id)
            _score(cand, node, anchors)
            found.append(cand)
    # The hot loop (every node of the page): as few attribute reads as possible per node.
    for visited, node in enumerate(body.traverse(include_text=True)):
        if not node.is_text_node:
            if not after_h1 and node.mem_id == h1:
                after_h1 = True
            continue
        if visited > _MAX_NODES or len(found) >= _MAX_CANDIDATES:
            break
        text = node.text_content or ""
        # Length first: long prose is skipped without a scan; then one C-level digit search.
        if len(text) > 200 or not _DIGIT.search(text):
            continue
        numbers += 1
        if numbers > _MAX_NUMBERS:
            break  # a table of figures, not a product page: enough seen to decide
        letters = len(_NOT_LETTER.sub("", text))
        if letters > _MAX_LETTERS or (letters > 8 and parse_price_text(text) is None):
            continue  # a sentence or a name with a model number ("Pack RM-218"), not a price
        element = _price_element(node.parent, too_big)
        if element is None or element.mem_id in seen or _skipped(element):
            continue
        inner = node.parent if node.parent is not None else element
        raw = _price_text(element)
        if len(_NUMBER.findall(raw)) == 1:
            seen.add(element.mem_id)
        else:  # "<s>$799</s> $649" in one element: this text node on its own
            element, raw = inner, _SIGN_AS_SEPARATOR.sub(r"\1,\3\2", text.strip())
        high = None
        span = _RANGE.fullmatch(raw)
        if span is not None:  # "$20.00 - $26.00": a variant range, judged on its low end
            low, top = parse_price_text(span.group(1), hint), parse_price_text(span.group(2), hint)
            if low is not None and top is not None and low[0] < top[0] and low[1] == top[1]:
                raw, high = span.group(1), top[0]
        parsed = parse_price_text(raw, hint) if len(_NUMBER.findall(raw)) == 1 else None
        if parsed is None:
            continue
        own = parse_price_text(raw)
        marked = own is not None and own[1] is not None
        if not marked and (not _named_price(inner, element) or _NUMBER.sub("", raw).strip(" *")):
            continue  # a number with words ("0.5 Liter", "Reward points: 100") is not a price
        cand = Candidate(parsed[0], parsed[1], " ".join(raw.split()), high=high)
        if marked:
            cand.add(2, "currency mark")
            if after_h1 and h1 is not None and not first_given:
                first_given = True
                cand.add(2, _FIRST_NAME)
        if element.parent is not None:
            cand.block = element.parent.mem_id
            if element.parent.mem_id not in blocks:
                blocks[element.parent.mem_id] = _shows_discount(element.parent)
        _score(cand, element, anchors, inner)
        found.append(cand)
    return found


def _shows_discount(block: LexborNode) -> bool:
    text = block.text(deep=True, separator=" ")
    return len(text) <= 160 and bool(vf.DISCOUNT_MARK.search(text))


def _pairs(cands: list[Candidate], blocks: dict[int, bool]) -> None:
    """Two prices side by side next to a discount mark: the higher one is the old price."""
    by_block: dict[int, list[Candidate]] = {}
    for cand in cands:
        if blocks.get(cand.block) and not cand.penalties:  # not "$200 OFF", not shipping
            by_block.setdefault(cand.block, []).append(cand)
    for group in by_block.values():
        prices = {c.price for c in group}
        if len(prices) == 2:
            high = max(prices)
            first = any(c.price == high and _FIRST in c.features for c in group)
            for cand in group:
                if cand.price == high:
                    cand.add(-5, "higher price beside a discount")
                elif first:  # the old price came first: the first current price is this one
                    cand.add(2, "first current price after the h1")


def _attr_candidate(node: LexborNode, hint: str | None) -> Candidate | None:
    text = node.text(deep=True, separator="")
    shown = parse_price_text(text, hint) if len(text) <= _MAX_PRICE_TEXT else None
    for key in _PRICE_ATTRS:
        raw = node.attributes.get(key)
        if raw:
            parsed = parse_price_value(raw, shown[1] if shown else hint)
            if parsed is not None:
                cand = Candidate(parsed[0], parsed[1], f"{key}={raw[:20]}")
                cand.add(1, "price attribute")
                return cand
    return None


def _price_element(node: LexborNode | None, too_big: set[int]) -> LexborNode | None:
    """The largest element (up to 3 levels up) still holding one short number: the price.

    `too_big` remembers elements whose text is too long to be a price, so a big container is
    measured once per page, not once per number inside it.
    """
    if node is None:
        return None
    best = node
    current = node.parent
    for _ in range(3):
        if current is None or current.tag in ("body", "html") or current.mem_id in too_big:
            break
        text = current.text(deep=True, separator="")
        if len(text.strip()) > _MAX_PRICE_TEXT:
            too_big.add(current.mem_id)
            break
        numbers = _NUMBER.findall(_SIGN_AS_SEPARATOR.sub(r"\1,\3\2", text))
        if len(numbers) != 1 or _number_pieces(current) > 1:
            break
        if len("".join(_NUMBER.sub("", text).split())) > _MAX_MARK:
            break  # the parent also holds words (a title, a label): the price ends here
        best, current = current, current.parent
    return best


def _number_pieces(node: LexborNode) -> int:
    """Text nodes holding a number, not counting a split price's fraction (",99", "99")."""
    pieces = 0
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            text = child.text_content or ""
            if _DIGIT.search(text) and not _FRACTION.fullmatch(text):
                pieces += 1
    return pieces


def _named_price(inner: LexborNode, element: LexborNode) -> bool:
    """The number's own element (or the price element) is named like a price."""
    return bool((vf.words(inner) | vf.words(element)) & vf.PRICE_WORDS)


def _skipped(node: LexborNode) -> bool:
    current: LexborNode | None = node
    for _ in range(4):
        if current is None:
            return False
        if current.tag in SKIP:
            return True
        current = current.parent
    return False


def _price_text(element: LexborNode) -> str:
    """The element's text; a 2-digit fraction in `<sup>` or a cents span gets its separator."""
    parts: list[str] = []
    for node in element.traverse(include_text=True):
        if node.tag != "-text":
            continue
        piece = node.text_content or ""
        parent = node.parent
        previous = parts[-1].rstrip()[-1:] if parts else ""
        if piece.strip() in _DASHES and (previous.isdigit() or previous in ",."):
            # "29<sup>-</sup>", "1.299<span>,-</span>": a whole amount written with a dash
            piece = ("" if previous in ",." else ",") + "00"
        elif (
            parent is not None
            and piece.strip().isdigit()
            and len(piece.strip()) == 2
            and parts
            and parts[-1].rstrip()[-1:].isdigit()
            and (
                parent.tag == "sup"
                or vf.words(parent) & _FRACTION_WORDS
                or not parts[-1].strip().isdigit()  # "$", "32", then "98" in its own element
                or len(parts) >= 2
            )
        ):
            separator = "," if "." in "".join(parts) else "."
            piece = separator + piece.strip()
        parts.append(piece)
    return _SIGN_AS_SEPARATOR.sub(r"\1,\3\2", "".join(parts).strip()[:200])


def _score(
    cand: Candidate, element: LexborNode, anchors: Anchors, inner: LexborNode | None = None
) -> None:
    """Add every feature's points to `cand` (see the module docstring).

    Names and marks count from the innermost element holding the text (a `<s>` inside the
    price element) up to three levels above the price element. A price inside page furniture
    (header, cart, related products) is settled by that alone: its labels are not read.
    """
    cand.in_grid, furniture = place(cand.add, element, anchors)
    if furniture:
        return
    near: set[str] = set()
    node: LexborNode | None = inner or element
    struck = hidden = saving = False
    soft_depth = 9  # depth of the nearest "regular/list price" name; 9: none
    above = 0
    depth = 0
    while node is not None and above < 4:
        if node.mem_id == element.mem_id or above:
            above += 1
        node_words = vf.words(node)
        if node_words & {"with", "has"}:  # "with-list-price": marks the block, is not the price
            node_words -= vf.OLD_WORDS | vf.SOFT_OLD_WORDS
        if node_words & vf.SOFT_OLD_WORDS and node_words & vf.PRICE_WORDS:
            soft_depth = min(soft_depth, depth)
        near |= node_words
        if depth <= 1 and node_words & vf.SAVING_WORDS:
            saving = True
        struck = struck or vf.is_struck(node)
        hidden = hidden or vf.is_hidden(node, node_words)
        if depth == 0 and node.attributes.get("itemprop") == "price":
            cand.add(3, "itemprop=price")
        node = node.parent
        depth += 1
    if near & vf.PRICE_WORDS:
        cand.add(3, "named price")
    if near & vf.CURRENT_WORDS:
        cand.add(1, "named current/sale")
    if struck or near & vf.OLD_WORDS:
        cand.add(-9, "struck or old price")
    elif soft_depth < 9:
        # "price-item--regular" is the price when nothing is on sale, so only a mild doubt,
        # stronger on the price's own element ("list-price-price").
        cand.add(-5 if soft_depth <= 1 else -2, "regular/list price")
    if saving:
        cand.add(-6, "saving/badge")
    if hidden:
        cand.add(-3, "hidden")
    if element.tag == "ins" or (element.parent is not None and element.parent.tag == "ins"):
        cand.add(1, "inserted (sale) price")
    labels(cand.add, cand.text, element, anchors.big)


def _decide(
    cands: list[Candidate], hint: str | None, title: str | None, anchors: Anchors
) -> VisibleResult:
    if not cands:
        return VisibleResult(ExtractionFailure("visible: no price-like text"), cands)
    best = cands[0]
    runner = next((c for c in cands if c.price != best.price), None)
    priced = {c.price for c in cands if c.score >= THRESHOLD - 2}
    grid = {c.price for c in cands if c.in_grid}
    if (len(priced) >= 3 and anchors.buy_count >= 3) or (
        len(grid) >= 3 and best.in_grid and best.score < THRESHOLD + MARGIN
    ):
        priced |= grid
        why = f"ambiguous: {len(priced)} prices of look-alike items"
        if anchors.buy_count >= 3:
            why += f" and {anchors.buy_count} buy buttons"
        why += " (a listing page)"
        return VisibleResult(ExtractionFailure(why, ambiguous=True), cands, 0.0, runner)
    support = sum(1 for c in cands[1:] if c.price == best.price and c.score > 0)
    if support:
        best.add(1, "shown again in the product block")
    clear = runner is None or best.score - runner.score >= 2 * MARGIN
    if best.score < THRESHOLD and not (clear and best.score >= THRESHOLD - 2):
        why = f"visible: best price {best.text!r} scored {best.score:g} < {THRESHOLD:g}"
        return VisibleResult(ExtractionFailure(why), cands)
    if not anchors.buy and not any(f.startswith(_PRICE_EVIDENCE) for f in best.features):
        # A lone amount near a heading, on a page with no buy button and nothing naming it a
        # price, is as likely an article quoting a price as a product page.
        why = f"visible: {best.text!r} is not named a price and the page has no buy button"
        return VisibleResult(ExtractionFailure(why), cands)
    if runner is not None and best.score - runner.score < MARGIN:
        why = (
            f"ambiguous: visible prices {best.text!r} ({best.score:g}) and "
            f"{runner.text!r} ({runner.score:g}) too close"
        )
        return VisibleResult(ExtractionFailure(why, ambiguous=True), cands, 0.0, runner)
    currency = best.currency or hint
    if currency is None:
        why = f"visible: price {best.text!r} has no currency and the page names none"
        return VisibleResult(ExtractionFailure(why), cands)
    if best.high is not None and any(
        c.in_grid and best.price <= c.price <= best.high for c in cands
    ):
        why = f"ambiguous: {best.text!r} spans several offers listed on the page"
        return VisibleResult(ExtractionFailure(why, ambiguous=True), cands, 0.0, runner)
    margin = best.score - runner.score if runner is not None else best.score
    confidence = round(min(1.0, 0.5 + (best.score - THRESHOLD) / 20 + margin / 40), 2)
    product = ExtractedProduct(
        best.price, currency, None, title, None, SOURCE, price_high=best.high,
        variant_rule="a printed price range" if best.high is not None else None,
    )  # fmt: skip
    return VisibleResult(product, cands, confidence, runner)
