"""Variants instead of refusals: which of a product's several offer prices the page means.

The variant the URL selects (`?variant=`, `?sku=`, a path or query id equal to an offer's sku,
gtin, productID or variant id, or the offer's own URL), else the variant the page marks as
selected/default, else a price range (lowest and highest; deals are judged on the lowest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

URL_VARIANT = "the URL's variant parameter"
_ID_KEYS = ("sku", "gtin", "gtin8", "gtin12", "gtin13", "gtin14", "productID", "mpn", "@id", "id")
_SPLIT = re.compile(r"[/\-_.,;:=&?#+]")
_MIN_ID = 3  # shorter tokens ("1", "xl") match too much by accident
_MAX_TOKENS = 60


@dataclass(frozen=True, slots=True)
class OfferInfo:
    """One priced offer or variant with what identifies it, for picking the URL's variant."""

    price: Decimal
    currency: str | None
    in_stock: bool | None
    ids: frozenset[str] = frozenset()  # sku, gtin, productID, variant id … casefolded
    url: str | None = None
    selected: bool = False  # the page marks it selected/default
    tier: bool = False  # a quantity tier ("from 5 pieces"), not a variant


@dataclass(frozen=True, slots=True)
class VariantChoice:
    """The page's price: one offer (`high` None) or a range; `why` names the rule that decided."""

    price: Decimal
    high: Decimal | None
    currency: str | None
    in_stock: bool | None
    why: str


def offer_ids(node: dict[str, object]) -> frozenset[str]:
    """The identifiers a JSON-LD-shaped offer or product states, casefolded."""
    found = set()
    for key in _ID_KEYS:
        value = node.get(key)
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
            value = int(value)  # JSON ids parse as Decimal here
        if isinstance(value, int | str) and not isinstance(value, bool):
            text = str(value).strip().casefold()
            if text:
                found.add(text)
                if "/" in text or "#" in text:  # an @id URL: its last step is the id
                    found.add(_SPLIT.split(text.rstrip("/#"))[-1])
    return frozenset(found)


def url_tokens(url: str) -> tuple[frozenset[str], frozenset[str]]:
    """(query values of variant-selecting keys, every path/query token) of a page URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return frozenset(), frozenset()
    query = parse_qsl(parts.query, keep_blank_values=False)[:_MAX_TOKENS]
    chosen = {
        v.strip().casefold()
        for k, v in query
        if k.casefold() in {"variant", "sku", "variant_id", "variantid", "pid", "v", "id", "itemid"}
    }
    # Option parameters ("?size=L", "?attribute_pa_color=red") as "name=value".
    chosen |= {
        f"{k.strip().casefold().removeprefix('attribute_')}={v.strip().casefold()}"
        for k, v in query
        if not k.casefold().startswith(("utm_", "gclid", "fbclid"))
    }
    steps = [s for s in parts.path.split("/") if s][-_MAX_TOKENS:]
    tokens = {t.casefold() for s in steps for t in (s, *_SPLIT.split(s)) if len(t) >= _MIN_ID}
    tokens |= {v.strip().casefold() for _, v in query if len(v.strip()) >= _MIN_ID}
    return frozenset(chosen), frozenset(tokens)


def choose_variant(offers: Sequence[OfferInfo], url: str) -> VariantChoice:
    """The URL's variant, else the page's selected one, else the range of all offers."""
    chosen, tokens = url_tokens(url)
    page = _normal(url)
    for rule, match in (
        # An offer URL's own ?variant= identifies it like a sku does.
        (URL_VARIANT, lambda o: bool((o.ids | _url_ids(o.url)) & chosen)),
        ("the offer URL equal to the page URL", lambda o: bool(o.url and _normal(o.url) == page)),
        ("an id in the URL", lambda o: bool(o.ids & tokens)),
        ("the page's selected variant", lambda o: o.selected),
    ):
        matched = [o for o in offers if match(o)]
        if len({o.price for o in matched}) == 1:
            return VariantChoice(matched[0].price, None, _currency(matched), _stock(matched), rule)
    if all(o.tier for o in offers):
        # Quantity tiers: the first (smallest quantity) is the price of one piece.
        return VariantChoice(
            offers[0].price, None, offers[0].currency, _stock(offers), "the single-piece tier"
        )
    prices = sorted({o.price for o in offers})
    return VariantChoice(prices[0], prices[-1], _currency(offers), _stock(offers), "price range")


def _url_ids(url: str | None) -> frozenset[str]:
    return url_tokens(url)[0] if url else frozenset()


def _currency(offers: Sequence[OfferInfo]) -> str | None:
    return next((o.currency for o in offers if o.currency), None)


def _stock(offers: Sequence[OfferInfo]) -> bool | None:
    """In stock when any of them is; None when none of them says."""
    stock = [o.in_stock for o in offers if o.in_stock is not None]
    return (True in stock) if stock else None


def _normal(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{query}"
