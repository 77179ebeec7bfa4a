"""`priceradar bench render`: rendered pages per second, render time and browser memory.

The demo shop runs as its own process; one `BrowserRenderer` (the adapter the browser_fetch
task uses: guard proxy, blocking, wait strategy, recycling) keeps `concurrency` script-only
product pages in flight for `seconds`. Every rendered page is extracted and its price compared
with what the shop served, so a fast but wrong render does not count.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from priceradar.adapters.browser.memory import descendants_cpu_s
from priceradar.adapters.browser.renderer import BrowserConfig, BrowserRenderer
from priceradar.adapters.http.fetcher import FetchConfig
from priceradar.bench.stack import Processes, base_environ, free_port, start_shops
from priceradar.demo_shop.catalog import price_at
from priceradar.domain.extraction import extract_product
from priceradar.domain.outcome import ExtractedProduct
from priceradar.services.render import price_ready

PATHS = {"fetched": "/js/fetched/{}", "delayed": "/js/delayed/{}"}
RSS_SAMPLE_S = 0.5
SHOP_PERIOD_S = 3600  # prices fixed for the run (as `start_shops` serves them)


@dataclass(frozen=True, slots=True)
class RenderBenchConfig:
    seconds: float = 60.0
    concurrency: int = 4
    kind: str = "fetched"  # fetched | delayed | mixed
    executable: str = "/usr/bin/chromium"
    max_pages: int = 200
    work_dir: Path = Path("data/bench-render")


def _url(base: str, kind: str, n: int) -> str:
    if kind == "mixed":
        kind = "fetched" if n % 2 else "delayed"
    return base + PATHS[kind].format(n)


async def _measure(cfg: RenderBenchConfig, base: str, port: int) -> dict[str, Any]:
    renderer = BrowserRenderer(
        FetchConfig(timeout_s=30, concurrency=cfg.concurrency,
                    allowed_private_hosts=(f"127.0.0.1:{port}",)),
        BrowserConfig(executable=cfg.executable, max_pages=cfg.max_pages),
        ready=price_ready({}),
    )  # fmt: skip
    times_ms: list[int] = []
    outcomes: Counter[str] = Counter()
    rss: list[float] = []
    counter = iter(range(1, 10**9))
    stop_at = 0.0

    async def one_worker() -> None:
        while time.monotonic() < stop_at:
            n = next(counter)
            page = await renderer.fetch(_url(base, cfg.kind, n))
            times_ms.append(page.elapsed_ms)
            outcomes[_verdict(page.body, page.url, page.error, n)] += 1

    async def sample() -> None:
        while time.monotonic() < stop_at:
            rss.append(renderer.rss_mb())
            await asyncio.sleep(RSS_SAMPLE_S)

    try:
        await renderer.fetch(_url(base, "fetched", 10**8))  # launch the browser before timing
        started, cpu_before = time.monotonic(), descendants_cpu_s()
        stop_at = started + cfg.seconds
        await asyncio.gather(sample(), *(one_worker() for _ in range(cfg.concurrency)))
        elapsed, cpu_s = time.monotonic() - started, descendants_cpu_s() - cpu_before
    finally:
        await renderer.close()
    times = sorted(times_ms)
    pages = len(times)
    return {
        "kind": cfg.kind,
        "concurrency": cfg.concurrency,
        "seconds": round(elapsed, 1),
        "pages": pages,
        "pages_per_s": round(pages / elapsed, 2),
        "pages_per_hour": int(pages / elapsed * 3600),
        "render_ms_p50": int(statistics.median(times)) if times else None,
        "render_ms_p99": times[min(pages - 1, int(pages * 0.99))] if times else None,
        "render_ms_max": times[-1] if times else None,
        "browser_rss_mb_mean": round(statistics.fmean(rss), 1) if rss else None,
        "browser_rss_mb_max": round(max(rss), 1) if rss else None,
        # CPU of this process, Playwright's driver and the browser tree: on a busy machine the
        # wall-clock rate says how much CPU we got; this says what a page costs.
        "cpu_s_per_page": round(cpu_s / pages, 3) if pages else None,
        "pages_per_s_per_core_by_cpu": round(pages / cpu_s, 2) if cpu_s else None,
        "browser_launches": renderer.launches,
        "blocked_requests": renderer.blocked,
        "outcomes": dict(outcomes),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
    }


def _verdict(body: bytes, url: str, error: object, n: int) -> str:
    if error is not None:
        return f"error:{error}"
    found = extract_product(body, url)
    if not isinstance(found, ExtractedProduct):
        return "no_price"
    epoch = int(time.time() // SHOP_PERIOD_S)
    right = {price_at(n, epoch), price_at(n, epoch - 1)}  # an hour may turn during the run
    return "right_price" if Decimal(found.price or 0) in right else "WRONG_PRICE"


def run(cfg: RenderBenchConfig, say: Callable[[str], None] = print) -> dict[str, Any]:
    cfg.work_dir.mkdir(parents=True, exist_ok=True)
    procs = Processes(cfg.work_dir, base_environ())
    port = free_port()
    try:
        base = start_shops(procs, 1, port, 0, 0.0)
        say(f"shop at {base}; rendering {cfg.kind} pages, {cfg.concurrency} at once, "
            f"for {cfg.seconds:g} s")  # fmt: skip
        return asyncio.run(_measure(cfg, base, port))
    finally:
        procs.stop()
