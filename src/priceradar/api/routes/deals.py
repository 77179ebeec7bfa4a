"""Deals: active and recent, newest first, cursor-paginated."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from priceradar.adapters.db import crud
from priceradar.api.deps import ConnDep, ReadAccess
from priceradar.api.routes.common import UNAUTHORIZED, UNAVAILABLE
from priceradar.api.schemas import MAX_ID, DealPage, DealPublic

router = APIRouter(
    prefix="/deals",
    tags=["deals"],
    dependencies=[ReadAccess],
    responses={**UNAUTHORIZED, **UNAVAILABLE},
)


@router.get("")
def list_deals(
    conn: ConnDep,
    active: Annotated[
        bool | None, Query(description="true: open deals; false: ended ones; absent: all.")
    ] = None,
    cursor: Annotated[int | None, Query(ge=1, le=MAX_ID, description="`next_cursor`.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DealPage:
    """Deals, newest first; `active=true` for the open ones."""
    rows = crud.deals_page(conn, active, cursor, limit)
    items = [DealPublic.from_row(dict(r._mapping)) for r in rows]
    return DealPage(items=items, next_cursor=items[-1].id if len(items) == limit else None)
