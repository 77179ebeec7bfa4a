"""The attack the issue reports, end to end: tracked pages that redirect to internal addresses,
checked by a real worker on a real broker. The canary sees nothing, and nothing it could have
said is stored as a title or a price."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from sqlalchemy import select

from priceradar.adapters.db.models import Product
from priceradar.services.catalog import ProductInput, add_products
from tests.security.canary import SHOP_HOST, Canary, Shop
from tests.security.spellings import canary_urls
from tests.support.stack import Stack


def test_a_real_worker_follows_no_redirect_to_an_internal_address(
    make_stack: Callable[..., Stack], canary: Canary, tracked: Shop
) -> None:
    # Given tracked pages on an allowed shop, each redirecting to one internal spelling
    stack = make_stack("redis", PRICERADAR_ALLOWED_PRIVATE_HOSTS=SHOP_HOST)
    urls = [
        f"{tracked.base}/go?{urlencode({'to': u, 'status': 302})}" for u in canary_urls(canary.port)
    ]
    report = add_products(
        stack.engine,
        [ProductInput(u) for u in urls],
        (SHOP_HOST,),
        bands=stack.settings.priority_bands,
    )
    assert report.inserted == len(urls), report.invalid
    with stack.engine.connect() as conn:
        ids = list(conn.scalars(select(Product.id)))

    # When a worker checks them all
    stack.start_worker()
    summary = stack.app.send_task("batch_price_check", args=[ids]).get(timeout=180)

    # Then the canary was never reached and no product holds anything from it
    assert summary["checked"] == len(ids)
    assert canary.hits == []
    with stack.engine.connect() as conn:
        rows = conn.execute(
            select(
                Product.url, Product.last_outcome, Product.last_error, Product.title, Product.price
            )
        ).all()
    assert {(row.title, row.price) for row in rows} == {(None, None)}
    # refused by the guard; or never connected (a name that does not resolve: `localhost.`)
    unrefused = [(r.url, r.last_error) for r in rows if r.last_outcome != "forbidden_target"]
    assert len(unrefused) <= 2, unrefused
