"""Add products: a list of URLs, or a CSV upload with progress and a per-row error report.

Both go through the API's bulk import (`api.routes.imports.run_import`): the same parsing,
SSRF vetting, batching and report.
"""

from __future__ import annotations

import csv
import io
from tempfile import SpooledTemporaryFile
from typing import IO, Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from priceradar.api.deps import EngineDep, SettingsDep
from priceradar.api.routes.imports import run_import
from priceradar.api.schemas import ImportReport
from priceradar.web.render import page
from priceradar.web.security import CsrfChecked, Viewer

router = APIRouter(include_in_schema=False)
MAX_LIST_CHARS = 1_000_000  # about 10k URLs pasted at once; larger lists: upload a CSV


@router.get("/add")
def add_page(request: Request, viewer: Viewer) -> Response:
    """Forms to add products by URL or from a CSV file."""
    return page(request, "add.html", viewer, nav="add", report=None, error=None, urls="")


@router.post("/add/urls", dependencies=[CsrfChecked])
async def add_urls(
    request: Request,
    viewer: Viewer,
    engine: EngineDep,
    settings: SettingsDep,
    urls: Annotated[str, Form(max_length=MAX_LIST_CHARS)] = "",
    interval: Annotated[str, Form(max_length=12)] = "",
    priority: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Track the URLs listed one per line."""
    lines = [line.strip() for line in urls.splitlines() if line.strip()]
    if not lines:
        return _result(request, viewer, None, "paste at least one URL", urls)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["url", "check_interval_s", "priority"])
    for line in lines:
        writer.writerow([line, interval.strip(), priority.strip()])
    spool: IO[bytes] = io.BytesIO(buffer.getvalue().encode("utf-8"))
    return await _import(request, viewer, engine, settings, spool, urls)


@router.post("/add/csv", dependencies=[CsrfChecked])
async def add_csv(
    request: Request,
    viewer: Viewer,
    engine: EngineDep,
    settings: SettingsDep,
    file: UploadFile,
) -> Response:
    """Import a CSV file (column `url`, optional `check_interval_s`, `priority`)."""
    cap = settings.api_import_max_bytes
    if file.size is not None and file.size > cap:
        message = f"file larger than PRICERADAR_API_IMPORT_MAX_BYTES={cap}"
        return _result(request, viewer, None, message, "")
    spool: IO[bytes] = SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (closed below)
    try:
        while chunk := await file.read(1 << 20):
            spool.write(chunk)
        spool.seek(0)
        return await _import(request, viewer, engine, settings, spool, "")
    finally:
        spool.close()


async def _import(
    request: Request,
    viewer: Any,
    engine: EngineDep,
    settings: SettingsDep,
    spool: IO[bytes],
    urls: str,
) -> Response:
    try:
        report = await run_in_threadpool(run_import, spool, "csv", engine, settings)
    except HTTPException as exc:
        detail = exc.detail
        message = detail[0]["msg"] if isinstance(detail, list) and detail else str(detail)
        return _result(request, viewer, None, message, urls)
    # Keep the rejected lines in the box so they can be fixed and sent again.
    rejected = "\n".join(e.input for e in report.errors) if urls else ""
    return _result(request, viewer, report, None, rejected)


def _result(
    request: Request, viewer: Any, report: ImportReport | None, error: str | None, urls: str
) -> Response:
    partial = bool(request.headers.get("hx-request"))
    return page(
        request,
        "_import_report.html" if partial else "add.html",
        viewer,
        # htmx swaps only 2xx answers: the partial carries the error itself.
        status_code=422 if error and not partial else 200,
        nav="add",
        report=report,
        error=error,
        urls=urls,
    )
