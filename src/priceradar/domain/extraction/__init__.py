"""Pure price extraction: one HTML page in, an `ExtractedProduct` or an `ExtractionFailure` out.

Precedence (the method stored per product): JSON-LD, microdata, meta tags, embedded state
(framework state and shop-platform scripts), the optional `SiteRule`, then the visible-price
scorer. The first source that yields a product wins; a source that finds several different
products' prices stops the search with an ambiguous failure (see `extract_product`). Several
prices of one product are variants (see `variants`). Rating, review count and category are
best-effort extras that never decide the outcome.

Modules: `jsonld`, `microdata`, `meta`, `embedded` (+ `state`, `platforms`,
`embedded_values`), `rules`, `visible` (+ `visible_features`): one per source; `_common`
(candidates, offer rules, the ambiguity decision), `variants`, `locale` (currency from the
page's locale and domain), `signals` and `breadcrumbs` (extras).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction._common import Outcome
from priceradar.domain.extraction.breadcrumbs import html_trail
from priceradar.domain.extraction.crosscheck import shown, shown_currency
from priceradar.domain.extraction.embedded import from_embedded
from priceradar.domain.extraction.jsonld import JsonLd, breadcrumb_trail, read_json_ld
from priceradar.domain.extraction.locale import PageLocale, page_locale
from priceradar.domain.extraction.meta import MetaMap, first, from_meta, meta_map, page_title
from priceradar.domain.extraction.microdata import from_microdata
from priceradar.domain.extraction.platforms import Scripts
from priceradar.domain.extraction.rules import SiteRule, from_rule
from priceradar.domain.extraction.signals import category_from_trail
from priceradar.domain.extraction.stock import page_stock
from priceradar.domain.extraction.variants import URL_VARIANT, url_tokens
from priceradar.domain.extraction.visible import VisibleResult, from_visible
from priceradar.domain.extraction.visible_layout import Anchors, find_anchors
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.domain.price_text import (
    clean_title,
    currency_code,
    decode_html,
    parse_price_text,
    too_deeply_nested,
)

_STRUCTURED = frozenset({"json-ld", "microdata", "meta"})

__all__ = ["Explanation", "SiteRule", "explain_product", "extract_product", "parse_price_text"]


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


@dataclass(frozen=True, slots=True)
class Explanation:
    """An extraction with its trace, for `priceradar extract --explain`."""

    outcome: Outcome
    tried: list[tuple[str, str]]  # (method, its verdict) in the order tried
    visible: VisibleResult | None  # the visible scorer's candidates when it ran


def explain_product(html: str | bytes, url: str, rule: SiteRule | None = None) -> Explanation:
    """`extract_product` with every source's verdict and the visible scorer's candidates."""
    tried: list[tuple[str, str]] = []
    visible: list[VisibleResult] = []
    try:
        outcome = _extract(html, url, rule, tried, visible)
    except Exception as exc:
        outcome = ExtractionFailure(f"extraction error: {type(exc).__name__}")
    return Explanation(outcome, tried, visible[0] if visible else None)


def _extract(
    html: str | bytes,
    url: str,
    rule: SiteRule | None,
    tried: list[tuple[str, str]] | None = None,
    visible: list[VisibleResult] | None = None,
) -> Outcome:
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text or text.isspace():
        return ExtractionFailure("empty page")
    head = text[:1024]
    if (head.count("\x00") + head.count("\ufffd")) * 10 > len(head):
        return ExtractionFailure("not an HTML page (binary content)")
    if too_deeply_nested(text):
        return ExtractionFailure("page too deeply nested to parse safely")
    page = _Page(LexborHTMLParser(text), text, url)  # the only full parse; all sources share it
    json_ld = read_json_ld(page.doc, url)
    reasons: list[str] = []
    for method, outcome in _outcomes(page, rule, json_ld, visible):
        if tried is not None:
            tried.append((method, _verdict(outcome)))
        if isinstance(outcome, ExtractedProduct):
            outcome = _url_variant(outcome, page)
            disagreement = _cross_check(outcome, page, visible)
            if disagreement is not None:
                return disagreement
            outcome = _with_page_category(outcome, page.doc, text, url, json_ld)
            return _with_stock(_with_currency(outcome, page), page)
        if outcome.ambiguous:
            return outcome
        reasons.append(outcome.reason)
    return ExtractionFailure("no price: " + ", ".join(reasons))


class _Page:
    """One parsed page and the lookups several sources share, each computed once on demand."""

    def __init__(self, doc: LexborHTMLParser, text: str, url: str) -> None:
        self.doc, self.text, self.url = doc, text, url
        self._meta: MetaMap | None = None
        self._scripts: Scripts | None = None
        self._anchors: Anchors | None = None

    @property
    def meta(self) -> MetaMap:
        if self._meta is None:
            self._meta = meta_map(self.doc)
        return self._meta

    @property
    def scripts(self) -> Scripts:
        if self._scripts is None:
            self._scripts = [
                (dict(n.attributes), n.text(deep=True)) for n in self.doc.tags("script")
            ]
        return self._scripts

    def names(self) -> list[str]:
        """What the page calls its product: the first h1, og:title and <title>."""
        h1 = self.doc.tags("h1")
        names = [h1[0].text(deep=True, separator=" ")] if h1 else []
        return [*names, *self.meta.get("og:title", ())[:1], page_title(self.doc, self.meta) or ""]

    def anchors(self) -> Anchors | None:
        """The product block's landmarks (h1, buy button), found once for all who need them."""
        if self._anchors is None and self.doc.body is not None:
            self._anchors = find_anchors(self.doc.body)
        return self._anchors

    def locale(self) -> PageLocale:
        html = self.doc.tags("html")
        lang = html[0].attributes.get("lang") if html else None
        return page_locale(self.url, lang, first(self.meta, "og:locale"))


