"""Exactly one scheduler, and a dispatcher that never waits behind check batches."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from priceradar.adapters.db.models import Product
from priceradar.demo_shop.server import RunningShop
from tests.integration.test_pipeline import track
from tests.support.stack import Stack, wait_for

HOLDS = "took the scheduler lock"
WAITS = "another beat holds the scheduler lock"


def start_beat(stack: Stack) -> tuple[int, Path]:
    log = stack.data_dir / f"worker-beat-{len(stack.workers)}.log"
    proc = stack.start_beat()
    return proc.pid, log


def said(log: Path, text: str) -> bool:
    return log.exists() and text in log.read_text(errors="replace")


def checked(stack: Stack, ids: list[int]) -> bool:
    with stack.engine.connect() as conn:
        counts = conn.execute(select(Product.check_count).where(Product.id.in_(ids))).scalars()
        return all(n >= 1 for n in counts)


@pytest.mark.parametrize("flavour", ["embedded", "redis"])
def test_one_beat_schedules_and_a_second_takes_over_when_it_dies(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given one beat scheduling, and a second one started after it
    stack = make_stack(flavour, PRICERADAR_DISPATCH_INTERVAL_S="0.5")
    stack.start_worker(concurrency=2)
    first, first_log = start_beat(stack)
    wait_for(lambda: said(first_log, HOLDS), timeout_s=30, what=f"first beat\n{stack.logs()}")
    _, second_log = start_beat(stack)
    wait_for(lambda: said(second_log, WAITS), timeout_s=30, what=f"second beat\n{stack.logs()}")

    # Then only the first dispatches
    ids = sorted(track(stack, shop, list(range(401, 411))).values())
    wait_for(lambda: checked(stack, ids), timeout_s=60, what="checked by the first beat's ticks")
    assert said(first_log, "dispatched") and not said(second_log, "dispatched")
    assert not said(second_log, HOLDS)

    # When the first beat is killed outright
    os.kill(first, signal.SIGKILL)
    killed_at = time.monotonic()

    # Then the second takes over within seconds and dispatches new work
    wait_for(lambda: said(second_log, HOLDS), timeout_s=15, what=f"takeover\n{stack.logs()}")
    assert time.monotonic() - killed_at < 10
    more = sorted(track(stack, shop, list(range(411, 421))).values())
    wait_for(lambda: checked(stack, more), timeout_s=60, what="checked after the takeover")
    assert said(second_log, "dispatched")


def test_the_dispatcher_ticks_while_every_worker_is_busy(
    make_stack: Callable[..., Stack], shop: RunningShop, fast_shop: RunningShop
) -> None:
    # Given one worker process busy with a long batch (a shop allowing 2 requests per second)
    slow_host = shop.base_url.removeprefix("http://")
    stack = make_stack(
        "redis",
        PRICERADAR_DISPATCH_INTERVAL_S="0.5",
        PRICERADAR_DOMAIN_RATES=f'{{"{slow_host}": 2}}',
        PRICERADAR_DOMAIN_BURST="1",
    )
    busy = sorted(track(stack, shop, list(range(431, 455))).values())
    with stack.engine.begin() as conn:  # not due: only the direct batch checks them
        later = datetime.now(UTC) + timedelta(days=1)
        conn.execute(update(Product).where(Product.id.in_(busy)).values(next_check_at=later))
    stack.start_worker(concurrency=1)
    long_batch = stack.app.send_task("batch_price_check", args=[busy])
    wait_for(
        lambda: any((stack.app.control.inspect(timeout=1).active() or {}).values()),
        timeout_s=30,
        what="batch running",
    )
    stack.start_beat()

    # When new products come due while it runs
    new = sorted(track(stack, fast_shop, list(range(461, 466))).values())

    # Then the dispatcher leases them at once: its tick does not queue behind the batch
    def leased() -> bool:
        with stack.engine.connect() as conn:
            rows = conn.execute(select(Product.lease_until).where(Product.id.in_(new)))
            return all(r.lease_until is not None for r in rows)

    wait_for(leased, timeout_s=8, what=f"new products leased\n{stack.logs()}")
    assert not long_batch.ready()
    long_batch.get(timeout=60)


def test_delivery_resumes_within_seconds_of_a_worker_start_and_on_each_tick(
    make_stack: Callable[..., Stack],
) -> None:
    from tests.integration.test_notifications import CHAT, bot_env, queue_alerts
    from tests.support.fake_telegram import FakeTelegram

    with FakeTelegram() as tg:
        # Given due alerts left behind by workers that died (nothing is queued to send them)
        stack = make_stack("redis", **bot_env(tg))
        queue_alerts(stack.engine, CHAT, ["left behind 1", "left behind 2"])

        # When a worker starts, it sends them within seconds, not at the 30-minute sweep
        stack.start_worker(concurrency=1)
        wait_for(lambda: len(tg.to(CHAT)) == 2, timeout_s=15, what=f"resumed\n{stack.logs()}")

        # And when more are found due later (their follow-up message lost), a tick wakes delivery
        stack.start_beat()
        time.sleep(2)
        queue_alerts(stack.engine, "-1009999", ["found by the dispatcher tick"])
        wait_for(lambda: tg.to("-1009999"), timeout_s=20, what=f"tick pickup\n{stack.logs()}")
