"""A small, deterministic fake marketplace served over real HTTP on localhost (never the internet).

Used by the quickstart (`priceradar demo`), the integration tests and the benchmark.
"""

from typing import TYPE_CHECKING

from priceradar.demo_shop.catalog import (
    CATEGORIES,
    FAULT_IDS,
    FORMAT_IDS,
    RESERVED_ID_BASE,
    RETRY_AFTER_S,
    TOO_LARGE_BYTES,
    Fault,
    PageFormat,
    Product,
    RenderedPage,
    ShopConfig,
    fault_of,
    format_price,
    in_stock_at,
    is_deal_at,
    price_at,
    product,
)
from priceradar.demo_shop.pages import render_product_page
from priceradar.demo_shop.state import ProductTruth

if TYPE_CHECKING:  # imported lazily: keeps aiohttp out of pure users and `-m ...server` clean
    from priceradar.demo_shop.server import RunningShop, create_app, serve

_SERVER_NAMES = frozenset({"RunningShop", "create_app", "serve"})


def __getattr__(name: str) -> object:
    if name in _SERVER_NAMES:
        from priceradar.demo_shop import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CATEGORIES",
    "FAULT_IDS",
    "FORMAT_IDS",
    "RESERVED_ID_BASE",
    "RETRY_AFTER_S",
    "TOO_LARGE_BYTES",
    "Fault",
    "PageFormat",
    "Product",
    "ProductTruth",
    "RenderedPage",
    "RunningShop",
    "ShopConfig",
    "create_app",
    "fault_of",
    "format_price",
    "in_stock_at",
    "is_deal_at",
    "price_at",
    "product",
    "render_product_page",
    "serve",
]
