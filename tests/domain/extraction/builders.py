"""Page builders and outcome assertions shared by the extraction tests (plain functions)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure

URL = "https://shop.example/p/42"
IN_STOCK = "https://schema.org/InStock"
NO_PRICE = (
    "no price: no JSON-LD Product, no microdata Product, no price meta, no embedded state, "
    "no site rule, visible: no price-like text"
)


def page(head: str = "", body: str = "") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    )


def ld(*objects: Any) -> str:
    """JSON-LD script blocks; a str is inserted verbatim (for invalid or hand-written JSON)."""
    return "".join(
        f'<script type="application/ld+json">{o if isinstance(o, str) else json.dumps(o)}</script>'
        for o in objects
    )


def offer(price: Any = "1299.99", currency: str | None = "TRY", **extra: Any) -> dict[str, Any]:
    return {"@type": "Offer", "price": price, "priceCurrency": currency, **extra}


def product(offers: Any = None, name: str = "Espresso Machine", **extra: Any) -> dict[str, Any]:
    node = {"@context": "https://schema.org", "@type": "Product", "name": name, **extra}
    if offers is not None:
        node["offers"] = offers
    return node


def ok(html: str | bytes, rule: SiteRule | None = None) -> ExtractedProduct:
    result = extract_product(html, URL, rule)
    assert isinstance(result, ExtractedProduct), result
    assert result.price is None or isinstance(result.price, Decimal)
    return result


def fail(html: str | bytes, rule: SiteRule | None = None) -> ExtractionFailure:
    result = extract_product(html, URL, rule)
    assert isinstance(result, ExtractionFailure), result
    return result


def md_product(inner: str, itemtype: str = "https://schema.org/Product") -> str:
    return f'<div itemscope itemtype="{itemtype}">{inner}</div>'


def md_offer(inner: str, itemtype: str = "https://schema.org/Offer") -> str:
    return f'<div itemprop="offers" itemscope itemtype="{itemtype}">{inner}</div>'


def meta(prop: str, content: str, attr: str = "property") -> str:
    return f'<meta {attr}="{prop}" content="{content}">'
