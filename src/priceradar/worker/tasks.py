"""Celery tasks: thin shells that take ids, call a service and return a small JSON summary.

Names are the seed guide's own, so `celery -A priceradar.worker call check_product_price
--args='[123]' --kwargs='{"priority": 10}'` works as the guide shows.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_process_shutdown
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import InterfaceError as DatabaseGone
from sqlalchemy.exc import OperationalError as DatabaseError
from sqlalchemy.exc import SQLAlchemyError

from priceradar.adapters.db import heartbeats
from priceradar.adapters.db.products import uncheckable
from priceradar.services.check import WritePlan, check_products
from priceradar.services.render import BrowserHandOff
from priceradar.services.schedule import Batch, DispatchStats, dispatch_due, dispatch_limits
from priceradar.worker.app import app, settings
from priceradar.worker.runtime import get_runtime, reset_runtime

log = logging.getLogger(__name__)

# Infrastructure hiccups (database, broker) are retried with backoff; product-level failures
# never raise (they are outcomes stored on the product and rescheduled by the database).
# Budget: 2, 4, 8, 16, 32, then 60 s up to 12 retries = 482 s, so a batch outlasts a
# 2-minute outage with room to spare. No jitter: Celery's "full jitter" may draw every delay
# near 0 and burn the whole budget in seconds (measured: 5 retries gone within 32-56 s). A
# retry that comes after its lease ran out checks nothing (the lease token), so a long budget
# never double-checks: the dispatcher has handed the products out again.
RETRY_BACKOFF_S = 2
RETRY_BACKOFF_MAX_S = 60
RETRY_MAX = 12
RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, DatabaseGone, BrokerError),
    "retry_backoff": RETRY_BACKOFF_S,
    "retry_backoff_max": RETRY_BACKOFF_MAX_S,
    "retry_jitter": False,
    "max_retries": RETRY_MAX,
}


def retry_delays_s() -> list[int]:
    """The waits before each retry, as Celery computes them from RETRY (no jitter)."""
    return [min(RETRY_BACKOFF_MAX_S, RETRY_BACKOFF_S * 2**n) for n in range(RETRY_MAX)]


# Leave time to write what was fetched before the soft limit interrupts the batch.
WRITE_MARGIN_S = 15


def batch_limits(*, detach: bool) -> tuple[float, WritePlan]:
    """A batch's fetch deadline (s) and write plan from the settings, for both fetch paths.

    Only static batches `detach` (return with their last pages still loading in the background):
    rendered batches wait for every page, so their plan keeps `detach_pending` at 0.
    """
    deadline_s = max(5.0, settings.task_soft_time_limit_s - WRITE_MARGIN_S)
    plan = WritePlan(
        settings.check_write_group,
        settings.check_write_max_age_s,
        settings.check_detach_pending if detach else 0,
        settings.check_max_background,
    )
    return deadline_s, plan


@worker_process_init.connect
def _fresh_process(**_: Any) -> None:
    reset_runtime()


@worker_process_shutdown.connect
def _close_process(**_: Any) -> None:
    get_runtime(settings).close()


def _check(product_ids: list[int], lease_token: str | None = None) -> dict[str, Any]:
    rt = get_runtime(settings)
    deadline_s, plan = batch_limits(detach=True)
    summary = check_products(
        product_ids,
        engine=rt.engine,
        fetcher=rt.fetcher,
        run=rt.run,
        policy=rt.policy,
        rules=settings.site_rules,
        deadline_s=deadline_s,
        plan=plan,
        hand_off=BrowserHandOff(
            settings.site_rules,
            partial(enqueue_render, lease_token=lease_token),
            detect_shells=settings.browser_detect_shells,
            batch_size=settings.browser_batch_size,
        ),
        lease_token=lease_token,
        notify=_deliver_now,
    )
    log.info("checked batch", extra={"product_ids": len(product_ids), **summary.as_dict()})
    if summary.notifications:
        _deliver_now()
    return summary.as_dict()


def _deliver_now() -> None:
    """Outbox rows are committed: deliver them now rather than at the next sweep."""
    app.send_task("send_notifications")


def enqueue_render(
    product_ids: list[int], recheck_ids: list[int], lease_token: str | None = None
) -> None:
    """Hand products to the browser_fetch queue: they keep their lease (and its token) until
    the browser task writes them."""
    app.send_task(
        "browser_price_check",
        args=[product_ids],
        kwargs={"recheck_ids": recheck_ids, "lease_token": lease_token},
        ignore_result=True,
    )


@app.task(name="batch_price_check", throws=(SoftTimeLimitExceeded,), **RETRY)
def batch_price_check(
    product_ids: list[int], priority: int | None = None, lease_token: str | None = None
) -> dict[str, Any]:
    """Check a batch of products (fetch concurrently, write results as they arrive).

    From the dispatcher it carries the lease token: only products still leased to it are checked.
    """
    return _check([int(i) for i in product_ids], lease_token)


class ProductNotCheckable(LookupError):
    """check_product_price was asked for a product that does not exist or is inactive."""


@app.task(name="check_product_price", throws=(ProductNotCheckable,), **RETRY)
def check_product_price(product_id: int, priority: int | None = None) -> dict[str, Any]:
    """Check one product now: a batch of one. Fails (FAILURE, with the reason) for a product
    that does not exist or is inactive, instead of reporting an empty success."""
    with get_runtime(settings).engine.connect() as conn:
        problems = uncheckable(conn, [int(product_id)])
    if problems:
        raise ProductNotCheckable(problems[0])
    return _check([int(product_id)])


def enqueue_batch(batch: Batch) -> None:
    """Publish one leased batch; its priority is on our 0-10 scale (translated per broker)."""
    # Nobody reads the result of a dispatched batch: do not store 10k results an hour.
    batch_price_check.apply_async(
        args=[batch.product_ids],
        kwargs={"priority": batch.priority, "lease_token": batch.lease_token},
        ignore_result=True,
    )


def dispatcher_tick(now: datetime) -> DispatchStats:
    """One dispatcher tick: lease what is due, enqueue it, record the heartbeat.

    Beat runs it in its own process every few seconds (worker/beat.py); the
    `dispatch_due_checks` task runs the same on demand.
    """
    limits = dispatch_limits(settings)
    engine = get_runtime(settings).engine
    stats = dispatch_due(engine, enqueue_batch, limits, now)
    # The System page shows the last tick: a stalled beat is visible at a glance. Never let
    # this bookkeeping fail the tick itself (e.g. a database not yet migrated to 0008).
    try:
        heartbeats.record(
            engine, heartbeats.DISPATCHER, now, {"leased": stats.leased, "batches": stats.batches}
        )
    except SQLAlchemyError as exc:
        log.warning("dispatcher heartbeat not recorded: %s", type(exc).__name__)
    if stats.leased:
        log.info("dispatched", extra={"leased": stats.leased, "batches": stats.batches})
    return stats


@app.task(name="dispatch_due_checks", ignore_result=True, **RETRY)
def dispatch_due_checks() -> dict[str, int]:
    """Lease due products and enqueue them as batches now (beat ticks the same every few s)."""
    stats = dispatcher_tick(datetime.now(UTC))
    return {"leased": stats.leased, "batches": stats.batches}


@app.task(name="ping")
def ping(message: str = "pong") -> dict[str, str]:
    """The seed's test task: proves broker, worker and result backend work end to end."""
    return {"message": message, "at": datetime.now(UTC).isoformat()}
