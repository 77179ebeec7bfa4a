"""A tiny script-only shop whose pages attack the browser: redirects, subresources, fetch(),
XHR, WebSocket, preconnect and iframes aimed at a canary. A real server on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

PRICE_SPAN = '<span class="price">$12.99</span>'


def shell(script: str, extra: str = "") -> str:
    body = f'<div id="app"></div>{extra}<script>{script}</script>'
    return f"<html><head></head><body>{body}</body></html>"


class Site:
    """A tiny script-only shop on a free loopback port, in a background thread."""

    def __init__(self, canary_url: str) -> None:
        self.hits: Counter[str] = Counter()
        self.canary_url = canary_url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def pages(self) -> dict[str, Callable[[web.Request], Any]]:
        c = self.canary_url
        later = f"setTimeout(()=>{{app.innerHTML='{PRICE_SPAN}'}}, 1200)"
        loaded = "fetch('/api/price').then(r=>r.json()).then(d=>{app.innerHTML="
        loaded += "'<span class=\"price\">$'+d.price+'</span>'})"
        return {
            "/delayed": lambda r: _html(
                shell(later, '<img src="/img.png"><link rel=stylesheet href="/font.woff2">')
            ),
            "/fetched": lambda r: _html(shell(loaded)),
            "/api/price": lambda r: web.json_response({"price": "12.99"}),
            # a placeholder price first, the real one from a slow endpoint a second later
            "/placeholder": lambda r: _html(
                shell(
                    "app.innerHTML='<span class=\"price\">$0.00</span>';"
                    + loaded.replace("/api/price", "/api/slow-price")
                )
            ),
            # ... and the same with the real price's request sent a moment after the page loaded
            "/placeholder-later": lambda r: _html(
                shell(
                    "app.innerHTML='<span class=\"price\">$0.00</span>';setTimeout(()=>{"
                    + loaded.replace("/api/price", "/api/slow-price")
                    + "}, 100)"
                )
            ),
            "/api/slow-price": self._slow_price,
            "/img.png": lambda r: web.Response(body=b"\x89PNG", content_type="image/png"),
            "/hang": self._hang,
            "/to-canary": lambda r: _redirect(f"{c}/navigation-redirect"),
            "/xhr-redirect": lambda r: _redirect(f"{c}/fetch-redirect"),
            "/hostile": lambda r: _html(
                shell(
                    f"fetch('{c}/fetch').catch(()=>0); fetch('/xhr-redirect').catch(()=>0);"
                    f"var x=new XMLHttpRequest(); x.open('GET','{c}/xhr'); x.send();"
                    f"new WebSocket('ws://127.0.0.1:{c.rsplit(':', 1)[1]}/ws');"
                    f"{later}",
                    f'<script src="{c}/script.js"></script><link rel=stylesheet href="{c}/s.css">'
                    f'<iframe src="{c}/frame"></iframe><link rel=preconnect href="{c}">'
                    f'<img src="{c}/img.png">',
                )
            ),
        }

    async def _slow_price(self, request: web.Request) -> web.Response:
        await asyncio.sleep(1.0)
        return web.json_response({"price": "12.99"})

    async def _hang(self, request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return _html("late")

    def __enter__(self) -> Site:
        app = web.Application()
        for path, handler in self.pages().items():

            async def counted(
                request: web.Request, handler: Callable[[web.Request], Any] = handler
            ) -> Any:
                self.hits[request.path] += 1
                result = handler(request)
                return await result if asyncio.iscoroutine(result) else result

            app.router.add_get(path, counted)
        self._thread.start()
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        asyncio.run_coroutine_threadsafe(self._runner.setup(), self._loop).result(10)
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        asyncio.run_coroutine_threadsafe(site.start(), self._loop).result(10)
        self.port = int(self._runner.addresses[0][1])
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html")


def _redirect(url: str) -> web.Response:
    raise web.HTTPFound(url)
