"""Deals (active and recent) and watches (create, list, get, delete) over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, update
from starlette.testclient import TestClient

from priceradar.adapters.db.tables import deals, products
from tests.api.test_products import add, shop_urls


def store_deal(client: TestClient, product_id: int, started_at: datetime, ended: bool) -> int:
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        return int(
            conn.execute(
                insert(deals)
                .values(
                    product_id=product_id,
                    currency="EUR",
                    reference_kind="median",
                    reference_price=Decimal("100"),
                    deal_price=Decimal("60"),
                    discount_amount=Decimal("40"),
                    discount_percent=Decimal("40"),
                    started_at=started_at,
                    updated_at=started_at,
                    ended_at=started_at + timedelta(hours=1) if ended else None,
                    end_reason="price_rose" if ended else None,
                )
                .returning(deals.c.id)
            ).scalar_one()
        )


def test_deals_are_listed_newest_first_active_or_ended(client: TestClient) -> None:
    # Given an ended deal on one product and an open one on another
    first, second = (add(client, u)["id"] for u in shop_urls(2))
    now = datetime.now(UTC)
    ended = store_deal(client, first, now - timedelta(days=2), ended=True)
    open_ = store_deal(client, second, now - timedelta(hours=1), ended=False)

    # When deals are listed
    def ids(**params: Any) -> list[int]:
        page = client.get("/api/v1/deals", params=params).json()
        return [d["id"] for d in page["items"]]

    # Then each filter and page shows the right ones, newest first, with the product's URL
    assert ids(active=True)[:1] == [open_]
    assert ended in ids(active=False) and open_ not in ids(active=False)
    assert ids(limit=1) == [open_]
    page = client.get("/api/v1/deals", params={"limit": 1}).json()
    assert ids(limit=1, cursor=page["next_cursor"]) == [ended]
    deal = client.get("/api/v1/deals", params={"limit": 1}).json()["items"][0]
    assert deal["url"].startswith("http://127.0.0.1:") and Decimal(deal["discount_percent"]) == 40
    # and says what the discount is measured against, and whether it is paused (out of stock)
    assert (deal["reference"], deal["paused"]) == ("median price", False)
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(products).where(products.c.id == second).values(in_stock=False))
    deal = client.get("/api/v1/deals", params={"limit": 1}).json()["items"][0]
    assert deal["paused"] is True


def test_a_watch_is_created_listed_read_and_deleted(client: TestClient) -> None:
    product_id = add(client, shop_urls(1)[0])["id"]

    created = client.post(
        "/api/v1/watches",
        json={
            "channel": "telegram",
            "target": "@priceradar_deals",
            "product_id": product_id,
            "target_price": "49.90",
        },
    )
    assert created.status_code == 201, created.text
    watch = created.json()
    assert watch["destination"] == "telegram:@priceradar_deals"
    assert f"product {product_id}" in watch["rule"] and "49.9" in watch["rule"]
    assert watch in client.get("/api/v1/watches").json()
    assert client.get(f"/api/v1/watches/{watch['id']}").json() == watch

    assert client.delete(f"/api/v1/watches/{watch['id']}").status_code == 204
    assert client.get(f"/api/v1/watches/{watch['id']}").status_code == 404
    assert client.delete(f"/api/v1/watches/{watch['id']}").status_code == 404


def test_watches_that_could_never_fire_are_refused_with_the_reason(client: TestClient) -> None:
    cases = [
        ({"channel": "telegram", "target": "not a chat"}, "Telegram chat"),
        ({"channel": "telegram", "target": "@deals", "product_id": 999_999_999}, "no product"),
        ({"channel": "telegram", "target": "@deals", "back_in_stock": True}, "need --product"),
        ({"channel": "sms", "target": "+100"}, "channel"),
        ({"channel": "telegram", "target": "@deals", "min_discount_percent": 150}, "100"),
    ]
    for body, reason in cases:
        response = client.post("/api/v1/watches", json=body)
        assert response.status_code == 422, (body, response.text)
        assert reason in response.text, (body, response.text)
