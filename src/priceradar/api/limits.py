"""Request body limits, enforced before anything reads, parses or authenticates a body.

FastAPI reads and parses a route's JSON body before its dependencies (the API key check) run,
so without a limit here any client could make the API buffer gigabytes. This ASGI middleware
sits outside the app: a declared Content-Length over the limit is answered 413 at once, and a
chunked body is counted as it arrives and cut off at the limit.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def server_limits(max_connections: int) -> dict[str, Any]:
    """uvicorn's own limits, for every command that serves the API: connections at once (more
    get 503, so bodies in flight stay bounded: each at most its cap), idle keep-alive, and the
    size of a request head (h11; httptools has its own fixed bound)."""
    return {
        "limit_concurrency": max_connections,
        "timeout_keep_alive": 5,
        "h11_max_incomplete_event_size": 64 * 1024,
    }


class BodyTooLarge(HTTPException):
    """The body went past its limit while being read: an HTTPException, so FastAPI's body
    reading passes it on as a 413 instead of calling it a parse error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    """`limit` bytes for every request body; `overrides` maps a path prefix to its own limit."""

    def __init__(self, app: ASGIApp, limit: int, overrides: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.overrides = overrides or {}

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.overrides.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
