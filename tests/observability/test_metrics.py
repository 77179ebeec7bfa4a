"""/metrics: products by outcome and domain, staleness, in-flight, Redis priority sub-queues."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from starlette.testclient import TestClient

from priceradar.adapters.db.models import Product
from tests.api.conftest import API_KEY
from tests.api.test_health import closed_port
from tests.api.test_products import add, shop_urls
from tests.support.services import REDIS_HOST_PORT

# Next to the test suite's reserved databases (13-15); only keys this test creates are touched.
QUIET_BROKER_DB = 12


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The exposition as {(sample name, sorted labels): value}."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def test_metrics_show_outcomes_staleness_and_every_priority_sub_queue(
    make_api: Callable[..., TestClient],
) -> None:
    # Given an API on a broker database no worker consumes (so messages stay where put)
    broker_url = f"redis://{REDIS_HOST_PORT}/{QUIET_BROKER_DB}"
    client = make_api(headers={"X-API-Key": API_KEY}, celery_broker_url=broker_url)
    # and three products on one domain: one checked ok, one an hour overdue, one leased
    urls = shop_urls(3)
    domain = urls[0].split("/")[2]
    ids = [add(client, u)["id"] for u in urls]
    now = datetime.now(UTC)
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            update(Product)
            .where(Product.id == ids[0])
            .values(
                last_outcome="ok",
                check_count=4,
                failure_count=1,
                next_check_at=now + timedelta(hours=1),
            )
        )
        conn.execute(
            update(Product)
            .where(Product.id == ids[1])
            .values(next_check_at=now - timedelta(hours=1))
        )
        conn.execute(
            update(Product)
            .where(Product.id == ids[2])
            .values(
                lease_until=now + timedelta(minutes=5), next_check_at=now + timedelta(minutes=5)
            )
        )
    # and messages waiting in the bare list and in a Redis priority sub-list of price_check
    broker = redis.Redis.from_url(broker_url)
    broker.delete(*[f"price_check:{i}" for i in range(1, 10)], "price_check")
    broker.lpush("price_check:3", "m1", "m2")
    broker.lpush("price_check", "m3")

    # When Prometheus scrapes the API
    metrics = scrape(client)

    # Then the gauges tell the state, per domain and per list
    assert metrics[("priceradar_products", (("domain", domain), ("outcome", "ok")))] == 1
    assert metrics[("priceradar_products", (("domain", domain), ("outcome", "never")))] == 2
    assert metrics[("priceradar_product_checks", (("domain", domain),))] == 4
    assert metrics[("priceradar_product_check_failures", (("domain", domain),))] == 1
    assert metrics[("priceradar_max_overdue_seconds", (("band", "4"),))] >= 3600
    assert metrics[("priceradar_overdue_products", (("band", "4"),))] >= 1
    assert metrics[("priceradar_in_flight_products", ())] >= 1
    lists = {
        dict(labels)["list"]: value
        for (name, labels), value in metrics.items()
        if name == "priceradar_queue_length" and dict(labels)["queue"] == "price_check"
    }
    assert lists == {
        "price_check": 1,
        **{f"price_check:{i}": (2 if i == 3 else 0) for i in range(1, 10)},
    }
    assert metrics[("priceradar_source_up", (("source", "broker"),))] == 1
    assert metrics[("priceradar_source_up", (("source", "database"),))] == 1
    broker.delete("price_check:3", "price_check")


def test_a_broker_outage_shows_as_source_down_not_as_a_failed_scrape(
    make_api: Callable[..., TestClient],
) -> None:
    client = make_api(
        headers={"X-API-Key": API_KEY},
        celery_broker_url=f"redis://127.0.0.1:{closed_port()}/0",
    )
    metrics = scrape(client)
    assert metrics[("priceradar_source_up", (("source", "broker"),))] == 0
    assert metrics[("priceradar_source_up", (("source", "database"),))] == 1


def test_domains_beyond_the_cap_are_grouped_as_other(make_api: Callable[..., TestClient]) -> None:
    client = make_api(headers={"X-API-Key": API_KEY}, metrics_max_domains=1)
    for _ in range(2):
        add(client, shop_urls(1)[0])
    domains = {
        dict(labels)["domain"] for (name, labels) in scrape(client) if name == "priceradar_products"
    }
    assert len(domains) == 2 and "other" in domains


def test_open_deals_are_counted(client: TestClient) -> None:
    from tests.api.test_deals_watches import store_deal

    before = scrape(client).get(("priceradar_active_deals", ()), 0)
    product_id = add(client, shop_urls(1)[0])["id"]
    store_deal(client, product_id, datetime.now(UTC), ended=False)
    assert scrape(client)[("priceradar_active_deals", ())] == before + 1


def test_no_api_counter_goes_down_when_products_are_deleted(
    make_api: Callable[..., TestClient],
) -> None:
    # Given checked products, and a scrape
    client = make_api(headers={"X-API-Key": API_KEY})
    ids = [add(client, u)["id"] for u in shop_urls(3)]
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(Product).values(check_count=100, failure_count=10))
    before = counter_samples(client)

    # When a product is deleted
    assert client.delete(f"/api/v1/products/{ids[0]}").status_code == 204

    # Then no counter the API exposes has dropped (Prometheus would read a drop as a reset):
    # table sums are gauges; counters are emitted where checks happen (the workers)
    after = counter_samples(client)
    dropped = {
        key: (before[key], after.get(key, 0.0))
        for key in before
        if after.get(key, 0.0) < before[key]
    }
    assert dropped == {}


def counter_samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        if family.type == "counter"
        for s in family.samples
        if s.name.endswith("_total")
    }


def test_each_lane_rate_is_a_gauge_after_a_429(make_api: Callable[..., TestClient]) -> None:
    # Given a shared limiter whose lane for one domain through one proxy was cut by a 429
    import asyncio
    import uuid

    from priceradar.adapters.ratelimit import RedisLimiter, rate_table

    url = f"redis://{REDIS_HOST_PORT}/14"
    domain = f"shop-{uuid.uuid4().hex[:8]}.test"

    async def cut() -> None:
        limiter = RedisLimiter(url, rate_table(10.0, 5, {}))
        assert await limiter.acquire(domain, 5, "egress-a:3128")
        for _ in range(2):  # 429s beyond noise
            await limiter.slow_down(domain, "egress-a:3128")
        await limiter.close()

    asyncio.run(cut())
    # When the metrics are scraped
    client = make_api(headers={"X-API-Key": API_KEY}, redis_url=url, metrics_max_domains=10_000)
    metrics = scrape(client)
    # Then the lane's adapted rate is there, and the limiter source is up
    assert metrics[("priceradar_domain_rate_per_s", (("lane", f"{domain}|egress-a:3128"),))] == 7
    assert metrics[("priceradar_source_up", (("source", "limiter"),))] == 1
