"""Liveness, readiness (database, migrations, broker) and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from priceradar.adapters.db import migrate
from priceradar.api.deps import CeleryDep, EngineDep, MetricsAccess
from priceradar.api.routes.common import UNAUTHORIZED
from priceradar.api.schemas import Health, Readiness

router = APIRouter(tags=["monitoring"])
# A readiness probe must answer before the orchestrator's probe timeout (1-10 s).
BROKER_TIMEOUT_S = 3


@router.get("/health")
def health() -> Health:
    """Liveness: the process answers (touches no dependency)."""
    return Health(status="ok")


@router.get("/ready", responses={503: {"model": Readiness, "description": "Not ready"}})
async def ready(engine: EngineDep, celery: CeleryDep) -> Any:
    """Readiness: database reachable and not behind this build's migrations, broker reachable."""
    checks = {
        "database": await run_in_threadpool(_database, engine),
        "broker": await run_in_threadpool(_broker, celery),
    }
    body = Readiness(
        status="ok" if all(v == "ok" for v in checks.values()) else "unavailable", checks=checks
    )
    code = status.HTTP_200_OK if body.status == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
    return JSONResponse(body.model_dump(), status_code=code)


@router.get(
    "/metrics",
    dependencies=[MetricsAccess],
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}},
        **UNAUTHORIZED,
    },
)
def metrics(request: Request) -> Response:
    """Prometheus metrics (text exposition format)."""
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)


def _database(engine: EngineDep) -> str:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        # A newer schema is fine (rolling upgrade); only a database behind this build is not.
        if migrate.schema_state(engine) == "behind":
            return "migrations pending (priceradar db upgrade)"
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"


def _broker(celery: CeleryDep) -> str:
    try:
        with celery.connection_for_write(connect_timeout=BROKER_TIMEOUT_S) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_S)
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
