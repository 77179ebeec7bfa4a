"""The OpenAPI docs (Swagger UI) from vendored files: no CDN, no inline script."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from priceradar.web.render import templates

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> Response:
    return templates.TemplateResponse(
        request, "docs.html", {"openapi_url": request.app.openapi_url or "/openapi.json"}
    )
