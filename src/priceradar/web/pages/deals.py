"""Deals: open ones and ended ones, with the discount against the reference price."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from priceradar.adapters.db import views
from priceradar.api.deps import ConnDep
from priceradar.api.schemas import MAX_ID
from priceradar.web.render import page
from priceradar.web.security import Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/deals")
def deals_page(
    request: Request,
    viewer: Viewer,
    conn: ConnDep,
    show: Annotated[str, Query(pattern="^(current|past)$")] = "current",
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Current or past deals, newest first, keyset-paginated by id."""
    rows, next_before = views.deals_with_products(conn, show == "current", before, PAGE_SIZE)
    open_count, ended_count = views.deal_counts(conn)
    return page(
        request,
        "deals.html",
        viewer,
        nav="deals",
        rows=rows,
        show=show,
        next_before=next_before,
        first_page=before is None,
        open_count=open_count,
        ended_count=ended_count,
        now=datetime.now(UTC),
    )
