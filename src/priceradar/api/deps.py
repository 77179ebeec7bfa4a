"""Request dependencies as `Annotated` aliases: settings, engine, connection, Celery, access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from celery import Celery
from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from priceradar.api.auth import AccessPolicy
from priceradar.config import Settings

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (`priceradar api-key new`)."
)
bearer = HTTPBearer(auto_error=False, description="The same API key as a Bearer token.")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_celery(request: Request) -> Celery[Any]:
    return request.app.state.celery  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CeleryDep = Annotated[Celery[Any], Depends(get_celery)]


def get_conn(engine: EngineDep) -> Iterator[Connection]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with engine.begin() as conn:
        yield conn


ConnDep = Annotated[Connection, Depends(get_conn)]


def _presented_key(
    key: Annotated[str | None, Security(api_key_header)],
    token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> str | None:
    return key or (token.credentials if token else None)


KeyDep = Annotated[str | None, Depends(_presented_key)]


def _policy(request: Request) -> AccessPolicy:
    return request.app.state.policy  # type: ignore[no-any-return]


def _refuse() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid API key is required (X-API-Key header or Authorization: Bearer)",
        headers={"WWW-Authenticate": "Bearer"},
    )


def require_write(request: Request, key: KeyDep) -> None:
    if not _policy(request).may_write(key, request.client.host if request.client else None):
        raise _refuse()


def require_read(request: Request, key: KeyDep) -> None:
    if not _policy(request).may_read(key, request.client.host if request.client else None):
        raise _refuse()


def require_scrape(request: Request, key: KeyDep) -> None:
    if not _policy(request).may_scrape(key, request.client.host if request.client else None):
        raise _refuse()


ApiKeyDep = Annotated[None, Depends(require_write)]
ReadAccess = Depends(require_read)
WriteAccess = Depends(require_write)
MetricsAccess = Depends(require_scrape)
