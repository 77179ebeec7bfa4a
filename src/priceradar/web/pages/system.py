"""System: freshness (due, overdue, lateness), outcomes, queues, workers; refreshes itself."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from priceradar.adapters.db import heartbeats, views
from priceradar.api.deps import CeleryDep, EngineDep, SettingsDep
from priceradar.config import Settings
from priceradar.observability.metrics import broker_queue_lengths
from priceradar.web.render import page
from priceradar.web.security import Viewer
from priceradar.worker.app import QUEUES

router = APIRouter(include_in_schema=False)
PING_TIMEOUT_S = 1.0  # workers answer a broadcast ping within milliseconds when alive
REFRESH_S = 10
CACHE_S = 5.0  # half the refresh period: every refresh still sees new figures


def overdue_after_s(settings: Settings) -> float:
    """A due product is overdue once the dispatcher has had a few ticks to pick it up."""
    return max(60.0, 3 * settings.dispatch_interval_s)


def _queues(settings: Settings) -> dict[str, int] | None:
    """Messages waiting per queue; None when the broker cannot say (the embedded one)."""
    lengths = broker_queue_lengths(settings, QUEUES)()
    if not lengths:
        return None
    totals: dict[str, int] = defaultdict(int)
    for (queue, _), n in lengths.items():
        totals[queue] += n
    return dict(totals)


def _workers(celery: Any) -> list[str]:
    replies = celery.control.ping(timeout=PING_TIMEOUT_S) or []
    return sorted(name for reply in replies for name in reply)


def _snapshot(engine: EngineDep, settings: Settings, celery: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        fresh = views.freshness(conn, now, overdue_after_s(settings))
        outcomes = views.outcome_counts(conn)
        open_deals, _ = views.deal_counts(conn)
        dispatcher = heartbeats.read(conn).get(heartbeats.DISPATCHER)
    try:
        queues: dict[str, int] | str | None = _queues(settings)
    except Exception as exc:
        queues = f"unreachable ({type(exc).__name__})"
    try:
        workers: list[str] | str = _workers(celery)
    except Exception as exc:
        workers = f"broker unreachable ({type(exc).__name__})"
    return {
        "now": now,
        "fresh": fresh,
        "outcomes": outcomes,
        "open_deals": open_deals,
        "dispatcher": dispatcher,
        "dispatcher_late": dispatcher is not None
        and (now - dispatcher.at).total_seconds() > overdue_after_s(settings),
        "queues": queues,
        "workers": workers,
        "overdue_after_s": overdue_after_s(settings),
        "refresh_s": REFRESH_S,
        "broker": settings.broker_transport,
    }


async def _cached(request: Request, engine: EngineDep, settings: Settings, celery: Any) -> Any:
    """One snapshot per CACHE_S for the whole app: open tabs refreshing every few seconds
    must not each scan the products table and ping the workers."""
    cache: dict[str, Any] = request.app.state.ui_system_cache
    if cache.get("at", float("-inf")) + CACHE_S < time.monotonic():
        cache["data"] = await run_in_threadpool(_snapshot, engine, settings, celery)
        cache["at"] = time.monotonic()
    return cache["data"]


@router.get("/system")
async def system_page(
    request: Request, viewer: Viewer, engine: EngineDep, settings: SettingsDep, celery: CeleryDep
) -> Response:
    """How fresh the prices are and whether the machinery runs."""
    snapshot = await _cached(request, engine, settings, celery)
    return page(request, "system.html", viewer, nav="system", **snapshot)


@router.get("/system/panel")
async def system_panel(
    request: Request, viewer: Viewer, engine: EngineDep, settings: SettingsDep, celery: CeleryDep
) -> Response:
    """The System page's figures alone (htmx swaps them in every few seconds)."""
    snapshot = await _cached(request, engine, settings, celery)
    return page(request, "_system_panel.html", viewer, **snapshot)
