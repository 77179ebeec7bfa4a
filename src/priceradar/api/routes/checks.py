"""Checks on demand, Celery task status (AsyncResult), and the seed's test task (`ping`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from celery import Celery
from celery.result import AsyncResult
from fastapi import APIRouter, Path, Request, status

from priceradar.adapters.db import crud
from priceradar.api.deps import CeleryDep, ConnDep, ReadAccess, SettingsDep, WriteAccess
from priceradar.api.routes.common import (
    NOT_FOUND,
    UNAUTHORIZED,
    UNAVAILABLE,
    ProductIdPath,
    not_found,
)
from priceradar.api.schemas import CheckRequest, PingRequest, TaskAccepted, TaskStatus
from priceradar.config import Settings
from priceradar.worker.app import broker_priority

router = APIRouter(tags=["tasks"], responses={**UNAUTHORIZED, **UNAVAILABLE})
TaskIdPath = Annotated[uuid.UUID, Path(description="A Celery task id.")]
ACCEPTED = status.HTTP_202_ACCEPTED


@router.post(
    "/products/{product_id}/check",
    status_code=ACCEPTED,
    dependencies=[WriteAccess],
    responses=NOT_FOUND,
)
def check_product(
    product_id: ProductIdPath,
    request: Request,
    conn: ConnDep,
    celery: CeleryDep,
    settings: SettingsDep,
) -> TaskAccepted:
    """Check one product now (a batch of one at top priority); returns the task id."""
    if not crud.existing_ids(conn, [product_id]):
        raise not_found("product")
    return _enqueue_check(request, celery, settings, [product_id], [], priority=10)


@router.post("/checks", status_code=ACCEPTED, dependencies=[WriteAccess], responses=NOT_FOUND)
def check_batch(
    body: CheckRequest, request: Request, conn: ConnDep, celery: CeleryDep, settings: SettingsDep
) -> TaskAccepted:
    """Check a batch of products now as one task; unknown ids are reported and skipped."""
    wanted = sorted(set(body.product_ids))
    known = crud.existing_ids(conn, wanted)
    if not known:
        raise not_found("none of these products")
    unknown = [i for i in wanted if i not in known]
    return _enqueue_check(request, celery, settings, sorted(known), unknown, body.priority)


@router.get("/tasks/{task_id}", dependencies=[ReadAccess])
def task_status(task_id: TaskIdPath, celery: CeleryDep) -> TaskStatus:
    """A task's state, result and traceback (PENDING also means unknown or expired)."""
    return _status(celery, str(task_id))


@router.post("/test-task", status_code=ACCEPTED, dependencies=[WriteAccess])
def start_test_task(
    request: Request, celery: CeleryDep, body: PingRequest | None = None
) -> TaskAccepted:
    """Enqueue the trivial `ping` task: proves API, broker, worker and result backend work."""
    message = body.message if body else "pong"
    task_id = celery.send_task("ping", kwargs={"message": message}).id
    return TaskAccepted(
        task_id=task_id, status_url=str(request.url_for("test_task_status", task_id=task_id))
    )


@router.get("/test-task/{task_id}", dependencies=[ReadAccess])
def test_task_status(task_id: TaskIdPath, celery: CeleryDep) -> TaskStatus:
    """The state of a test task; SUCCESS with the echoed message means the chain works."""
    return _status(celery, str(task_id))


def _enqueue_check(
    request: Request,
    celery: CeleryDep,
    settings: SettingsDep,
    ids: list[int],
    unknown: list[int],
    priority: int,
) -> TaskAccepted:
    task_id = send_check(celery, settings, ids, priority)
    return TaskAccepted(
        task_id=task_id,
        status_url=str(request.url_for("task_status", task_id=task_id)),
        product_ids=ids,
        unknown_ids=unknown,
    )


def send_check(celery: Celery[Any], settings: Settings, ids: list[int], priority: int) -> str:
    """Enqueue one batch check of these products now; returns the task id (API and web UI)."""
    # send_task skips PriorityTask.apply_async, so translate the priority for the broker here.
    result = celery.send_task(
        "batch_price_check",
        args=[ids],
        kwargs={"priority": priority},
        priority=broker_priority(priority, settings.broker_transport),
    )
    return str(result.id)


def _status(celery: CeleryDep, task_id: str) -> TaskStatus:
    result: AsyncResult[Any] = AsyncResult(task_id, app=celery)
    state = result.state
    value = result.result
    if isinstance(value, BaseException):
        value = f"{type(value).__name__}: {value}"
    return TaskStatus(
        task_id=task_id,
        name=getattr(result, "name", None),
        state=state,
        ready=state in {"SUCCESS", "FAILURE", "REVOKED"},
        result=value,
        # Typed as a traceback object, but the result backend stores the formatted text.
        traceback=str(result.traceback) if result.traceback else None,
    )
