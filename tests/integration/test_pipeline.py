"""The price check pipeline end to end: real worker processes, real broker, real database."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.demo_shop.catalog import FAULT_IDS, FORMAT_IDS, product
from priceradar.demo_shop.server import RunningShop
from priceradar.services.catalog import ProductInput, add_products
from tests.conftest import FLAVOURS
from tests.support.stack import Stack

NORMAL_IDS = list(range(1, 15)) + sorted(FORMAT_IDS.values())
EXPECTED_FAULTS = {
    "not_found": "not_found",
    "gone": "not_found",
    "rate_limited": "rate_limited",
    "forbidden": "blocked",
    "server_error": "server_error",
    "malformed": "no_price",
    "not_html": "invalid_response",
    "too_large": "invalid_response",
    "ambiguous": "no_price",
}


def track(stack: Stack, shop: RunningShop, shop_ids: list[int]) -> dict[int, int]:
    """Add shop products; returns {shop id: product id}."""
    urls = {shop.product_url(i): i for i in shop_ids}
    report = add_products(
        stack.engine,
        [ProductInput(u) for u in urls],
        ("127.0.0.1",),
        bands=stack.settings.priority_bands,
    )
    assert report.inserted == len(shop_ids), report
    with stack.engine.connect() as conn:
        rows = conn.execute(select(Product.id, Product.url).where(Product.url.in_(list(urls))))
        return {urls[r.url]: r.id for r in rows}


def products_by_id(stack: Stack) -> dict[int, Product]:
    with stack.engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(Product.__table__))}  # type: ignore[misc]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_batch_check_stores_what_the_shop_served(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given products in every page format plus every kind of faulty page
    stack = make_stack(flavour)
    ids = track(stack, shop, NORMAL_IDS + [FAULT_IDS[f] for f in EXPECTED_FAULTS])
    stack.start_worker()

    # When one batch task checks them all on a real worker
    result = stack.app.send_task(
        "batch_price_check", args=[sorted(ids.values())], kwargs={"priority": 8}
    )
    summary = result.get(timeout=120)

    # Then every product was checked and the stored price is exactly what the shop served
    assert summary["checked"] == len(ids)
    rows = products_by_id(stack)
    for shop_id in NORMAL_IDS:
        row, truth = rows[ids[shop_id]], shop.truth(shop_id)
        assert row.last_outcome in ("ok", "out_of_stock"), (
            shop_id,
            row.last_outcome,
            row.last_error,
        )
        assert truth.price is not None
        assert row.price == truth.price, (shop_id, truth.format)
        assert Decimal(row.price).as_tuple().exponent >= -4
        assert row.currency == truth.currency
        assert row.in_stock == truth.in_stock
        assert row.title == truth.title
        assert row.category == product(shop.cfg, shop_id).category  # from breadcrumbs
        assert row.last_checked_at is not None and row.last_checked_at.tzinfo is not None
    # and every fault is classified, with its reason stored
    for fault, outcome in EXPECTED_FAULTS.items():
        row = rows[ids[FAULT_IDS[fault]]]
        assert row.last_outcome == outcome, (fault, row.last_outcome, row.last_error)
        assert row.last_error
        assert row.price is None
    # and one first history row per product that had a price
    with stack.engine.connect() as conn:
        per_product = dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )
    assert per_product == {ids[i]: 1 for i in NORMAL_IDS}
