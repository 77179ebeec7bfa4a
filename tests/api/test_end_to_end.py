"""The whole chain for real: uvicorn serving the API, Redis, PostgreSQL and a Celery worker."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from priceradar.api import create_app
from priceradar.api.auth import hash_key
from priceradar.demo_shop.server import RunningShop
from tests.api.conftest import API_KEY
from tests.api.test_health import closed_port
from tests.support.stack import Stack, wait_for


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields the base URL."""
    port = closed_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout_s=20, what="uvicorn started")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def finished(client: httpx.Client, status_url: str) -> dict[str, Any]:
    """Poll a task status URL until the task is done; returns the last status."""

    def poll() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(status_url).json()
        return body if body["ready"] else None

    return wait_for(poll, timeout_s=90, interval_s=0.3, what=f"task at {status_url}")  # type: ignore[no-any-return]


def test_trigger_a_check_over_http_and_see_the_stored_price(
    make_stack: Callable[..., Stack], shop: RunningShop, tmp_path: Path
) -> None:
    # Given the real stack with JSON logs, a worker serving its metrics (multiprocess mode),
    # and the API served by uvicorn
    metrics_dir, metrics_port = tmp_path / "prometheus", closed_port()
    metrics_dir.mkdir()
    stack = make_stack(
        "redis",
        PRICERADAR_API_KEY_HASHES=hash_key(API_KEY),
        PRICERADAR_LOG_JSON="true",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        PRICERADAR_WORKER_METRICS_PORT=str(metrics_port),
    )
    stack.start_worker(concurrency=1)
    with (
        serve(create_app(stack.settings)) as base_url,
        httpx.Client(base_url=base_url, headers={"X-API-Key": API_KEY}, timeout=30) as client,
    ):
        assert client.get("/ready").json()["status"] == "ok"

        # When a shop product is added and a check is triggered through the API
        created = client.post("/api/v1/products", json={"url": shop.product_url(3)})
        assert created.status_code == 201, created.text
        product_id = created.json()["id"]
        accepted = client.post(f"/api/v1/products/{product_id}/check")
        assert accepted.status_code == 202, accepted.text
        task = finished(client, accepted.json()["status_url"])

        # Then the task succeeded and the product holds exactly the shop's price
        assert task["state"] == "SUCCESS", task
        assert task["name"] == "batch_price_check"
        assert task["result"]["checked"] == 1
        product = client.get(f"/api/v1/products/{product_id}").json()
        truth = shop.truth(3)
        assert product["last_outcome"] in ("ok", "out_of_stock")
        assert Decimal(product["price"]) == truth.price
        history = client.get(f"/api/v1/products/{product_id}/history").json()["items"]
        assert [Decimal(h["price"]) for h in history] == [truth.price]

        # and the seed's test task makes the round trip too
        ping = client.post("/api/v1/test-task", json={"message": "hello"})
        assert ping.status_code == 202
        pong = finished(client, ping.json()["status_url"])
        assert pong["state"] == "SUCCESS" and pong["result"]["message"] == "hello"

    # and the worker's pool process recorded the batch's duration and outcome, served merged
    scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    runs = (
        "priceradar_task_duration_seconds_count",
        (("state", "success"), ("task", "batch_price_check")),
    )
    assert samples.get(runs, 0) >= 1, scraped
    checks = ("priceradar_worker_checks_total", (("outcome", product["last_outcome"]),))
    assert samples.get(checks, 0) >= 1, scraped

    # and the worker's JSON log lines of that check carry the Celery task id
    lines = [json.loads(line) for line in stack.logs().splitlines() if line.startswith("{")]
    checked = [line for line in lines if line["message"] == "checked batch"]
    assert any(line.get("task_id") == task["task_id"] for line in checked), checked
    assert all(line["task_name"] == "batch_price_check" for line in checked)
