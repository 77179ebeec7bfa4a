"""What every source shares: the per-product candidate, the offer rules and the page decision.

Sources (JSON-LD, microdata, meta tags, site rules) turn what they find into `Candidate`s;
microdata and meta offers are first reshaped into JSON-LD-like dicts so that one function,
`fold_offer`, applies the offer rules to all of them; `decide` then applies the ambiguity rule.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from priceradar.domain.extraction.variants import OfferInfo, choose_variant, offer_ids
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.domain.price_text import currency_code, parse_availability, parse_price_value

Outcome = ExtractedProduct | ExtractionFailure

PRODUCT_TYPES = frozenset(
    {"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle"}
)
_TYPE_PREFIX = re.compile(r"[/:#]")
MAX_ITEMS = 200  # offers/variants we read per product; real pages list < 50


@dataclass(slots=True)
class Candidate:
    """One product as a source describes it, before the page-level decision."""

    price: Decimal | None = None
    currency: str | None = None
    in_stock: bool | None = None
    title: str | None = None
    image: str | None = None
    offer_prices: set[Decimal] = field(default_factory=set)  # >1 entry: ambiguous offers
    rejected: str | None = None  # a price value we saw but could not use, for the reason text
    rating: float | None = None  # best-effort extras: never part of the ambiguity rule
    review_count: int | None = None
    category: str | None = None
    offers: list[OfferInfo] = field(default_factory=list)
    group: int | None = None  # variants of one ProductGroup share this id
    ids: frozenset[str] = frozenset()  # the product's own sku/gtin/productID, casefolded


def decide(
    candidates: list[Candidate], source: str, missing: str, url: str = "", *, variants: bool = True
) -> Outcome:
    """Turn one source's products into a page outcome, applying the variant and ambiguity rules.

    Several prices inside one product (its offers, or a ProductGroup's variants) are variants:
    the URL's variant wins, else the page's selected one, else a price range. Several
    different products stay ambiguous (a listing page, or related items described in full).
    """
    if not candidates:
        return ExtractionFailure(missing)
    candidates = merge_variants(candidates)
    split = next((c for c in candidates if len(c.offer_prices) > 1), None)
    if split is not None:
        listing = any(c is not split and c.price is not None for c in candidates)
        if not variants or listing:
            return _ambiguous(f"prices in one {source} product's offers", split.offer_prices)
        return resolve_variants(split, source, url)
    priced = [c for c in candidates if c.price is not None]
    if priced:
        prices = {c.price for c in priced if c.price is not None}
        currencies = {c.currency for c in priced if c.currency}
        if len(prices) > 1 or len(currencies) > 1:
            kind = "prices" if len(prices) > 1 else "currencies"
            return _ambiguous(f"{kind} across {source} products", prices)
        unpriced = [c for c in candidates if c.price is None]
        return _product(priced, unpriced, source, priced[0].price, next(iter(currencies), None))
    if any(c.in_stock is False for c in candidates) and not any(c.in_stock for c in candidates):
        sold_out = [c for c in candidates if c.in_stock is False]
        others = [c for c in candidates if c.in_stock is not False]
        return _product(sold_out, others, source, None, None)
    rejected = next((c.rejected for c in candidates if c.rejected), None)
    if rejected is not None:
        return ExtractionFailure(f"{source} price unusable ({rejected!r})")
    return ExtractionFailure(f"{source} product without price")


def merge_variants(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per ProductGroup: its variants become the offers of one product."""
    if all(c.group is None for c in candidates):
        return candidates
    merged: list[Candidate] = []
    groups: dict[int, Candidate] = {}
    for cand in candidates:
        if cand.group is None:
            merged.append(cand)
            continue
        into = groups.get(cand.group)
        if into is None:
            groups[cand.group] = cand
            merged.append(cand)
            continue
        into.offer_prices |= cand.offer_prices
        into.offers.extend(cand.offers)
        if into.price is None or (cand.price is not None and cand.price < into.price):
            into.price, into.currency = cand.price, cand.currency or into.currency
        if cand.in_stock:
            into.in_stock = True
    return merged


def resolve_variants(cand: Candidate, source: str, url: str) -> Outcome:
    """One product with several offer prices: the URL's or selected variant, else the range."""
    currencies = {o.currency for o in cand.offers if o.currency}
    if len(currencies) > 1 or not cand.offers:
        return _ambiguous(f"prices in one {source} product's offers", cand.offer_prices)
    choice = choose_variant(cand.offers, url)
    product = _product(
        [cand],
        [],
        source,
        choice.price,
        choice.currency or cand.currency,
        choice.high,
        choice.in_stock,
    )
    return dataclasses.replace(product, variant_rule=choice.why)


def _ambiguous(where: str, prices: set[Decimal]) -> ExtractionFailure:
    shown = ", ".join(str(p) for p in sorted(prices)[:5])
    return ExtractionFailure(f"ambiguous: several different {where} ({shown})", ambiguous=True)


def _product(
    chosen: list[Candidate],
    others: list[Candidate],
    source: str,
    price: Decimal | None,
    currency: str | None,
    price_high: Decimal | None = None,
    in_stock: bool | None = None,
) -> ExtractedProduct:
    stock = [c.in_stock for c in chosen if c.in_stock is not None]
    title = next((c.title for c in chosen if c.title), None)
    # Extras may sit on a price-less Product of the same source: review widgets often add a
    # second JSON-LD Product with only name and aggregateRating. Borrow from it only when it
    # names the same product, so a related item's rating never lands on this one.
    ranked = chosen + [c for c in others if _same_product(c.title, title)] if others else chosen
    rated = next((c for c in ranked if c.rating is not None or c.review_count is not None), None)
    return ExtractedProduct(
        price=price,
        currency=currency or next((c.currency for c in chosen if c.currency), None),
        in_stock=in_stock if in_stock is not None else (True in stock) if stock else None,
        title=title,
        image_url=next((c.image for c in chosen if c.image), None),
        source=source,
        rating=rated.rating if rated else None,
        review_count=rated.review_count if rated else None,
        category=next((c.category for c in ranked if c.category), None),
        price_high=price_high,
    )


def _same_product(title: str | None, chosen_title: str | None) -> bool:
    return title is None or chosen_title is None or title.casefold() == chosen_title.casefold()


def ld_types(node: dict[str, Any]) -> set[str]:
    """Short schema.org type names of a JSON-LD node ("http://schema.org/Offer" -> "Offer")."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {_TYPE_PREFIX.split(n)[-1] for n in names if isinstance(n, str)}


def as_list(value: Any) -> list[dict[str, Any]]:
    """The dicts in a JSON-LD value that may be one object or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [v for v in items[:MAX_ITEMS] if isinstance(v, dict)]


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def fold_offer(offer: dict[str, Any], cand: Candidate, depth: int = 0) -> None:
    """Fold one Offer/AggregateOffer into `cand` (price, currency, stock, offer_prices)."""
    hint = currency_code(as_str(offer.get("priceCurrency")))
    aggregate = "AggregateOffer" in ld_types(offer)
    raw = offer.get("lowPrice") if aggregate else None
    if raw is None:
        raw = offer.get("price")
    for spec in as_list(offer.get("priceSpecification")) if raw is None else []:
        raw, hint = spec.get("price"), hint or currency_code(as_str(spec.get("priceCurrency")))
        if raw is not None:
            break
    parsed = parse_price_value(raw, hint) if raw is not None else None
    if parsed is None and aggregate and depth < 2:
        # An AggregateOffer without lowPrice still means "the lowest of these offers".
        inner = Candidate()
        for sub in as_list(offer.get("offers")):
            fold_offer(sub, inner, depth + 1)
        if inner.offer_prices:
            parsed = (min(inner.offer_prices), inner.currency or hint)
    stock = parse_availability(offer.get("availability"))
    if stock is None and aggregate and depth < 2:
        # An AggregateOffer is in stock when one of its offers is.
        states = [
            parse_availability(sub.get("availability")) for sub in as_list(offer.get("offers"))
        ]
        stock = True if True in states else False if False in states else None
    if parsed is None:
        if raw is not None and cand.rejected is None:
            cand.rejected = str(raw)[:40]
        if cand.price is None and stock is not None:
            cand.in_stock = bool(cand.in_stock) or stock
        return
    price, currency = parsed
    cand.offer_prices.add(price)
    if len(cand.offers) < MAX_ITEMS:
        selected = offer.get("selected") is True or offer.get("isDefault") is True
        ids = offer_ids(offer) | (cand.ids if depth == 0 else frozenset())
        link = as_str(offer.get("url"))
        tier = "eligibleQuantity" in offer or any(
            "eligibleQuantity" in spec for spec in as_list(offer.get("priceSpecification"))
        )
        cand.offers.append(OfferInfo(price, currency, stock, ids, link, selected, tier))
    if cand.price is None:
        cand.price, cand.currency = price, currency
        cand.in_stock = stock
    elif stock is not None:
        cand.in_stock = bool(cand.in_stock) or stock
