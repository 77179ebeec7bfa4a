"""Streaming writes on real workers: results land while slow pages load, and a SIGKILL between
two writes loses nothing and duplicates nothing."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.demo_shop.catalog import FAULT_IDS
from priceradar.demo_shop.server import RunningShop
from tests.integration.test_pipeline import track
from tests.support.stack import Stack, pool_children, wait_for


def checked_ids(stack: Stack) -> set[int]:
    with stack.engine.connect() as conn:
        return set(
            conn.execute(select(Product.id).where(Product.last_checked_at.is_not(None))).scalars()
        )


@pytest.mark.parametrize(
    ("flavour", "detach"),
    [("embedded", "0"), ("redis", "0"), ("redis", "10")],
    ids=["embedded-redelivered", "redis-redelivered", "redis-background-lease"],
)
def test_sigkill_between_streamed_writes_loses_nothing_and_duplicates_nothing(
    flavour: str, detach: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given dispatched (leased) products: 20 fast pages and one that takes 3 s, written in
    # groups of 5; the task either waits for every page (redelivered if killed) or returns
    # with the slow page loading in the background (then the lease brings it back)
    stack = make_stack(
        flavour,
        PRICERADAR_CHECK_WRITE_GROUP="5",
        PRICERADAR_CHECK_WRITE_MAX_AGE_S="0.2",
        PRICERADAR_CHECK_DETACH_PENDING=detach,
        PRICERADAR_LEASE_S="5",
        PRICERADAR_DISPATCH_INTERVAL_S="0.5",
    )
    ids = track(stack, shop, [*range(101, 121), FAULT_IDS["slow"]])
    slow = ids[FAULT_IDS["slow"]]
    fast = {pid for sid, pid in ids.items() if pid != slow}
    worker = stack.start_worker(concurrency=1)
    stack.start_beat()

    # When the fast results are stored while the slow page still loads (streaming) ...
    written = wait_for(
        lambda: checked_ids(stack) >= fast and checked_ids(stack),
        timeout_s=30,
        interval_s=0.05,
        what=f"fast results written before the slow page\n{stack.logs()}",
    )
    assert slow not in written
    # ... and the pool process is SIGKILLed before the slow page arrives
    for pid in pool_children(worker.pid):
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)

    # Then the redelivered batch stores the slow product, and no product has two history rows
    wait_for(
        lambda: slow in checked_ids(stack),
        timeout_s=90,
        what=f"redelivered batch\n{stack.logs()}",
    )
    with stack.engine.connect() as conn:
        history = dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )
    assert history == dict.fromkeys(ids.values(), 1)


@pytest.mark.parametrize("flavour", ["redis"])
def test_a_slow_page_does_not_hold_its_pool_process(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a single pool process and two leased batches, the first with a page that takes 3 s
    stack = make_stack(flavour, PRICERADAR_CHECK_DETACH_PENDING="2")
    ids = track(stack, shop, [*range(131, 151), FAULT_IDS["slow"]])
    slow = ids.pop(FAULT_IDS["slow"])
    first = sorted([*list(ids.values())[:10], slow])
    second = sorted(list(ids.values())[10:])
    until = datetime.now(UTC) + timedelta(minutes=10)
    with stack.engine.begin() as conn:  # leased as the dispatcher leases them, one token each
        for token, batch in (("first", first), ("second", second)):
            conn.execute(
                update(Product)
                .where(Product.id.in_(batch))
                .values(lease_until=until, lease_token=token)
            )
    stack.start_worker(concurrency=1)
    stack.app.send_task("batch_price_check", args=[first], kwargs={"lease_token": "first"})
    stack.app.send_task("batch_price_check", args=[second], kwargs={"lease_token": "second"})

    # When the second batch is done
    wait_for(
        lambda: checked_ids(stack) >= set(second),
        timeout_s=30,
        interval_s=0.05,
        what=f"second batch written\n{stack.logs()}",
    )
    # Then it was done while the first batch's slow page was still loading
    assert slow not in checked_ids(stack)
    # and the slow page is written when it arrives, once
    wait_for(lambda: slow in checked_ids(stack), timeout_s=30, what="slow page written")
    with stack.engine.connect() as conn:
        history = dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )
    assert history == dict.fromkeys([*first, *second], 1)
