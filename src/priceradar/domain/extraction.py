"""Pure price extraction: one HTML page in, an `ExtractedProduct` or an `ExtractionFailure` out.

Precedence: JSON-LD, then microdata, then OpenGraph/product meta tags, then the optional
`SiteRule`. The first source that yields a product wins; a source that finds several different
prices stops the search with an ambiguous failure (see `extract_product`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.domain.price_text import (
    clean_title,
    clean_url,
    currency_code,
    decode_html,
    parse_availability,
    parse_price_text,
    parse_price_value,
    too_deeply_nested,
)

__all__ = ["SiteRule", "extract_product", "parse_price_text"]

Outcome = ExtractedProduct | ExtractionFailure

_PRODUCT_TYPES = frozenset(
    {"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle"}
)
_OOS_PATTERN = r"(?i)out of stock|sold out|tükendi|stokta yok|nicht verfügbar|épuisé"
_URL_ATTRS = ("content", "src", "data-src", "href")
_MAX_DEPTH = 12  # JSON-LD nesting we follow; real pages need 3-4
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_JSON = json.JSONDecoder(
    parse_float=Decimal, parse_int=Decimal, parse_constant=lambda _: None, strict=False
)


@dataclass(frozen=True, slots=True)
class SiteRule:
    """Per-domain fallback selectors for sites without structured data.

    A selector is CSS by default, or XPath when prefixed 'xpath:'.
    """

    price: str
    title: str | None = None
    currency: str | None = None  # fixed ISO code to assume when the price text has no symbol
    availability: str | None = None  # selector whose text/content tells stock
    out_of_stock_pattern: str = _OOS_PATTERN
    image: str | None = None


@dataclass(slots=True)
class _Candidate:
    """One product as a source describes it, before the page-level decision."""

    price: Decimal | None = None
    currency: str | None = None
    in_stock: bool | None = None
    title: str | None = None
    image: str | None = None
    offer_prices: set[Decimal] = field(default_factory=set)  # >1 entry: ambiguous offers
    rejected: str | None = None  # a price value we saw but could not use, for the reason text


def extract_product(html: str | bytes, url: str, rule: SiteRule | None = None) -> Outcome:
    """Read price, currency, stock, title and image from one product page. Never raises.

    Sources are tried in order JSON-LD, microdata, meta tags, `rule`; the first yielding a
    price (or an out-of-stock product without price) wins. Ambiguity rule: every Product a
    source describes counts; if they carry different prices (or currencies), or one Product
    lists plain Offers with different prices, the page is refused as ambiguous instead of
    guessed. An AggregateOffer is not ambiguous: its `lowPrice` is the price. A ProductGroup
    with its own offer is used as-is; otherwise its `hasVariant` products count individually.
    """
    try:
        return _extract(html, url, rule)
    except Exception as exc:  # last line of defence: one odd page must not kill a worker
        return ExtractionFailure(f"extraction error: {type(exc).__name__}")


def _extract(html: str | bytes, url: str, rule: SiteRule | None) -> Outcome:
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text or text.isspace():
        return ExtractionFailure("empty page")
    head = text[:1024]
    if (head.count("\x00") + head.count("\ufffd")) * 10 > len(head):
        return ExtractionFailure("not an HTML page (binary content)")
    if too_deeply_nested(text):
        return ExtractionFailure("page too deeply nested to parse safely")
    doc = LexborHTMLParser(text)  # the only full parse; every extractor shares it
    reasons: list[str] = []
    for outcome in _outcomes(doc, text, url, rule):
        if isinstance(outcome, ExtractedProduct) or outcome.ambiguous:
            return outcome
        reasons.append(outcome.reason)
    return ExtractionFailure("no price: " + ", ".join(reasons))


def _outcomes(
    doc: LexborHTMLParser, text: str, url: str, rule: SiteRule | None
) -> Iterator[Outcome]:
    """Each source's verdict, lazily, so later sources cost nothing once one has answered."""
    yield _from_json_ld(doc, url)
    yield _from_microdata(doc, url)
    meta = _meta_map(doc)
    yield _from_meta(doc, url, meta)
    yield _from_rule(doc, text, url, rule, meta) if rule else ExtractionFailure("no site rule")


