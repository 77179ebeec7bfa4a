"""The Celery side: routes, the seed's call styles, priorities, and crash safety of a batch."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.config import load_settings
from priceradar.demo_shop.catalog import FAULT_IDS
from priceradar.demo_shop.server import RunningShop
from priceradar.worker.app import QUEUES, TASK_ROUTES, broker_priority, celery_config
from tests.conftest import FLAVOURS
from tests.integration.test_pipeline import track
from tests.support.stack import Stack, pool_children, wait_for

SEED_TASKS = {
    "check_product_price",
    "batch_price_check",
    "schedule_high_priority_checks",
    "schedule_medium_priority_checks",
    "schedule_low_priority_checks",
    "schedule_product_fetch",
    "schedule_notifications",
    "update_product_priorities",
    "cleanup_old_data",
}


def test_every_route_targets_a_declared_queue() -> None:
    config = celery_config(load_settings(_env_file=None))
    declared = {q.name for q in config["task_queues"]}
    assert declared == set(QUEUES)
    assert set(TASK_ROUTES.values()) <= declared
    assert config["task_create_missing_queues"] is False
    assert set(TASK_ROUTES) >= SEED_TASKS


@pytest.mark.parametrize(
    ("ours", "redis", "amqp"), [(10, 0, 10), (0, 10, 0), (8, 2, 8), (99, 0, 10), (-3, 10, 0)]
)
def test_priority_means_the_same_on_every_broker(ours: int, redis: int, amqp: int) -> None:
    assert broker_priority(ours, "redis") == redis
    assert broker_priority(ours, "amqp") == amqp


def registered_tasks(stack: Stack) -> set[str]:
    replies = stack.app.control.inspect(timeout=5).registered() or {}
    return {name.split(" ")[0] for tasks in replies.values() for name in tasks}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_worker_consumes_every_queue_and_registers_every_routed_task(
    flavour: str, make_stack: Callable[..., Stack]
) -> None:
    stack = make_stack(flavour)
    stack.start_worker(concurrency=1)
    queues = stack.app.control.inspect(timeout=5).active_queues() or {}
    consumed = {q["name"] for qs in queues.values() for q in qs}
    assert set(QUEUES) <= consumed
    # Every routed task is known to the worker: nothing lands on a queue that nobody serves.
    assert set(TASK_ROUTES) <= registered_tasks(stack)
    # And the seed's CLI works against it.
    out = stack.celery("inspect", "registered")
    assert out.returncode == 0, out.stderr
    for name in ("check_product_price", "batch_price_check"):
        assert name in out.stdout


@pytest.mark.parametrize("flavour", ["redis", "rabbitmq"])
def test_seed_call_styles(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a tracked product and a running worker
    stack = make_stack(flavour)
    (product_id,) = track(stack, shop, [21]).values()
    stack.start_worker(concurrency=1)

    # When the guide's Python call style is used, the AsyncResult view reports the outcome
    code = f"""
import json
from celery.result import AsyncResult
from priceradar.worker import check_product_price
result = check_product_price.delay(product_id={product_id}, priority=10)
result.get(timeout=60)
view = AsyncResult(result.id)
print(json.dumps({{"state": view.state, "result": view.result, "traceback": view.traceback}}))
"""
    out = stack.python(code)
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout.strip().splitlines()[-1])
    assert view["state"] == "SUCCESS"
    assert view["traceback"] is None
    assert view["result"]["outcomes"] == {"ok": 1}

    # and the guide's CLI call style enqueues the same task
    call = stack.celery(
        "call", "check_product_price", f"--args=[{product_id}]", '--kwargs={"priority": 10}'
    )
    assert call.returncode == 0, call.stderr
    task_id = call.stdout.strip().splitlines()[-1]
    assert stack.app.AsyncResult(task_id).get(timeout=60)["checked"] == 1
    with stack.engine.connect() as conn:
        assert (
            conn.execute(select(Product.check_count).where(Product.id == product_id)).scalar_one()
            == 2
        )


@pytest.mark.parametrize("flavour", ["redis", "rabbitmq"])
def test_urgent_batches_run_first(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a queue holding a low-priority batch enqueued before an urgent one
    stack = make_stack(flavour)
    ids = track(stack, shop, [31, 32, 33, 34])
    low, urgent = [ids[31], ids[32]], [ids[33], ids[34]]
    transport = stack.settings.broker_transport
    stack.app.send_task("batch_price_check", args=[low], priority=broker_priority(1, transport))
    stack.app.send_task("batch_price_check", args=[urgent], priority=broker_priority(10, transport))

    # When a single-process worker starts consuming
    stack.start_worker(concurrency=1)

    # Then the urgent batch was checked first
    def checked() -> dict[int, object]:
        with stack.engine.connect() as conn:
            rows = conn.execute(
                select(Product.id, Product.last_checked_at).where(Product.id.in_(low + urgent))
            )
            found = {r.id: r.last_checked_at for r in rows}
        return found if all(found.values()) else {}

    at = wait_for(checked, timeout_s=60, what="both batches checked")
    assert max(at[i] for i in urgent) < min(at[i] for i in low)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a batch whose slowest page takes 3 s
    stack = make_stack(flavour)
    ids = track(stack, shop, [*range(41, 51), FAULT_IDS["slow"]])
    worker = stack.start_worker(concurrency=1)
    result = stack.app.send_task("batch_price_check", args=[sorted(ids.values())])

    # When the pool process running it is SIGKILLed mid-batch
    wait_for(
        lambda: stack.app.AsyncResult(result.id).state == "STARTED",
        timeout_s=30,
        what="task started",
    )
    for pid in pool_children(worker.pid):
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)

    # Then the batch is redelivered and every product ends up checked exactly once in history
    def all_checked() -> bool:
        with stack.engine.connect() as conn:
            unchecked = conn.execute(
                select(func.count()).select_from(Product).where(Product.last_checked_at.is_(None))
            ).scalar_one()
        return unchecked == 0

    wait_for(all_checked, timeout_s=90, what=f"redelivered batch\n{stack.logs()}")
    with stack.engine.connect() as conn:
        history = dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )
    assert history == {pid: 1 for pid in ids.values()}
    assert "WorkerLostError" in stack.logs() or "SIGKILL" in stack.logs()


@pytest.mark.parametrize("flavour", ["embedded", "redis"])
def test_same_batch_twice_at_once_writes_history_once(
    flavour: str, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given two copies of one batch (a redelivery racing the original) on two pool processes
    stack = make_stack(flavour)
    ids = sorted(track(stack, shop, list(range(61, 71))).values())
    stack.start_worker(concurrency=2)
    first = stack.app.send_task("batch_price_check", args=[ids])
    second = stack.app.send_task("batch_price_check", args=[ids])

    # When both complete
    summaries = [first.get(timeout=60), second.get(timeout=60)]

    # Then each product has exactly one history row and was counted as checked twice at most
    assert sum(s["history_rows"] for s in summaries) == len(ids)
    with stack.engine.connect() as conn:
        history = dict(
            conn.execute(
                select(PriceHistory.product_id, func.count()).group_by(PriceHistory.product_id)
            ).all()
        )
    assert history == dict.fromkeys(ids, 1)
