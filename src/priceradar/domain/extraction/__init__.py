"""Pure price extraction: one HTML page in, an `ExtractedProduct` or an `ExtractionFailure` out.

Precedence: JSON-LD, then microdata, then OpenGraph/product meta tags, then the optional
`SiteRule`. The first source that yields a product wins; a source that finds several different
prices stops the search with an ambiguous failure (see `extract_product`). Rating, review count
and category are best-effort extras that never decide the outcome.

Modules: `jsonld`, `microdata`, `meta`, `rules` (one per source), `_common` (candidates, offer
rules, the ambiguity decision), `signals` (rating/count/category values), `breadcrumbs` (HTML
breadcrumb trails).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction._common import Outcome
from priceradar.domain.extraction.breadcrumbs import html_trail
from priceradar.domain.extraction.embedded import from_embedded
from priceradar.domain.extraction.jsonld import JsonLd, breadcrumb_trail, read_json_ld
from priceradar.domain.extraction.locale import page_locale
from priceradar.domain.extraction.meta import MetaMap, first, from_meta, meta_map, page_title
from priceradar.domain.extraction.microdata import from_microdata
from priceradar.domain.extraction.rules import SiteRule, from_rule
from priceradar.domain.extraction.signals import category_from_trail
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.domain.price_text import decode_html, parse_price_text, too_deeply_nested

__all__ = ["SiteRule", "extract_product", "parse_price_text"]


def extract_product(html: str | bytes, url: str, rule: SiteRule | None = None) -> Outcome:
    """Read price, currency, stock, title, image and extras from one product page. Never raises.

    Sources are tried in order JSON-LD, microdata, meta tags, `rule`; the first yielding a
    price (or an out-of-stock product without price) wins. Ambiguity rule: every Product a
    source describes counts; if they carry different prices (or currencies), or one Product
    lists plain Offers with different prices, the page is refused as ambiguous instead of
    guessed. An AggregateOffer is not ambiguous: its `lowPrice` is the price. A ProductGroup
    with its own offer is used as-is; otherwise its `hasVariant` products count individually.

    Extras come from the winning source's Products (`aggregateRating`, `category`); a missing
    category falls back to the page's JSON-LD BreadcrumbList, then to a breadcrumb trail in
    the HTML: the last crumb that is neither the product itself nor the site root.
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
    json_ld = read_json_ld(doc, url)
    reasons: list[str] = []
    for outcome in _outcomes(doc, text, url, rule, json_ld):
        if isinstance(outcome, ExtractedProduct):
            return _with_currency(_with_page_category(outcome, doc, text, url, json_ld), doc, url)
        if outcome.ambiguous:
            return outcome
        reasons.append(outcome.reason)
    return ExtractionFailure("no price: " + ", ".join(reasons))


def _outcomes(
    doc: LexborHTMLParser, text: str, url: str, rule: SiteRule | None, json_ld: JsonLd
) -> Iterator[Outcome]:
    """Each source's verdict, lazily, so later sources cost nothing once one has answered."""
    yield json_ld.outcome
    yield from_microdata(doc, url)
    meta = meta_map(doc)
    yield from_meta(doc, url, meta)
    scripts = [(dict(n.attributes), n.text(deep=True)) for n in doc.tags("script")]
    yield from_embedded(doc, scripts, url, _page_names(doc, meta))[0]
    yield from_rule(doc, text, url, rule, meta) if rule else ExtractionFailure("no site rule")


def _page_names(doc: LexborHTMLParser, meta: MetaMap) -> list[str]:
    """What the page calls its product: the first h1, og:title and <title>."""
    h1 = doc.tags("h1")
    names = [h1[0].text(deep=True, separator=" ")] if h1 else []
    return [*names, *meta.get("og:title", ())[:1], page_title(doc, meta) or ""]


def _with_currency(product: ExtractedProduct, doc: LexborHTMLParser, url: str) -> ExtractedProduct:
    """`product` with a currency from the page's locale or domain when its source named none."""
    if product.currency is not None or product.price is None:
        return product
    html = doc.tags("html")
    lang = html[0].attributes.get("lang") if html else None
    locale = page_locale(url, lang, first(meta_map(doc), "og:locale"))
    return dataclasses.replace(product, currency=locale.currency, currency_reason=locale.reason)


def _with_page_category(
    product: ExtractedProduct, doc: LexborHTMLParser, text: str, url: str, json_ld: JsonLd
) -> ExtractedProduct:
    """`product` with the page's breadcrumb category when its own source named none."""
    if product.category is not None:
        return product
    title = product.title
    for node in json_ld.breadcrumbs:
        category = category_from_trail(breadcrumb_trail(node), title, url, unescape=True)
        if category is not None:
            return dataclasses.replace(product, category=category)
    # Only a JSON-LD winner skipped the microdata pass, the one that starts lexbor's CSS engine.
    trail = html_trail(doc, text, css_started=product.source != "json-ld")
    category = category_from_trail(trail, title, url)
    return product if category is None else dataclasses.replace(product, category=category)
