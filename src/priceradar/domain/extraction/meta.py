"""OpenGraph / product meta tags (`product:price:amount`, `og:price:amount`, availability)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction._common import Candidate, Outcome, decide, fold_offer
from priceradar.domain.outcome import ExtractionFailure
from priceradar.domain.price_text import clean_title, clean_url, parse_availability

MetaMap = dict[str, list[str]]  # lower-cased property/name -> every content, in page order
_NO_META = "no price meta"


def meta_map(doc: LexborHTMLParser) -> MetaMap:
    """All `<meta property|name=... content=...>` values of the page."""
    found: MetaMap = {}
    for node in doc.tags("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name")
        content = attrs.get("content")
        if key and content is not None:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def first(meta: MetaMap, *keys: str) -> str | None:
    """The first value of the first key present."""
    return next((meta[k][0] for k in keys if meta.get(k)), None)


def page_title(doc: LexborHTMLParser, meta: MetaMap) -> str | None:
    """`og:title`, else the `<title>` text."""
    title = clean_title(first(meta, "og:title"))
    if title is None:
        nodes = doc.tags("title")
        title = clean_title(nodes[0].text(deep=True)) if nodes else None
    return title


def from_meta(doc: LexborHTMLParser, url: str, meta: MetaMap) -> Outcome:
    """The meta-tag source's verdict; several different amounts are ambiguous."""
    amounts: list[str | None] = [
        *meta.get("product:price:amount", ()),
        *meta.get("og:price:amount", ()),
    ]
    currency = first(meta, "product:price:currency", "og:price:currency")
    stock = first(meta, "product:availability", "og:availability")
    if not amounts and parse_availability(stock) is None:
        return ExtractionFailure(_NO_META)
    cand = Candidate(
        title=page_title(doc, meta),
        image=clean_url(first(meta, "og:image", "og:image:url", "og:image:secure_url"), url),
    )
    for amount in amounts[:20] or [None]:
        fold_offer({"price": amount, "priceCurrency": currency, "availability": stock}, cand)
    # Two price meta tags are two claims about one price, not variants.
    return decide([cand], "meta", _NO_META, variants=False)
