"""Watches: create, list, get and delete (the same service as `priceradar watches`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from priceradar.adapters.http.targets import HostVetter
from priceradar.api.deps import ConnDep, ReadAccess, SettingsDep, WriteAccess
from priceradar.api.routes.common import (
    NOT_FOUND,
    UNAUTHORIZED,
    UNAVAILABLE,
    invalid,
    not_found,
)
from priceradar.api.schemas import MAX_ID, WatchCreate, WatchPublic
from priceradar.services import watches as service

router = APIRouter(prefix="/watches", tags=["watches"], responses={**UNAUTHORIZED, **UNAVAILABLE})
WatchIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Watch id.")]


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[WriteAccess])
def add_watch(body: WatchCreate, conn: ConnDep, settings: SettingsDep) -> WatchPublic:
    """Create a watch (and its destination) for a product or for matching deals; an Apprise
    URL must not name a private, loopback or link-local server (SSRF)."""
    spec = service.WatchSpec(**body.model_dump())
    hosts = HostVetter(tuple(settings.allowed_private_hosts), settings.api_dns_timeout_s)
    try:
        watch_id = service.add_watch(conn, spec, datetime.now(UTC), hosts)
    except service.WatchError as exc:
        raise invalid(str(exc), "body", kind="invalid_watch") from None
    return _one(conn, watch_id)


@router.get("", dependencies=[ReadAccess])
def list_watches(conn: ConnDep) -> list[WatchPublic]:
    """Every watch with its destination (Apprise URLs masked) and rule."""
    return [
        WatchPublic.model_validate(view, from_attributes=True)
        for view in service.list_watches(conn)
    ]


@router.get("/{watch_id}", dependencies=[ReadAccess], responses=NOT_FOUND)
def get_watch(watch_id: WatchIdPath, conn: ConnDep) -> WatchPublic:
    """One watch."""
    return _one(conn, watch_id)


@router.delete(
    "/{watch_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[WriteAccess],
    responses=NOT_FOUND,
)
def delete_watch(watch_id: WatchIdPath, conn: ConnDep) -> Response:
    """Delete a watch."""
    if not service.delete_watch(conn, watch_id):
        raise not_found("watch")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _one(conn: ConnDep, watch_id: int) -> WatchPublic:
    # Watches number in the hundreds, not millions: the service lists them all.
    for view in service.list_watches(conn):
        if view.id == watch_id:
            return WatchPublic.model_validate(view, from_attributes=True)
    raise not_found("watch")
