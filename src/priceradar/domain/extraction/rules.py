"""Per-domain `SiteRule`s: CSS or XPath selectors for shops without structured data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction._common import Candidate, Outcome, decide
from priceradar.domain.extraction.meta import MetaMap, first, page_title
from priceradar.domain.extraction.stock import OUT_OF_STOCK_WORDS
from priceradar.domain.outcome import ExtractionFailure
from priceradar.domain.price_text import (
    clean_title,
    clean_url,
    currency_code,
    parse_availability,
    parse_price_text,
)

_OOS_PATTERN = "(?i)" + OUT_OF_STOCK_WORDS  # the words the visible stock reader knows
_URL_ATTRS = ("content", "src", "data-src", "href")


@dataclass(frozen=True, slots=True)
class SiteRule:
    """Per-domain fallback selectors for sites without structured data.

    A selector is CSS by default, or XPath when prefixed 'xpath:'. `render` sends every page
    of the domain to the browser (`browser_fetch` queue); such a rule may name no selector.
    """

    price: str | None = None
    title: str | None = None
    currency: str | None = None  # fixed ISO code to assume when the price text has no symbol
    availability: str | None = None  # selector whose text/content tells stock
    out_of_stock_pattern: str = _OOS_PATTERN
    image: str | None = None
    render: bool = False


def from_rule(doc: LexborHTMLParser, text: str, url: str, rule: SiteRule, meta: MetaMap) -> Outcome:
    """The site rule's verdict; title and image fall back to the page's meta tags."""
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
    cand = Candidate(
        price=parsed[0] if parsed else None,
        currency=parsed[1] if parsed else currency_code(rule.currency),
        in_stock=in_stock,
        title=title or page_title(doc, meta),
        image=image or clean_url(first(meta, "og:image"), url),
        rejected=" ".join(price_raw.split())[:40] if price_raw and not parsed else None,
    )
    return decide([cand], "rule", "site rule matched nothing")


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
