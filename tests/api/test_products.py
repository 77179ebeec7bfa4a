"""Products over HTTP: add, list with cursor pagination, get, update, delete, history."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from priceradar.adapters.db import crud
from priceradar.adapters.db.models import Product

_ports = itertools.count(20_000)


def shop_urls(n: int) -> list[str]:
    """URLs on a host of their own (a fresh loopback port), so tests sharing a DB do not mix."""
    port = next(_ports)
    return [f"http://127.0.0.1:{port}/p/{i}" for i in range(n)]


def add(client: TestClient, url: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/products", json={"url": url, **fields})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_adding_a_product_stores_its_canonical_url(client: TestClient) -> None:
    # Given a URL with tracking parameters and a fragment
    (url,) = shop_urls(1)

    # When it is added with an interval and a priority
    created = add(client, f"{url}?utm_source=mail&id=7#reviews", check_interval_s=900, priority=85)

    # Then the canonical URL is stored, due now, in the priority's band
    assert created["url"] == f"{url}?id=7"
    assert created["check_interval_s"] == 900
    assert created["check_priority"] == 85 and created["priority_band"] == 0
    assert created["active"] is True and created["last_outcome"] is None
    assert client.get(f"/api/v1/products/{created['id']}").json() == created


def test_adding_a_tracked_url_again_is_a_conflict_naming_the_product(client: TestClient) -> None:
    (url,) = shop_urls(1)
    first = add(client, url)

    again = client.post("/api/v1/products", json={"url": url + "?utm_campaign=x"})

    assert again.status_code == 409
    assert again.json()["detail"]["id"] == first["id"]


def test_listing_walks_every_product_once_with_the_cursor(client: TestClient) -> None:
    # Given five products on one domain
    urls = shop_urls(5)
    ids = [add(client, u)["id"] for u in urls]
    domain = urls[0].split("/")[2]

    # When the list is read two at a time, following next_cursor
    seen: list[int] = []
    cursor = 0
    for _ in range(10):
        page = client.get(
            "/api/v1/products", params={"domain": domain, "limit": 2, "cursor": cursor}
        ).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]

    # Then every product came exactly once, in id order
    assert seen == ids


def test_filters_select_by_state(client: TestClient) -> None:
    urls = shop_urls(3)
    ids = [add(client, u)["id"] for u in urls]
    domain = urls[0].split("/")[2]
    client.patch(f"/api/v1/products/{ids[1]}", json={"active": False})

    def listed(**params: Any) -> list[int]:
        page = client.get("/api/v1/products", params={"domain": domain, **params}).json()
        return [item["id"] for item in page["items"]]

    assert listed(active=False) == [ids[1]]
    assert listed(active=True, due=True) == [ids[0], ids[2]]
    assert listed(outcome="never") == ids
    assert listed(outcome="ok") == []


def test_update_sets_the_interval_and_switches_tracking(client: TestClient) -> None:
    (url,) = shop_urls(1)
    product = add(client, url, check_interval_s=3600)
    path = f"/api/v1/products/{product['id']}"

    off = client.patch(path, json={"active": False}).json()
    assert off["active"] is False and off["check_interval_s"] == 3600

    cleared = client.patch(path, json={"check_interval_s": None}).json()
    assert cleared["check_interval_s"] is None and cleared["active"] is False

    on = client.patch(path, json={"active": True, "check_interval_s": 120}).json()
    assert on["active"] is True and on["check_interval_s"] == 120
    assert datetime.fromisoformat(on["next_check_at"]) <= datetime.now(UTC)


def test_delete_removes_the_product(client: TestClient) -> None:
    (url,) = shop_urls(1)
    product = add(client, url)
    path = f"/api/v1/products/{product['id']}"

    assert client.delete(path).status_code == 204
    assert client.get(path).status_code == 404
    assert client.delete(path).status_code == 404
    assert client.patch(path, json={"active": True}).status_code == 404


def test_history_is_served_as_json_pages_and_as_csv(client: TestClient) -> None:
    # Given a product with three stored prices
    (url,) = shop_urls(1)
    product_id = add(client, url)["id"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        crud.record_history(
            conn,
            [
                {
                    "product_id": product_id,
                    "checked_at": start + timedelta(hours=i),
                    "price": Decimal("10.5") + i,
                    "currency": "EUR",
                    "in_stock": True,
                    "kind": "first" if i == 0 else "change",
                }
                for i in range(3)
            ],
        )

    # When it is read two rows at a time, and as CSV from the second hour on
    first = client.get(f"/api/v1/products/{product_id}/history", params={"limit": 2}).json()
    rest = client.get(
        f"/api/v1/products/{product_id}/history",
        params={"limit": 2, "cursor": first["next_cursor"]},
    ).json()
    exported = client.get(
        f"/api/v1/products/{product_id}/history.csv",
        params={"since": (start + timedelta(hours=1)).isoformat()},
    )

    # Then the pages hold all three in order, and the CSV the last two
    prices = [Decimal(p["price"]) for p in first["items"] + rest["items"]]
    assert prices == [Decimal("10.5"), Decimal("11.5"), Decimal("12.5")]
    assert rest["next_cursor"] is None
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [Decimal(r["price"]) for r in rows] == [Decimal("11.5"), Decimal("12.5")]
    assert client.get("/api/v1/products/999999999/history").status_code == 404
    assert client.get("/api/v1/products/999999999/history.csv").status_code == 404


def test_overdue_products_are_listed_as_due(client: TestClient) -> None:
    urls = shop_urls(2)
    ids = [add(client, u)["id"] for u in urls]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            update(Product)
            .where(Product.id == ids[1])
            .values(next_check_at=datetime.now(UTC) + timedelta(hours=1))
        )
    page = client.get(
        "/api/v1/products", params={"domain": urls[0].split("/")[2], "due": False}
    ).json()
    assert [item["id"] for item in page["items"]] == [ids[1]]


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("post", "/api/v1/products", {}, 422),
        ("post", "/api/v1/products", {"url": 42}, 422),
        ("post", "/api/v1/products", {"url": "http://127.0.0.1/x", "priority": 101}, 422),
        ("post", "/api/v1/products", {"url": "http://127.0.0.1/x", "check_interval_s": 0}, 422),
        ("post", "/api/v1/products", {"url": "http://127.0.0.1/x", "owner": "me"}, 422),
        ("post", "/api/v1/products", {"url": "http://127.0.0.1/\x00"}, 422),
        ("post", "/api/v1/products", {"url": "http://127.0.0.1/" + "a" * 3000}, 422),
        ("post", "/api/v1/products", {"url": "not a url"}, 422),
        ("post", "/api/v1/products", "not json", 422),
        ("patch", "/api/v1/products/1", {"active": "maybe"}, 422),
        ("patch", "/api/v1/products/1", {"check_interval_s": 10**12}, 422),
        ("get", "/api/v1/products/0", None, 422),
        ("get", f"/api/v1/products/{2**63}", None, 422),
        ("get", "/api/v1/products?cursor=-1", None, 422),
        ("get", "/api/v1/products?limit=100000", None, 422),
        ("get", "/api/v1/products?domain=%00", None, 422),
        ("post", "/api/v1/checks", {"product_ids": []}, 422),
        ("post", "/api/v1/checks", {"product_ids": [1], "priority": 11}, 422),
        ("get", "/api/v1/tasks/not-a-task-id", None, 422),
        ("post", "/api/v1/products/import", None, 415),
    ],
)
def test_bad_requests_get_a_4xx_with_a_reason(
    client: TestClient, method: str, path: str, payload: Any, status: int
) -> None:
    if isinstance(payload, str):
        response = client.request(
            method, path, content=payload, headers={"content-type": "application/json"}
        )
    else:
        response = client.request(method, path, json=payload)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_product_shows_its_extraction_method_and_range(client: TestClient) -> None:
    (url,) = shop_urls(1)
    created = add(client, url)
    assert (created["extraction_method"], created["price_high"]) == (None, None)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            update(Product)
            .where(Product.id == created["id"])
            .values(price=Decimal("25"), price_high=Decimal("30"), extraction_method="visible")
        )

    shown = client.get(f"/api/v1/products/{created['id']}").json()

    assert (shown["extraction_method"], Decimal(shown["price_high"])) == ("visible", Decimal("30"))
