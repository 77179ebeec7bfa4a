"""The FastAPI application: settings in, routers, error mapping and metrics wired once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import APIRouter, FastAPI, Request, status
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError as BrokerError
from prometheus_client import CollectorRegistry, ProcessCollector
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DataError
from sqlalchemy.exc import OperationalError as DatabaseError

from priceradar import __version__
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.ratelimit import effective_rates
from priceradar.api.auth import policy_for
from priceradar.api.limits import BodyLimit
from priceradar.api.routes import (
    checks,
    deals,
    health,
    history,
    imports,
    products,
    rendering,
    stats,
    watches,
)
from priceradar.api.schemas import Problem
from priceradar.config import Settings
from priceradar.observability.metrics import PriceradarCollector, broker_queue_lengths
from priceradar.web import mount_web
from priceradar.worker.app import QUEUES
from priceradar.worker.app import create_app as create_celery_app

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
UI_URL_LIST_MAX_BYTES = 4 * 1024 * 1024


def create_app(settings: Settings) -> FastAPI:
    """Build the API for these settings (raises ConfigError when they are not safe to serve)."""
    policy = policy_for(settings)
    engine = make_engine(
        settings.db_url, pool_size=settings.api_db_pool_size, max_overflow=settings.api_db_pool_size
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if policy.dev_mode:
            log.warning(
                "no API keys configured (PRICERADAR_API_KEY_HASHES): development mode, "
                "loopback clients may write without a key"
            )
        yield
        engine.dispose()

    app = FastAPI(
        title="priceradar",
        version=__version__,
        summary="Keeps the prices of millions of products fresh.",
        lifespan=lifespan,
        docs_url=None,  # served by the web UI from vendored files (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.policy = policy
    app.state.engine = engine
    app.state.celery = create_celery_app(settings)
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    registry.register(
        PriceradarCollector(
            engine,
            broker_queue_lengths(settings, QUEUES),
            cache_s=settings.metrics_cache_s,
            max_domains=settings.metrics_max_domains,
            catalog_cache_s=settings.metrics_catalog_cache_s,
            bands=len(settings.priority_bands),
            lane_rates=partial(effective_rates, settings.redis_url) if settings.redis_url else None,
        )
    )
    app.state.metrics = registry

    # A body that cannot even be decoded is refused by FastAPI with 400 before validation.
    api = APIRouter(
        prefix=API_PREFIX, responses={400: {"model": Problem, "description": "Malformed body"}}
    )
    for module in (imports, products, history, checks, deals, watches, stats, rendering):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    _error_handlers(app)
    mount_web(app, settings)
    app.add_middleware(
        BodyLimit,
        limit=settings.api_max_body_bytes,
        overrides={
            f"{API_PREFIX}/products/import": settings.api_import_max_bytes,
            # The UI's pasted list is parsed in memory before its login is checked: a million
            # characters, URL-encoded. Its CSV upload is spooled to disk: the import cap.
            "/add/urls": UI_URL_LIST_MAX_BYTES,
            "/add/": settings.api_import_max_bytes,  # the web UI's import forms
        },
    )
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DataError)
    async def _bad_value(_: Request, exc: DataError) -> JSONResponse:
        # The database refused a value validation let through (e.g. a NUL byte in text).
        message = f"invalid value: {str(exc.orig).splitlines()[0]}"
        return JSONResponse(
            {"detail": [{"loc": [], "msg": message, "type": "value_error"}]},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    @app.exception_handler(DatabaseError)
    async def _database_down(_: Request, exc: DatabaseError) -> JSONResponse:
        log.error("database unavailable: %s", exc.orig)
        return JSONResponse(
            {"detail": "database unavailable"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
        )

    @app.exception_handler(BrokerError)
    @app.exception_handler(RedisConnectionError)
    async def _broker_down(_: Request, exc: Exception) -> JSONResponse:
        log.error("broker unavailable: %s", exc)
        return JSONResponse(
            {"detail": "broker unavailable"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
        )
