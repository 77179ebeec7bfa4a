"""Reading product values out of decoded state: names, current prices, currencies, stock.

Shared by the framework-state search (`embedded`) and the platform recognizers (`platforms`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from priceradar.domain.extraction._common import Candidate
from priceradar.domain.extraction.state import walk_dicts
from priceradar.domain.extraction.variants import OfferInfo, offer_ids
from priceradar.domain.price_text import (
    clean_title,
    currency_code,
    parse_availability,
    parse_price_value,
)

__all__ = ["add_offer", "node_currency", "offer_ids", "price_value", "product_candidate"]

# Current-price keys, most specific first; list/old/compare-at keys are never read.
_PRICE_KEYS = (
    "finalPrice", "final_price", "salePrice", "sale_price", "specialPrice", "currentPrice",
    "current_price", "sellingPrice", "discountedPrice", "offerPrice", "price", "priceAmount",
)  # fmt: skip
_AMOUNT_KEYS = ("value", "amount", "current", "raw", "centAmount", "priceInCents", "formatted")
_NAME_KEYS = ("name", "title", "productName", "displayName")
_CURRENCY_KEYS = ("currency", "currencyCode", "priceCurrency", "currency_code", "currencyIso")
_STOCK_KEYS = (
    "available", "availableForSale", "inStock", "in_stock", "isInStock", "isAvailable",
    "availability", "stockStatus", "stockLevelStatus", "stock", "inventory",
)  # fmt: skip
# Objects holding a status: {"stock": {"status": "OUT_OF_STOCK"}} (SAP Commerce, headless
# shops). A product's own "status" is its publishing state ("ACTIVE"), so only read in here.
_STOCK_OBJECT_KEYS = frozenset({"stock", "inventory", "availability"})
_STATUS_KEYS = ("status", "stockStatus", "stockLevelStatus", "availability", "available",
                "inStock", "isInStock")  # fmt: skip
_SOLD_OUT_KEYS = ("soldOut", "isSoldOut", "outOfStock", "isOutOfStock")
_MAX_PRODUCTS = 400


def state_products(data: Any) -> list[Candidate]:
    """Product-shaped objects in a decoded state: a name and a current price."""
    found: list[Candidate] = []
    for node in walk_dicts(data):
        cand = product_candidate(node)
        if cand is not None:
            found.append(cand)
            if len(found) >= _MAX_PRODUCTS:
                break
    return found


def product_candidate(node: dict[str, Any]) -> Candidate | None:
    """A `Candidate` when `node` has a name and a readable current price (or priced variants)."""
    title = next(
        (clean_title(node.get(k)) for k in _NAME_KEYS if isinstance(node.get(k), str)), None
    )
    if title is None:
        return None
    currency = node_currency(node)
    price = node_price(node, currency)
    cand = Candidate(title=title, ids=offer_ids(node), in_stock=node_stock(node))
    variants = node.get("variants")
    if isinstance(variants, list):
        for variant in variants[:200]:
            if isinstance(variant, dict):
                vcur = node_currency(variant) or currency
                vprice = node_price(variant, vcur)
                if vprice is not None:
                    ids = offer_ids(variant) | option_ids(variant)
                    add_offer(cand, vprice[0], vprice[1], node_stock(variant), ids,
                              selected=variant.get("selected") is True)  # fmt: skip
    if not cand.offers and price is not None:
        add_offer(cand, price[0], price[1], cand.in_stock, cand.ids)
    return cand if cand.offers else None


def option_ids(variant: dict[str, Any]) -> frozenset[str]:
    """A variant's options as "name=value" ("size=l"), to match `?size=L` in the URL."""
    pairs: list[tuple[Any, Any]] = []
    for key in ("selectedOptions", "options", "attributes"):
        value = variant.get(key)
        if isinstance(value, list):
            pairs += [(o.get("name"), o.get("value")) for o in value[:20] if isinstance(o, dict)]
        elif isinstance(value, dict):
            pairs += list(value.items())[:20]
    return frozenset(
        f"{k.strip().casefold().removeprefix('attribute_')}={v.strip().casefold()}"
        for k, v in pairs
        if isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
    )


def add_offer(
    cand: Candidate,
    price: Decimal,
    currency: str | None,
    in_stock: bool | None,
    ids: frozenset[str],
    *,
    selected: bool = False,
    url: str | None = None,
) -> None:
    """Fold one priced offer into `cand` the way `fold_offer` does for JSON-LD."""
    cand.offer_prices.add(price)
    cand.offers.append(OfferInfo(price, currency, in_stock, ids, url, selected))
    if cand.price is None:
        cand.price, cand.currency = price, currency
    if in_stock:
        cand.in_stock = True
    elif cand.in_stock is None:
        cand.in_stock = in_stock


def node_currency(node: dict[str, Any]) -> str | None:
    for key in _CURRENCY_KEYS:
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("code") or value.get("iso_code") or value.get("isoCode")
        code = currency_code(value) if isinstance(value, str) else None
        if code is not None:
            return code
    return None


def node_price(node: dict[str, Any], currency: str | None) -> tuple[Decimal, str | None] | None:
    """The first current-price key that reads as a positive price."""
    for key in _PRICE_KEYS:
        if key in node:
            parsed = price_value(node[key], currency)
            if parsed is not None:
                return parsed
    return None


def price_value(value: Any, currency: str | None) -> tuple[Decimal, str | None] | None:
    """A price from a number, a string, or a price object ({value, currency}, {centAmount})."""
    if isinstance(value, dict):
        own = node_currency(value) or currency
        if "centAmount" in value:  # commercetools: minor units with their digit count
            digits = value.get("fractionDigits", 2)
            cents = parse_price_value(value["centAmount"], own)
            if cents is None or not isinstance(digits, Decimal | int) or not 0 <= digits <= 4:
                return None
            return cents[0].scaleb(-int(digits)), own
        for key in _AMOUNT_KEYS:
            if key in value and key != "centAmount":
                found = price_value(value[key], own)
                if found is not None:
                    return found
        # {"sellingPrice": {...}, "originalPrice": {...}}: the current one, never the original
        nested = [value[k] for k in _PRICE_KEYS if isinstance(value.get(k), dict)]
        for inner in nested[:3]:
            found = price_value({k: v for k, v in inner.items() if k not in _PRICE_KEYS}, own)
            if found is not None:
                return found
        return None
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        return parse_price_value(value, currency)
    return None


def node_stock(node: dict[str, Any]) -> bool | None:
    """A product's stock from its flags and statuses; counts (`"stock": 0`) are not read: shops
    that do not track inventory write 0 too."""
    for key in _SOLD_OUT_KEYS:
        if isinstance(node.get(key), bool):
            return not node[key]
    for key in _STOCK_KEYS:
        value = node.get(key)
        if isinstance(value, dict) and key in _STOCK_OBJECT_KEYS:
            value = next((value[k] for k in _STATUS_KEYS if k in value), None)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            stock = parse_availability(value)
            if stock is not None:
                return stock
    return None
