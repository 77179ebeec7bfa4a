"""Microdata: `itemscope` Products with their offers, aggregateRating and category.

Offers are reshaped into JSON-LD-like dicts so `fold_offer` applies the same offer rules.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction._common import (
    PRODUCT_TYPES,
    Candidate,
    Outcome,
    decide,
    fold_offer,
)
from priceradar.domain.extraction.signals import clean_category, rating_signals
from priceradar.domain.price_text import clean_title, clean_url, parse_price_text

# Which attribute carries an itemprop's value, by tag (HTML microdata spec); else the text.
_MD_ATTR = {
    "a": "href", "area": "href", "link": "href", "img": "src", "audio": "src", "video": "src",
    "source": "src", "iframe": "src", "embed": "src", "object": "data", "data": "value",
    "meter": "value", "time": "datetime",
}  # fmt: skip
_TYPE_PREFIX = re.compile(r"[/#]")
_RATING_PROPS = ("ratingValue", "bestRating", "worstRating", "reviewCount", "ratingCount")


def from_microdata(doc: LexborHTMLParser, url: str) -> Outcome:
    """The microdata source's verdict: every top-level Product item on the page counts."""
    scopes = {n.mem_id: n for n in doc.css("[itemscope][itemtype]") if _types(n) & PRODUCT_TYPES}
    candidates = [_candidate(node, url) for node in scopes.values() if not _nested(node, scopes)]
    return decide(candidates, "microdata", "no microdata Product", url)


def _types(node: LexborNode) -> set[str]:
    return {_TYPE_PREFIX.split(t)[-1] for t in (node.attributes.get("itemtype") or "").split()}


def _owner(node: LexborNode) -> LexborNode | None:
    """The item an itemprop belongs to: the nearest ancestor carrying `itemscope`."""
    parent = node.parent
    while parent is not None and "itemscope" not in parent.attributes:
        parent = parent.parent
    return parent


def _nested(node: LexborNode, scopes: dict[int, LexborNode]) -> bool:
    """A Product inside another Product (accessory, related item) is not the page's product."""
    parent = _owner(node)
    while parent is not None:
        if parent.mem_id in scopes and "ProductGroup" not in _types(parent):
            return True
        parent = _owner(parent)
    return False


def _candidate(scope: LexborNode, url: str) -> Candidate:
    own: dict[str, LexborNode] = {}
    rating: dict[str, LexborNode] = {}
    route = {scope.mem_id: own}  # item scope -> the property dict its itemprops fill
    offers: list[tuple[dict[str, LexborNode], bool]] = []
    for node in scope.css("[itemprop]"):
        owner = _owner(node)
        target = route.get(owner.mem_id) if owner is not None else None
        if target is None:
            continue  # property of some other nested item (review, brand, related product)
        names = (node.attributes.get("itemprop") or "").split()
        if "itemscope" in node.attributes:
            if target is own and "offers" in names:
                route[node.mem_id] = {}
                offers.append((route[node.mem_id], "AggregateOffer" in _types(node)))
                if node.tag == "tr":  # offers as rows of one table: a quantity-price table
                    route[node.mem_id].setdefault("eligibleQuantity", node)
            elif target is own and "aggregateRating" in names:
                route[node.mem_id] = rating
            elif target is not own and target is not rating and "priceSpecification" in names:
                route[node.mem_id] = target  # fold the specification into its offer
            continue
        for name in names:
            target.setdefault(name, node)
    stars, reviews = rating_signals(
        {k: _value(rating.get(k)) for k in _RATING_PROPS if k in rating}
    )
    cand = Candidate(
        title=clean_title(_value(own.get("name"), text=True)),
        image=clean_url(_value(own.get("image")), url),
        rating=stars,
        review_count=reviews,
        category=clean_category(_value(own.get("category"), text=True)),
    )
    if not offers and ("price" in own or "availability" in own):
        offers.append((own, False))  # price put directly on the Product: common, if invalid
    for props, aggregate in offers:
        fold_offer(_offer(props, aggregate), cand)
    return cand


def _value(node: LexborNode | None, *, text: bool = False) -> str | None:
    """An itemprop's value; `text` prefers the visible text (`<a itemprop=name>` misuse)."""
    if node is None:
        return None
    attrs = node.attributes
    if attrs.get("content") is not None:
        return attrs["content"]
    attr = None if text else _MD_ATTR.get(node.tag or "")
    return attrs.get(attr) if attr else node.text(deep=True, separator=" ")


def _offer(props: dict[str, LexborNode], aggregate: bool) -> dict[str, Any]:
    """A microdata offer as a JSON-LD-shaped dict, so one code path applies the offer rules."""
    currency = _value(props.get("priceCurrency"))
    offer: dict[str, Any] = {
        "@type": "AggregateOffer" if aggregate else "Offer",
        "priceCurrency": currency,
        "availability": _value(props.get("availability")),
    }
    if "eligibleQuantity" in props:
        offer["eligibleQuantity"] = True
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
