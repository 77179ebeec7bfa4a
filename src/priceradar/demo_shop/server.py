"""The demo shop over real HTTP (aiohttp): product pages, discovery pages and a truth oracle.

Binds 127.0.0.1 by default and never makes outgoing requests.
`python -m priceradar.demo_shop --port 8099 --padding 60000 --period 30` serves forever.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import random
import re
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from types import TracebackType

from aiohttp import web
from aiohttp.typedefs import Handler

from priceradar.demo_shop import script_pages
from priceradar.demo_shop.catalog import (
    Fault,
    ShopConfig,
    fault_of,
)
from priceradar.demo_shop.pages import (
    HTML_TYPE,
    render_category_page,
    render_home,
    render_product_page,
    render_robots,
    render_sitemap,
    render_sitemap_index,
)
from priceradar.demo_shop.state import Clock, ProductTruth, ShopState
from priceradar.demo_shop.web_model import MALFORMED_BODY, MODELS, Mishap

_rng = random.Random()  # the web model's draws; not security relevant

_SITEMAP_RE = re.compile(r"products-(\d{1,9})\.xml(\.gz)?")
_STREAM_CHUNK = 256 * 1024


STATE = web.AppKey("demo_shop_state", ShopState)


def _accepts_gzip(request: web.Request) -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        token, _, params = item.partition(";")
        if token.strip().lower() == "gzip":
            q = params.replace(" ", "").lower().removeprefix("q=")
            return not (params and q.strip("0.") == "")
    return False


def _respond(
    request: web.Request,
    status: int,
    headers: Sequence[tuple[str, str]],
    parts: Sequence[bytes],
    *,
    cacheable: bool = False,
) -> web.Response:
    out = dict(headers)
    if _accepts_gzip(request) and sum(map(len, parts)) >= 256:
        body = request.app[STATE].gzip.compress(parts, cacheable=cacheable)
        out["Content-Encoding"] = "gzip"
        out["Vary"] = "Accept-Encoding"
    else:
        body = b"".join(parts)
    return web.Response(status=status, body=body, headers=out)


def _base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


@web.middleware
async def _count_status(request: web.Request, handler: Handler) -> web.StreamResponse:
    counts = request.app[STATE].by_status
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        counts[exc.status] += 1
        raise
    counts[response.status] += 1
    return response


async def _product(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    pid = int(request.match_info["id"])
    if pid < 1:
        raise web.HTTPNotFound()
    state.request_times.append(time.monotonic())
    if not state.cfg.web.is_clean:
        mishap = await _real_web(state)
        if mishap is not None:
            return mishap
    epoch = state.epoch()
    flaky = fault_of(state.cfg, pid) is Fault.FLAKY
    first = state.first_in_epoch(pid, epoch) if flaky else True
    page = render_product_page(
        state.cfg, pid, epoch, base_url=_base_url(request), first_in_epoch=first
    )
    if page.delay_s > 0:
        await asyncio.sleep(page.delay_s)
    state.record(pid, page.status, epoch, page.price is not None)
    if page.fault is not Fault.TOO_LARGE:
        return _respond(request, page.status, page.headers, page.parts, cacheable=True)
    response = web.StreamResponse(status=page.status, headers=dict(page.headers))
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):  # the client gave up, as it should
        for part in page.parts:
            view = memoryview(part)
            for start in range(0, len(view), _STREAM_CHUNK):
                await response.write(view[start : start + _STREAM_CHUNK])
        await response.write_eof()
    return response


async def _real_web(state: ShopState) -> web.Response | None:
    """Wait as the web model says; the answer when something goes wrong, else None."""
    model = state.cfg.web
    delay, mishap = model.draw(_rng)
    if delay > 0:
        await asyncio.sleep(delay)
    if mishap is Mishap.SERVER_ERROR:
        return web.Response(status=500, text="upstream error")
    if mishap is Mishap.RATE_LIMITED:
        return web.Response(
            status=429, text="slow down", headers={"Retry-After": str(model.retry_after_s)}
        )
    if mishap is Mishap.MALFORMED:
        return web.Response(status=200, body=MALFORMED_BODY, content_type="text/html")
    return None  # a hang was the delay: the client has given up by now


@lru_cache(maxsize=64)
def _sitemap_file(cfg: ShopConfig, base_url: str, n: int, gz: bool) -> bytes | None:
    body = render_sitemap(cfg, base_url, n)
    return gzip.compress(body, mtime=0) if body is not None and gz else body


async def _sitemap_index(request: web.Request) -> web.Response:
    body = render_sitemap_index(request.app[STATE].cfg, _base_url(request))
    return _respond(request, 200, [("Content-Type", "application/xml")], [body])


async def _sitemap(request: web.Request) -> web.Response:
    match = _SITEMAP_RE.fullmatch(request.match_info["name"])
    if match is None:
        raise web.HTTPNotFound()
    gz = match.group(2) is not None
    body = _sitemap_file(request.app[STATE].cfg, _base_url(request), int(match.group(1)), gz)
    if body is None:
        raise web.HTTPNotFound()
    if gz:  # a .gz file, not a Content-Encoding
        return web.Response(body=body, headers={"Content-Type": "application/gzip"})
    return _respond(request, 200, [("Content-Type", "application/xml")], [body])


async def _category(request: web.Request) -> web.Response:
    page = request.query.get("page", "1")
    if not page.isdigit():
        raise web.HTTPNotFound()
    state = request.app[STATE]
    name = request.match_info["name"]
    body = render_category_page(state.cfg, _base_url(request), name, int(page))
    if body is None:
        raise web.HTTPNotFound()
    return _respond(request, 200, [("Content-Type", HTML_TYPE)], [body])


async def _home(request: web.Request) -> web.Response:
    body = render_home(request.app[STATE].cfg, _base_url(request))
    return _respond(request, 200, [("Content-Type", HTML_TYPE)], [body])


async def _robots(request: web.Request) -> web.Response:
    return web.Response(body=render_robots(_base_url(request)), content_type="text/plain")


async def _truth_one(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response(state.truth(int(request.match_info["id"])).to_json())


async def _truth_many(request: web.Request) -> web.Response:
    try:
        ids = (await request.json())["ids"]
        if not isinstance(ids, list) or not all(type(i) is int for i in ids):
            raise TypeError
    except (ValueError, TypeError, KeyError) as exc:
        raise web.HTTPBadRequest(text='expected {"ids": [int, ...]}') from exc
    state = request.app[STATE]
    items = [state.truth(i).to_json() for i in ids]
    return web.json_response({"epoch": state.epoch(), "items": items})


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].stats())


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def create_app(cfg: ShopConfig | None = None, *, clock: Clock = time.time) -> web.Application:
    """The shop as an aiohttp application; `clock` (unix seconds) drives the price epochs."""
    app = web.Application(middlewares=[_count_status], client_max_size=64 * 1024 * 1024)
    app[STATE] = ShopState(cfg or ShopConfig(), clock)
    app.router.add_get(r"/p/{id:\d{1,15}}", _product)
    app.router.add_get("/sitemap.xml", _sitemap_index)
    app.router.add_get("/sitemaps/{name}", _sitemap)
    app.router.add_get("/category/{name}", _category)
    app.router.add_get("/", _home)
    app.router.add_get("/robots.txt", _robots)
    app.router.add_get(r"/_truth/{id:\d{1,15}}", _truth_one)
    app.router.add_post("/_truth", _truth_many)
    app.router.add_get("/_stats", _stats)
    app.router.add_get("/healthz", _healthz)
    script_pages.register(app, STATE)  # /js/…: pages whose price only JavaScript draws
    return app


async def _start_site(
    app: web.Application, host: str, port: int, reuse_port: bool
) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, reuse_port=reuse_port or None)
    await site.start()
    return runner, int(runner.addresses[0][1])


async def serve(
    cfg: ShopConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 8099,
    *,
    reuse_port: bool = False,
) -> None:
    """Serve until cancelled. With `reuse_port`, several processes can share one port."""
    cfg = cfg or ShopConfig()
    runner, bound = await _start_site(create_app(cfg), host, port, reuse_port)
    try:
        print(f"demo shop (padding={cfg.page_padding_bytes}, period={cfg.price_period_s}s) "
              f"listening on http://{host}:{bound}", flush=True)  # fmt: skip
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


class RunningShop:
    """`with RunningShop(cfg) as shop:` a real server on a free port, in a background thread."""

    def __init__(
        self,
        cfg: ShopConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Clock = time.time,
    ) -> None:
        self.cfg, self.host, self.port = cfg or ShopConfig(), host, port
        self.app = create_app(self.cfg, clock=clock)
        self.state = self.app[STATE]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def product_url(self, product_id: int) -> str:
        return f"{self.base_url}/p/{product_id}"

    def truth(self, product_id: int) -> ProductTruth:
        return self.state.truth(product_id)

    def stats(self) -> dict[str, object]:
        return self.state.stats()

    def epoch(self) -> int:
        return self.state.epoch()

    def start(self) -> RunningShop:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="demo-shop", daemon=True)
        self._thread.start()
        start = _start_site(self.app, self.host, self.port, False)
        self._runner, self.port = asyncio.run_coroutine_threadsafe(start, loop).result(30)
        return self

    def stop(self) -> None:
        loop, thread, runner = self._loop, self._thread, self._runner
        if loop is None or thread is None:
            return
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> RunningShop:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m priceradar.demo_shop", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--padding", type=int, default=0, help="approximate product page bytes")
    parser.add_argument("--period", type=float, default=30.0, help="seconds between price epochs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--slow-delay", type=float, default=2.0)
    parser.add_argument("--catalog-size", type=int, default=10_000)
    parser.add_argument("--sitemap-page-size", type=int, default=1000)
    parser.add_argument("--reuse-port", action="store_true")
    parser.add_argument(
        "--web-model", choices=sorted(MODELS), default="clean",
        help="latency and faults per request (realistic: long tail, hangs, 5xx, 429, malformed)",
    )  # fmt: skip
    parser.add_argument(
        "--real-kinds", type=float, default=0.0, help="share of real-shop page kinds (kinds.py)"
    )
    args = parser.parse_args(argv)
    cfg = ShopConfig(
        seed=args.seed,
        price_period_s=args.period,
        page_padding_bytes=args.padding,
        fault_rate=args.fault_rate,
        slow_delay_s=args.slow_delay,
        catalog_size=args.catalog_size,
        sitemap_page_size=args.sitemap_page_size,
        real_kind_share=args.real_kinds,
        web=MODELS[args.web_model],
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(cfg, args.host, args.port, reuse_port=args.reuse_port))


if __name__ == "__main__":
    main()
