"""Products: add one, list with filters and cursor pagination, get, update, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from priceradar.adapters.db import crud
from priceradar.api.deps import ConnDep, ReadAccess, SettingsDep, WriteAccess
from priceradar.api.routes.common import (
    NOT_FOUND,
    UNAUTHORIZED,
    UNAVAILABLE,
    ProductIdPath,
    invalid,
    not_found,
)
from priceradar.api.schemas import (
    MAX_ID,
    Problem,
    ProductCreate,
    ProductPage,
    ProductPublic,
    ProductUpdate,
)
from priceradar.domain.urls import InvalidProductURL
from priceradar.services.catalog import ProductInput, UrlVetter

router = APIRouter(prefix="/products", tags=["products"], responses={**UNAUTHORIZED, **UNAVAILABLE})


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[WriteAccess],
    responses={409: {"model": Problem, "description": "Already tracked"}},
)
def add_product(body: ProductCreate, conn: ConnDep, settings: SettingsDep) -> ProductPublic:
    """Track a product page (the URL is canonicalized and checked against SSRF)."""
    vetter = UrlVetter(
        tuple(settings.allowed_private_hosts),
        settings.api_dns_timeout_s,
        settings.priority_bands,
    )
    try:
        product = vetter.vet(ProductInput(body.url, body.check_interval_s, body.priority))
    except InvalidProductURL as exc:
        raise invalid(str(exc), "body", "url", kind="invalid_product_url") from None
    product_id, created = crud.add_product(conn, product, datetime.now(UTC))
    if not created:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            {"message": "this URL is already tracked", "id": product_id, "url": product.url},
        )
    return _public(conn, product_id)


@router.get("", dependencies=[ReadAccess])
def list_products(
    conn: ConnDep,
    cursor: Annotated[
        int, Query(ge=0, le=MAX_ID, description="`next_cursor` of the last page.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    active: bool | None = None,
    domain: Annotated[str | None, Query(max_length=255, pattern=r"^[^\x00-\x1f]*$")] = None,
    outcome: Annotated[str | None, Query(max_length=24, pattern=r"^[a-z_]+$")] = None,
    band: Annotated[
        int | None, Query(ge=0, le=20, description="Priority band, 0 = urgent.")
    ] = None,
    due: bool | None = None,
) -> ProductPage:
    """List products in id order, filtered; follow `next_cursor` for the next page."""
    filters = crud.ProductFilter(active, domain, outcome, band, due)
    rows = crud.list_products(conn, filters, cursor, limit, datetime.now(UTC))
    items = [ProductPublic.model_validate(dict(r._mapping)) for r in rows]
    return ProductPage(items=items, next_cursor=items[-1].id if len(items) == limit else None)


@router.get("/{product_id}", dependencies=[ReadAccess], responses=NOT_FOUND)
def get_product(product_id: ProductIdPath, conn: ConnDep) -> ProductPublic:
    """One product and its latest observed state."""
    return _public(conn, product_id)


@router.patch("/{product_id}", dependencies=[WriteAccess], responses=NOT_FOUND)
def update_product(product_id: ProductIdPath, body: ProductUpdate, conn: ConnDep) -> ProductPublic:
    """Change a product's interval override or switch it on or off."""
    changes = body.model_dump(include=body.model_fields_set)
    if not crud.update_product(conn, product_id, changes, datetime.now(UTC)):
        raise not_found("product")
    return _public(conn, product_id)


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[WriteAccess],
    responses=NOT_FOUND,
)
def delete_product(product_id: ProductIdPath, conn: ConnDep) -> Response:
    """Stop tracking a product and delete its price history."""
    if not crud.delete_product(conn, product_id):
        raise not_found("product")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _public(conn: ConnDep, product_id: int) -> ProductPublic:
    row = crud.get_product(conn, product_id)
    if row is None:
        raise not_found("product")
    return ProductPublic.model_validate(dict(row._mapping))
