"""Bulk import: CSV, a JSON array or NDJSON, streamed to disk, inserted in batches.

The body is spooled (memory up to 1 MiB, then a temporary file) while it arrives, so a 100k-row
file costs no more memory than a small one. The whole body is then validated once (an
unreadable body stores nothing: `services.import_files`), and its rows parsed again lazily and
inserted by the catalog service in batches of `IMPORT_BATCH`, each host resolved once for the
SSRF check. Bad rows are reported one by one; good rows are stored.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from tempfile import SpooledTemporaryFile
from typing import IO, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import Engine

from priceradar.api.deps import EngineDep, SettingsDep, WriteAccess
from priceradar.api.routes.common import UNAUTHORIZED, UNAVAILABLE, invalid
from priceradar.api.schemas import (
    ImportReport,
    Problem,
    ProductCreate,
    RejectedRow,
    ValidationProblem,
)
from priceradar.config import Settings
from priceradar.domain.urls import InvalidProductURL
from priceradar.services.catalog import ProductInput, UrlVetter, add_products
from priceradar.services.import_files import (
    Rejected,
    Row,
    UnreadableImport,
    accepted,
    csv_rows,
    validated,
)

router = APIRouter(prefix="/products", tags=["products"], responses={**UNAUTHORIZED, **UNAVAILABLE})

KINDS = {"text/csv": "csv", "application/json": "json", "application/x-ndjson": "ndjson"}
MAX_ERRORS_SHOWN = 100

_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/ProductCreate"}}
        },
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


@router.post(
    "/import",
    dependencies=[WriteAccess],
    openapi_extra={"requestBody": _BODY},
    responses={
        413: {"model": Problem, "description": "Body too large"},
        415: {"model": Problem, "description": "Unsupported content type"},
        422: {"model": ValidationProblem, "description": "Unreadable body"},
    },
)
async def import_products(
    request: Request, settings: SettingsDep, engine: EngineDep
) -> ImportReport:
    """Bulk-add products from CSV (`url`, `check_interval_s`, `priority`), JSON or NDJSON."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = KINDS.get(media)
    if kind is None:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"send one of: {', '.join(KINDS)}"
        )
    spool = await _spool(request, settings.api_import_max_bytes)
    vetter = UrlVetter(
        tuple(settings.allowed_private_hosts),
        settings.api_dns_timeout_s,
        settings.priority_bands,
    )
    try:
        return await run_in_threadpool(_import, spool, kind, engine, vetter, settings)
    finally:
        spool.close()


async def _spool(request: Request, max_bytes: int) -> IO[bytes]:
    spool: IO[bytes] = SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (closed by caller)
    # Decoding as it arrives refuses a non-UTF-8 body before any row is inserted.
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            spool.close()
            raise invalid(f"body is not UTF-8: {exc}", "body") from None
        if size > max_bytes:
            spool.close()
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"body larger than PRICERADAR_API_IMPORT_MAX_BYTES={max_bytes}",
            )
        spool.write(chunk)
    spool.seek(0)
    return spool


def _import(
    spool: IO[bytes], kind: str, engine: EngineDep, vetter: UrlVetter, settings: SettingsDep
) -> ImportReport:
    rejected: list[Rejected] = []
    try:
        rows = validated(spool, PARSERS[kind])  # the whole body first: unreadable stores nothing
    except UnreadableImport as exc:
        raise invalid(f"unreadable {kind} body: {exc}", "body") from None
    report = add_products(
        engine,
        _vetted(accepted(rows, rejected), vetter, rejected),
        tuple(settings.allowed_private_hosts),
        bands=settings.priority_bands,
    )
    errors = [*rejected, *report.invalid]
    return ImportReport(
        inserted=report.inserted,
        existing=report.existing,
        invalid=len(errors),
        errors=[RejectedRow(input=i[:500], reason=r) for i, r in errors[:MAX_ERRORS_SHOWN]],
    )


def _json_rows(text: IO[str]) -> Iterator[Row]:
    try:
        data = json.load(text)
    except ValueError as exc:  # JSONDecodeError, or an integer over Python's 4300 digits
        raise UnreadableImport(str(exc)) from None
    if not isinstance(data, list):
        raise UnreadableImport("expected a JSON array of products")
    return (_row(entry) for entry in data)


def _ndjson_rows(text: IO[str]) -> Iterator[Row]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:  # JSONDecodeError, or an integer over Python's 4300 digits
            yield (line.strip()[:500], f"line {number}: not JSON: {exc}")
            continue
        except RecursionError:
            yield (line.strip()[:500], f"line {number}: nested too deeply")
            continue
        yield _row(entry)


PARSERS: dict[str, Callable[[IO[str]], Iterator[Row]]] = {
    "csv": csv_rows,
    "json": _json_rows,
    "ndjson": _ndjson_rows,
}


def _row(entry: Any) -> Row:
    """One JSON row: an object like ProductCreate, or a bare URL string."""
    if isinstance(entry, str):
        entry = {"url": entry}
    try:
        row = ProductCreate.model_validate(entry)
    except ValidationError as exc:
        reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return (_preview(entry), reason or "invalid row")
    return ProductInput(row.url, row.check_interval_s, row.priority)


def _preview(entry: Any) -> str:
    try:
        return json.dumps(entry, default=str)[:500]
    except (ValueError, RecursionError):
        return repr(type(entry))


def _vetted(
    rows: Iterator[ProductInput], vetter: UrlVetter, rejected: list[Rejected]
) -> Iterator[ProductInput]:
    """Rows whose host passes the DNS part of the SSRF check; the rest are recorded with why.

    Only the host is looked at here (each resolved once); the catalog service canonicalizes
    and checks the rest, so a 100k-row import does that work once per row.
    """
    for item in rows:
        try:
            host = (urlsplit(item.url.strip()).hostname or "").rstrip(".")
        except ValueError:
            host = ""  # malformed: the catalog service reports it
        try:
            if host:
                vetter.vet_host(host)
        except InvalidProductURL as exc:
            rejected.append((item.url, str(exc)))
            continue
        yield item


def run_import(spool: IO[bytes], kind: str, engine: Engine, settings: Settings) -> ImportReport:
    """Import an already received body (the web UI's upload form shares this path).

    Blocking: call it from a worker thread. Raises HTTPException 422 for an unreadable body.
    """
    vetter = UrlVetter(
        tuple(settings.allowed_private_hosts),
        settings.api_dns_timeout_s,
        settings.priority_bands,
    )
    return _import(spool, kind, engine, vetter, settings)