def _decide(candidates: list[_Candidate], source: str, missing: str) -> Outcome:
    """Turn one source's products into a page outcome, applying the ambiguity rule."""
    if not candidates:
        return ExtractionFailure(missing)
    split = next((c for c in candidates if len(c.offer_prices) > 1), None)
    if split is not None:
        return _ambiguous(f"prices in one {source} product's offers", split.offer_prices)
    priced = [c for c in candidates if c.price is not None]
    if priced:
        prices = {c.price for c in priced if c.price is not None}
        currencies = {c.currency for c in priced if c.currency}
        if len(prices) > 1 or len(currencies) > 1:
            kind = "prices" if len(prices) > 1 else "currencies"
            return _ambiguous(f"{kind} across {source} products", prices)
        return _product(priced, source, priced[0].price, next(iter(currencies), None))
    if any(c.in_stock is False for c in candidates) and not any(c.in_stock for c in candidates):
        return _product([c for c in candidates if c.in_stock is False], source, None, None)
    rejected = next((c.rejected for c in candidates if c.rejected), None)
    if rejected is not None:
        return ExtractionFailure(f"{source} price unusable ({rejected!r})")
    return ExtractionFailure(f"{source} product without price")


def _ambiguous(where: str, prices: set[Decimal]) -> ExtractionFailure:
    shown = ", ".join(str(p) for p in sorted(prices)[:5])
    return ExtractionFailure(f"ambiguous: several different {where} ({shown})", ambiguous=True)


def _product(
    cands: list[_Candidate], source: str, price: Decimal | None, currency: str | None
) -> ExtractedProduct:
    stock = [c.in_stock for c in cands if c.in_stock is not None]
    return ExtractedProduct(
        price=price,
        currency=currency or next((c.currency for c in cands if c.currency), None),
        in_stock=(True in stock) if stock else None,
        title=next((c.title for c in cands if c.title), None),
        image_url=next((c.image for c in cands if c.image), None),
        source=source,
    )


# --- JSON-LD ---------------------------------------------------------------------------------


def _from_json_ld(doc: LexborHTMLParser, url: str) -> Outcome:
    candidates: list[_Candidate] = []
    invalid = 0
    # tags() walks the tree without lexbor's CSS engine, whose first use costs ~70 µs per page.
    for script in doc.tags("script"):
        if "ld+json" not in (script.attributes.get("type") or "").lower():
            continue
        values = _load_json(script.text(deep=True))
        if values is None:
            invalid += 1
            continue
        for node in _ld_products(values, 0):
            candidates.extend(_ld_candidates(node, url, None))
    missing = "no JSON-LD Product"
    if invalid:
        missing += f" ({invalid} invalid JSON-LD block{'s' if invalid > 1 else ''} skipped)"
    return _decide(candidates, "json-ld", missing)


def _load_json(raw: str) -> list[Any] | None:
    """All JSON values in a script body; None when not even the first one parses."""
    for _ in range(2):  # "<!--" and "<![CDATA[" may be nested in either order
        raw = _WRAPPERS.sub("", raw)
    values: list[Any] = []
    pos, end = 0, len(raw)
    while pos < end:
        while pos < end and raw[pos] in " \t\r\n;,":
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = _JSON.raw_decode(raw, pos)
        except (ValueError, RecursionError):
            return values or None
        values.append(value)
    return values or None


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", n)[-1] for n in names if isinstance(n, str)}


