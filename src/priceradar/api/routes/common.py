"""Shared route pieces: path parameters and the error responses routes document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Path, status

from priceradar.api.schemas import MAX_ID, Problem

ProductIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Product id.")]

UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": Problem, "description": "No key"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Not found"}}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "Database or broker unavailable"}
}


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


def invalid(msg: str, *loc: str | int, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors, so clients parse one format."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT, [{"loc": list(loc), "msg": msg, "type": kind}]
    )
