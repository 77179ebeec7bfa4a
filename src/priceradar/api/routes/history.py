"""Price history of a product: JSON pages or a streamed CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from priceradar.adapters.db import crud
from priceradar.api.deps import ConnDep, EngineDep, ReadAccess
from priceradar.api.routes.common import (
    NOT_FOUND,
    UNAUTHORIZED,
    UNAVAILABLE,
    ProductIdPath,
    not_found,
)
from priceradar.api.schemas import MAX_ID, HistoryPage, HistoryPoint

router = APIRouter(
    prefix="/products",
    tags=["history"],
    dependencies=[ReadAccess],
    responses={**UNAUTHORIZED, **UNAVAILABLE, **NOT_FOUND},
)
Since = Annotated[datetime | None, Query(description="Only rows checked at or after this.")]
Until = Annotated[datetime | None, Query(description="Only rows checked before this.")]
CSV_COLUMNS = ("id", "checked_at", "price", "currency", "in_stock", "kind")


@router.get("/{product_id}/history")
def price_history(
    product_id: ProductIdPath,
    conn: ConnDep,
    since: Since = None,
    until: Until = None,
    cursor: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> HistoryPage:
    """A product's price history in write order; follow `next_cursor` for more."""
    if crud.get_product(conn, product_id) is None:
        raise not_found("product")
    rows = crud.history_page(conn, product_id, cursor, limit, since, until)
    items = [HistoryPoint.model_validate(dict(r._mapping)) for r in rows]
    return HistoryPage(items=items, next_cursor=items[-1].id if len(items) == limit else None)


@router.get(
    "/{product_id}/history.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def price_history_csv(
    product_id: ProductIdPath, engine: EngineDep, since: Since = None, until: Until = None
) -> StreamingResponse:
    """A product's whole price history as CSV, streamed."""
    with engine.connect() as conn:
        if crud.get_product(conn, product_id) is None:
            raise not_found("product")
    return StreamingResponse(
        _csv_lines(engine, product_id, since, until),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="product-{product_id}.csv"'},
    )


def _csv_lines(
    engine: EngineDep, product_id: int, since: datetime | None, until: datetime | None
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    # Its own connection: the response streams after the request's dependencies are done.
    with engine.connect() as conn:
        for n, row in enumerate(crud.iter_history(conn, product_id, since, until), 1):
            writer.writerow(
                [
                    row.id,
                    row.checked_at.isoformat(),
                    row.price,
                    row.currency,
                    row.in_stock,
                    row.kind,
                ]
            )
            if n % 1000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()