def _ld_products(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Product nodes at the top level, in lists, in `@graph` and under `mainEntity`."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _ld_products(item, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _ld_products(data["@graph"], depth + 1)
        if _types(data) & _PRODUCT_TYPES:
            yield data
        elif isinstance(data.get("mainEntity"), dict | list):
            yield from _ld_products(data["mainEntity"], depth + 1)


def _ld_candidates(node: dict[str, Any], url: str, parent: _Candidate | None) -> list[_Candidate]:
    cand = _Candidate(
        title=clean_title(node.get("name"), unescape=True) or (parent.title if parent else None),
        image=clean_url(node.get("image"), url) or (parent.image if parent else None),
    )
    offers = node.get("offers")
    offer_list = offers if isinstance(offers, list) else [offers]
    for offer in offer_list[:200]:
        if isinstance(offer, dict):
            _ld_offer(offer, cand, 0)
    variants = node.get("hasVariant")
    if cand.price is None and "ProductGroup" in _types(node) and isinstance(variants, list | dict):
        found = [c for v in _as_list(variants) for c in _ld_candidates(v, url, cand)]
        return found or [cand]
    return [cand]


def _as_list(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items[:200] if isinstance(v, dict)]


def _ld_offer(offer: dict[str, Any], cand: _Candidate, depth: int) -> None:
    """Fold one Offer/AggregateOffer into `cand` (price, currency, stock, offer_prices)."""
    hint = currency_code(_str(offer.get("priceCurrency")))
    aggregate = "AggregateOffer" in _types(offer)
    raw = offer.get("lowPrice") if aggregate else None
    if raw is None:
        raw = offer.get("price")
    for spec in _as_list(offer.get("priceSpecification")) if raw is None else []:
        raw, hint = spec.get("price"), hint or currency_code(_str(spec.get("priceCurrency")))
        if raw is not None:
            break
    parsed = parse_price_value(raw, hint) if raw is not None else None
    if parsed is None and aggregate and depth < 2:
        # An AggregateOffer without lowPrice still means "the lowest of these offers".
        inner = _Candidate()
        for sub in _as_list(offer.get("offers")):
            _ld_offer(sub, inner, depth + 1)
        if inner.offer_prices:
            parsed = (min(inner.offer_prices), inner.currency or hint)
    stock = parse_availability(offer.get("availability"))
    if parsed is None:
        if raw is not None and cand.rejected is None:
            cand.rejected = str(raw)[:40]
        if cand.price is None and stock is not None:
            cand.in_stock = bool(cand.in_stock) or stock
        return
    price, currency = parsed
    cand.offer_prices.add(price)
    if cand.price is None:
        cand.price, cand.currency = price, currency
        cand.in_stock = stock
    elif stock is not None:
        cand.in_stock = bool(cand.in_stock) or stock


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- microdata -------------------------------------------------------------------------------

# Which attribute carries an itemprop's value, by tag (HTML microdata spec); else the text.
_MD_ATTR = {
    "a": "href", "area": "href", "link": "href", "img": "src", "audio": "src", "video": "src",
    "source": "src", "iframe": "src", "embed": "src", "object": "data", "data": "value",
    "meter": "value", "time": "datetime",
}  # fmt: skip


def _from_microdata(doc: LexborHTMLParser, url: str) -> Outcome:
    scopes = {
        n.mem_id: n for n in doc.css("[itemscope][itemtype]") if _md_types(n) & _PRODUCT_TYPES
    }
    candidates = [
        _md_candidate(node, url) for node in scopes.values() if not _md_nested(node, scopes)
    ]
    return _decide(candidates, "microdata", "no microdata Product")


def _md_types(node: LexborNode) -> set[str]:
    return {re.split(r"[/#]", t)[-1] for t in (node.attributes.get("itemtype") or "").split()}


def _md_owner(node: LexborNode) -> LexborNode | None:
    """The item an itemprop belongs to: the nearest ancestor carrying `itemscope`."""
    parent = node.parent
    while parent is not None and "itemscope" not in parent.attributes:
        parent = parent.parent
    return parent


def _md_nested(node: LexborNode, scopes: dict[int, LexborNode]) -> bool:
    """A Product inside another Product (accessory, related item) is not the page's product."""
    parent = _md_owner(node)
    while parent is not None:
        if parent.mem_id in scopes and "ProductGroup" not in _md_types(parent):
            return True
        parent = _md_owner(parent)
    return False


def _md_candidate(scope: LexborNode, url: str) -> _Candidate:
    own: dict[str, LexborNode] = {}
    route = {scope.mem_id: own}  # item scope -> the property dict its itemprops fill
    offers: list[tuple[dict[str, LexborNode], bool]] = []
    for node in scope.css("[itemprop]"):
        owner = _md_owner(node)
        target = route.get(owner.mem_id) if owner is not None else None
        if target is None:
            continue  # property of some other nested item (review, brand, related product)
        names = (node.attributes.get("itemprop") or "").split()
        if "itemscope" in node.attributes:
            if target is own and "offers" in names:
                route[node.mem_id] = {}
                offers.append((route[node.mem_id], "AggregateOffer" in _md_types(node)))
            elif target is not own and "priceSpecification" in names:
                route[node.mem_id] = target  # fold the specification into its offer
            continue
        for name in names:
            target.setdefault(name, node)
    cand = _Candidate(
        title=clean_title(_md_value(own.get("name"), text=True)),
        image=clean_url(_md_value(own.get("image")), url),
    )
    if not offers and ("price" in own or "availability" in own):
        offers.append((own, False))  # price put directly on the Product: common, if invalid
    for props, aggregate in offers:
        _ld_offer(_md_offer(props, aggregate), cand, 0)
    return cand


def _md_value(node: LexborNode | None, *, text: bool = False) -> str | None:
    """An itemprop's value; `text` prefers the visible text (`<a itemprop=name>` misuse)."""
    if node is None:
        return None
    attrs = node.attributes
    if attrs.get("content") is not None:
        return attrs["content"]
    attr = None if text else _MD_ATTR.get(node.tag or "")
    return attrs.get(attr) if attr else node.text(deep=True, separator=" ")


def _md_offer(props: dict[str, LexborNode], aggregate: bool) -> dict[str, Any]:
    """A microdata offer as a JSON-LD-shaped dict, so one code path applies the offer rules."""
    currency = _md_value(props.get("priceCurrency"))
    offer: dict[str, Any] = {
        "@type": "AggregateOffer" if aggregate else "Offer",
        "priceCurrency": currency,
        "availability": _md_value(props.get("availability")),
    }
    for key in ("lowPrice", "price"):
        node = props.get(key)
        if node is None:
            continue
        content = node.attributes.get("content")
        if content is not None:
            offer[key] = content  # machine-readable: schema.org number format
            continue
        text = node.text(deep=True, separator="")
        parsed = parse_price_text(text, currency)
        offer[key] = parsed[0] if parsed else text
        if parsed and parsed[1]:
            offer["priceCurrency"] = parsed[1]
    return offer


# --- OpenGraph / product meta ----------------------------------------------------------------


def _meta_map(doc: LexborHTMLParser) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in doc.tags("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name")
        content = attrs.get("content")
        if key and content is not None:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    return next((meta[k][0] for k in keys if meta.get(k)), None)


def _page_title(doc: LexborHTMLParser, meta: dict[str, list[str]]) -> str | None:
    title = clean_title(_first(meta, "og:title"))
    if title is None:
        nodes = doc.tags("title")
        title = clean_title(nodes[0].text(deep=True)) if nodes else None
    return title


def _from_meta(doc: LexborHTMLParser, url: str, meta: dict[str, list[str]]) -> Outcome:
    amounts: list[str | None] = [
        *meta.get("product:price:amount", ()),
        *meta.get("og:price:amount", ()),
    ]
    currency = _first(meta, "product:price:currency", "og:price:currency")
    stock = _first(meta, "product:availability", "og:availability")
    if not amounts and parse_availability(stock) is None:
        return ExtractionFailure("no price meta")
    cand = _Candidate(
        title=_page_title(doc, meta),
        image=clean_url(_first(meta, "og:image", "og:image:url", "og:image:secure_url"), url),
    )
    for amount in amounts[:20] or [None]:
        _ld_offer({"price": amount, "priceCurrency": currency, "availability": stock}, cand, 0)
    return _decide([cand], "opengraph", "no price meta")


# --- site rule -------------------------------------------------------------------------------


def _from_rule(
    doc: LexborHTMLParser, text: str, url: str, rule: SiteRule, meta: dict[str, list[str]]
) -> Outcome:
    trees: list[Any] = []  # the lxml tree, built on the first XPath selector only

    def select(selector: str | None, kind: str) -> str | None:
        if not selector:
            return None
        if selector.startswith("xpath:"):
            if not trees:
                trees.append(_lxml_tree(text))
            return _xpath_value(trees[0], selector[len("xpath:") :], kind)
        node = doc.css_first(selector)
        return _css_value(node, kind) if node is not None else None

    try:
        pattern = re.compile(rule.out_of_stock_pattern)
        price_raw = select(rule.price, "price")
        stock_raw = select(rule.availability, "text")
        title = clean_title(select(rule.title, "text"))
        image = clean_url(select(rule.image, "url"), url)
    except Exception as exc:  # selector syntax errors surface from re, lexbor and lxml alike
        return ExtractionFailure(f"site rule error: {type(exc).__name__}: {str(exc)[:80]}")
    if price_raw is None and stock_raw is None:
        return ExtractionFailure("site rule matched nothing")
    in_stock = None
    if stock_raw is not None and stock_raw.strip():
        in_stock = parse_availability(stock_raw)
        if in_stock is None:
            in_stock = not pattern.search(stock_raw)
    parsed = parse_price_text(price_raw, rule.currency) if price_raw else None
    if parsed is None and price_raw and in_stock is None and pattern.search(price_raw):
        in_stock = False  # the price slot itself says "sold out"
    cand = _Candidate(
        price=parsed[0] if parsed else None,
        currency=parsed[1] if parsed else currency_code(rule.currency),
        in_stock=in_stock,
        title=title or _page_title(doc, meta),
        image=image or clean_url(_first(meta, "og:image"), url),
        rejected=" ".join(price_raw.split())[:40] if price_raw and not parsed else None,
    )
    return _decide([cand], "rule", "site rule matched nothing")


def _css_value(node: LexborNode, kind: str) -> str | None:
    attrs = node.attributes
    if kind == "url":
        return next((attrs[k] for k in _URL_ATTRS if attrs.get(k)), None)
    if attrs.get("content") is not None:
        return attrs["content"]
    return node.text(deep=True, separator="" if kind == "price" else " ")


def _lxml_tree(text: str) -> Any:
    import lxml.html  # lazy: only sites configured with XPath rules pay for lxml

    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)


def _xpath_value(tree: Any, expr: str, kind: str) -> str | None:
    result = tree.xpath(expr)
    item = (result[0] if result else None) if isinstance(result, list) else result
    if item is None or isinstance(item, bool):
        return None
    if isinstance(item, str | int | float):
        return str(item)
    if kind == "url":
        return next((item.get(k) for k in _URL_ATTRS if item.get(k)), None)
    content = item.get("content")
    return str(content) if content is not None else str(item.text_content())