def _outcomes(
    page: _Page, rule: SiteRule | None, json_ld: JsonLd, visible: list[VisibleResult] | None
) -> Iterator[tuple[str, Outcome]]:
    """Each source's verdict, lazily, so later sources cost nothing once one has answered."""
    doc, url = page.doc, page.url
    yield "json-ld", json_ld.outcome
    yield "microdata", from_microdata(doc, url)
    yield "meta", from_meta(doc, url, page.meta)
    yield "embedded-state", from_embedded(doc, page.scripts, url, page.names(), page.text)[0]
    if rule is not None:
        yield "rule", from_rule(doc, page.text, url, rule, page.meta)
    else:
        yield "rule", ExtractionFailure("no site rule")
    locale = page.locale()
    title = next((clean_title(n) for n in page.names() if clean_title(n)), None)
    hint = currency_code(first(page.meta, "product:price:currency", "og:price:currency"))
    result = from_visible(doc, hint or locale.currency, title, page.anchors())
    if visible is not None:
        visible.append(result)
    yield "visible", result.outcome


def _verdict(outcome: Outcome) -> str:
    if isinstance(outcome, ExtractionFailure):
        return outcome.reason
    return f"{outcome.price} {outcome.currency or ''}".strip()


def _url_variant(product: ExtractedProduct, page: _Page) -> ExtractedProduct:
    """A price the URL's `?variant=` selects in the shop's own state beats a default price."""
    if product.variant_rule is not None and product.price_high is None:
        return product
    chosen, _ = url_tokens(page.url)
    if not chosen:
        return product
    state, _ = from_embedded(page.doc, page.scripts, page.url, page.names(), page.text)
    if not isinstance(state, ExtractedProduct) or state.variant_rule != URL_VARIANT:
        return product
    return dataclasses.replace(
        product,
        price=state.price,
        price_high=None,
        currency=state.currency or product.currency,
        in_stock=state.in_stock if state.in_stock is not None else product.in_stock,
        source=state.source,
        variant_rule=state.variant_rule,
    )


def _cross_check(
    product: ExtractedProduct, page: _Page, visible: list[VisibleResult] | None
) -> ExtractionFailure | None:
    """A refusal when structured data states a price the page does not show and the visible
    scorer confidently reads a different one (see `crosscheck`); else None."""
    if (
        product.source not in _STRUCTURED
        or product.price is None
        or product.variant_rule is not None  # a URL-chosen variant may not be the one shown
        or shown(product.price, page.text)
    ):
        return None
    hint = product.currency or page.locale().currency
    seen = from_visible(page.doc, hint, product.title, page.anchors())
    if visible is not None:
        visible.append(seen)
    found = seen.outcome
    if not isinstance(found, ExtractedProduct) or found.price == product.price:
        return None
    return ExtractionFailure(
        f"ambiguous: {product.source} states {product.price} but the page shows {found.price}",
        ambiguous=True,
    )


def _with_stock(product: ExtractedProduct, page: _Page) -> ExtractedProduct:
    """`product` with the visible page's stock when its source did not say."""
    if product.in_stock is not None:
        return product
    stock = page_stock(page.doc, page.anchors())
    return product if stock is None else dataclasses.replace(product, in_stock=stock)


def _with_currency(product: ExtractedProduct, page: _Page) -> ExtractedProduct:
    """`product` with a currency from the page's locale or domain when its source named none."""
    if product.currency is not None or product.price is None:
        return product
    locale = page.locale()
    printed = shown_currency(product.price, page.text, locale.currency)
    if printed is not None:
        why = f"printed next to the price: {printed}"
        return dataclasses.replace(product, currency=printed, currency_reason=why)
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
