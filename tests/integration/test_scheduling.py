"""Scheduling with real processes: beat + dispatcher + workers, politeness, crash recovery."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.demo_shop.catalog import FAULT_IDS
from priceradar.demo_shop.server import RunningShop
from priceradar.services.catalog import ProductInput, add_products
from tests.integration.test_pipeline import track
from tests.support.stack import Stack, pool_children, wait_for


def checked_counts(stack: Stack, ids: list[int]) -> dict[int, int]:
    with stack.engine.connect() as conn:
        rows = conn.execute(select(Product.id, Product.check_count).where(Product.id.in_(ids)))
        return {r.id: r.check_count for r in rows}


def history_counts(stack: Stack) -> dict[int, int]:
    with stack.engine.connect() as conn:
        return dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )


@pytest.mark.parametrize("flavour", ["embedded", "redis"])
def test_two_beats_by_mistake_never_double_dispatch(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given products checked at most hourly, one worker and TWO beat processes dispatching
    stack = make_stack(flavour, PRICERADAR_DISPATCH_INTERVAL_S="0.5")
    urls = [shop.product_url(i) for i in range(101, 131)]
    add_products(
        stack.engine,
        [ProductInput(u, check_interval_s=3600) for u in urls],
        ("127.0.0.1",),
        bands=stack.settings.priority_bands,
    )
    ids = sorted(checked_counts(stack, list(range(1, 1000))))
    stack.start_worker(concurrency=2)
    stack.start_beat()
    stack.start_beat()

    # When every product has been checked and both beats kept ticking for a while
    wait_for(lambda: all(checked_counts(stack, ids).values()), timeout_s=60, what="all checked")
    time.sleep(4)  # eight more ticks of each beat

    # Then each product was checked exactly once
    assert set(checked_counts(stack, ids).values()) == {1}
    assert history_counts(stack) == dict.fromkeys(ids, 1)


@pytest.mark.parametrize("flavour", ["embedded", "redis"])
def test_killed_worker_is_recovered_by_lease_expiry(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a dispatcher with 5-second leases and a worker checking a batch with a slow page
    stack = make_stack(flavour, PRICERADAR_LEASE_S="5", PRICERADAR_DISPATCH_INTERVAL_S="0.5")
    ids = sorted(track(stack, shop, [*range(141, 147), FAULT_IDS["slow"]]).values())
    worker = stack.start_worker(concurrency=1)
    children = pool_children(worker.pid)
    stack.start_beat()

    def leased() -> bool:
        with stack.engine.connect() as conn:
            return bool(
                conn.execute(
                    select(func.count()).where(Product.lease_until.is_not(None))
                ).scalar_one()
            )

    wait_for(leased, timeout_s=30, what="products leased")

    def slow_page_loading() -> bool:
        # the task may still run, or have returned with the slow page loading in the
        # background of its pool process (services.stream): either way work is in flight
        checked = sum(1 for n in checked_counts(stack, ids).values() if n)
        return 0 < checked < len(ids)

    wait_for(slow_page_loading, timeout_s=30, interval_s=0.05, what="batch running")

    # When the whole worker machine dies (SIGKILL to the worker and its pool)
    for pid in [worker.pid, *children]:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)
    worker.wait()
    stack.workers.remove(worker)

    # Then after the lease expires another worker checks every product, with no duplicate history
    stack.start_worker(concurrency=1)
    wait_for(
        lambda: all(checked_counts(stack, ids).values()),
        timeout_s=90,
        what=f"recovered\n{stack.logs()}",
    )
    assert history_counts(stack) == dict.fromkeys(ids, 1)


def test_domain_limit_holds_across_two_worker_processes(
    make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a politeness limit of 4 requests/s for the shop, shared through Redis
    domain = shop.base_url.removeprefix("http://")
    stack = make_stack(
        "redis", PRICERADAR_DOMAIN_RATES=f'{{"{domain}": 4}}', PRICERADAR_DOMAIN_BURST="1"
    )
    ids = sorted(track(stack, shop, list(range(201, 225))).values())
    stack.start_worker(concurrency=1)
    stack.start_worker(concurrency=1)
    before = len(shop.state.request_times)

    # When two batches run at once on two different worker processes
    results = [
        stack.app.send_task("batch_price_check", args=[ids[:12]]),
        stack.app.send_task("batch_price_check", args=[ids[12:]]),
    ]
    for r in results:
        summary = r.get(timeout=60)
        assert summary["checked"] == 12
        assert set(summary["outcomes"]) <= {"ok", "out_of_stock"}, summary

    # Then the shop never saw more than rate + burst requests in any one-second window
    stamps = sorted(list(shop.state.request_times)[before:])
    assert len(stamps) == 24
    assert max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps) <= 5
    assert stamps[-1] - stamps[0] >= (24 - 1) / 4 - 0.3
