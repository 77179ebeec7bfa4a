"""A fake Telegram Bot API: a real aiohttp server on 127.0.0.1 that records every request.

Per chat, answers can be scripted in order (then it answers ok): 429 with
`parameters.retry_after`, 400 "Bad Request: chat not found", 403 "Forbidden: bot was blocked
by the user", 500, or an ok answer held back for a while (a request Telegram has accepted
while the sender is killed). A request is recorded when it arrives, before any delay.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:TEST-fake-token_abcdefghijklmnopqrstuvw"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    description: str | None = None
    retry_after: int | None = None
    delay_s: float = 0.0


OK = Reply()
CHAT_NOT_FOUND = Reply(400, "Bad Request: chat not found")
BLOCKED = Reply(403, "Forbidden: bot was blocked by the user")
SERVER_ERROR = Reply(500, "Internal Server Error")
BAD_PHOTO = Reply(400, "Bad Request: wrong file identifier/HTTP URL specified")


def too_many(retry_after: int) -> Reply:
    return Reply(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


@dataclass(frozen=True)
class Received:
    method: str
    token: str
    payload: dict[str, Any]
    at: float

    @property
    def chat_id(self) -> str:
        return str(self.payload.get("chat_id"))

    @property
    def html(self) -> str:
        return str(self.payload.get("text") or self.payload.get("caption") or "")


@dataclass
class FakeTelegram:
    """`with FakeTelegram() as tg:` then point PRICERADAR_TELEGRAM_API_BASE_URL at tg.base_url."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_id: int = 1000

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def script(self, chat_id: str | int, *replies: Reply) -> None:
        with self._lock:
            self.scripts.setdefault(str(chat_id), []).extend(replies)

    def to(self, chat_id: str | int) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.chat_id == str(chat_id)]

    def delivered(self, chat_id: str | int) -> list[Received]:
        """Requests to this chat that were (or are being) answered ok."""
        with self._lock:
            return [r for r in self.received if r.chat_id == str(chat_id) and r.payload.get("_ok")]

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        payload = dict(await request.json())
        with self._lock:
            queue = self.scripts.get(str(payload.get("chat_id")), [])
            reply = queue.pop(0) if queue else OK
            if reply.status == 200:
                payload["_ok"] = True
            self.received.append(Received(method, token, payload, time.time()))
            self._next_id += 1
            message_id = self._next_id
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if token != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if reply.status == 200:
            result = {"message_id": message_id, "chat": {"id": payload.get("chat_id")}}
            return web.json_response({"ok": True, "result": result})
        body: dict[str, Any] = {
            "ok": False,
            "error_code": reply.status,
            "description": reply.description,
        }
        if reply.retry_after is not None:
            body["parameters"] = {"retry_after": reply.retry_after}
        return web.json_response(body, status=reply.status)

    def __enter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

        async def start() -> web.AppRunner:
            runner = web.AppRunner(app, shutdown_timeout=1.0)  # do not wait for held answers
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            self.port = runner.addresses[0][1]
            return runner

        self._runner = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            await self._runner.cleanup()
            # Answers still held back (their client is gone) end here, not at loop close.
            held = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in held:
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
