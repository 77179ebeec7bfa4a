"""`priceradar demo`: a demo shop, the embedded stack, and prices changing live in the terminal.

Everything lives under `<data dir>/demo` and is recreated on each run, so the demo never touches
the user's own products or production services.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.products import products_with_history_counts, stored_prices
from priceradar.bench.verify import shop_verdict
from priceradar.cli.context import settings
from priceradar.cli.demo_ui import free_port, open_browser, start_ui
from priceradar.demo_shop.catalog import FAULT_IDS, KIND_IDS, ShopConfig
from priceradar.demo_shop.server import RunningShop, serve
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.catalog import ProductInput, add_products

console = Console()
SHOWN_FAULTS = ("not_found", "rate_limited", "malformed", "ambiguous", "not_html")
# Share of ordinary products served as real-shop page kinds (no structured data, embedded state,
# variants, split locale formats); the five fixed kind ids are always tracked as well.
DEMO_REAL_KINDS = 0.3


def shop(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 8099,
    padding: Annotated[int, typer.Option(help="Pad pages to about this many bytes.")] = 0,
    period: Annotated[float, typer.Option(help="Seconds between price changes.")] = 30.0,
    fault_rate: Annotated[float, typer.Option(help="Share of products that misbehave.")] = 0.0,
    real_kinds: Annotated[
        float, typer.Option(help="Share of products served as real-shop page kinds.")
    ] = DEMO_REAL_KINDS,
) -> None:
    """Serve the demo shop: a fake marketplace on localhost for trying and benchmarking."""
    cfg = ShopConfig(
        price_period_s=period,
        page_padding_bytes=padding,
        fault_rate=fault_rate,
        real_kind_share=real_kinds,
    )
    asyncio.run(serve(cfg, "127.0.0.1", port))


def demo(
    duration: Annotated[int, typer.Option(help="Seconds to run (0: until Ctrl-C).")] = 60,
    products: Annotated[int, typer.Option(min=1, max=10_000, help="Demo products to track.")] = 20,
    interval: Annotated[int, typer.Option(min=1, help="Check each product every N seconds.")] = 5,
    port: Annotated[
        int, typer.Option(help="Web UI port on 127.0.0.1 (another if taken; 0: any).")
    ] = 8000,
) -> None:
    """Run the whole thing on the embedded default: prices checked live, in the terminal and
    in the web UI."""
    data_dir = settings().data_dir / "demo"
    shutil.rmtree(data_dir, ignore_errors=True)
    cfg = ShopConfig(price_period_s=12.0, slow_delay_s=1.0, real_kind_share=DEMO_REAL_KINDS)
    with RunningShop(cfg) as running:
        host = running.base_url.removeprefix("http://")
        env = _demo_env(data_dir, host)
        db_url = f"sqlite:///{(data_dir / 'priceradar.sqlite3').resolve()}"
        migrate.upgrade(db_url)
        engine = make_engine(db_url)
        ids = list(range(1, products + 1)) + [FAULT_IDS[name] for name in SHOWN_FAULTS]
        ids += KIND_IDS.values()
        report = add_products(
            engine,
            [ProductInput(running.product_url(i), interval) for i in ids],
            ("127.0.0.1",),
            bands=DEFAULT_BANDS,  # the demo's worker runs with the built-in bands
        )
        console.print(
            f"demo shop at {running.base_url}; tracking {report.inserted} products, "
            f"each checked every {interval} s; data in {data_dir}"
        )
        ui = start_ui(env, free_port(port))
        how_long = f"for {duration} s" if duration else "until Ctrl-C"
        console.print(
            f"[bold]web UI: {ui.url}[/bold] (open it in a browser; no login on this machine). "
            f"The demo runs {how_long}; --duration 0 keeps it running until Ctrl-C.",
            highlight=False,
        )
        open_browser(ui.url)
        log = (data_dir / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "priceradar", "run", "--concurrency", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _watch(engine, worker, duration)
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            ui.stop()
            console.print()
            console.print(_verdict(engine, running))
            engine.dispose()
    console.print()
    console.print(f"worker log: {data_dir / 'worker.log'}")
    console.print(f"look around: PRICERADAR_DATA_DIR={data_dir} priceradar status")


def _demo_env(data_dir: Path, shop_host: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL")
        and not k.startswith("PRICERADAR_")
    }
    env.update(
        {
            "PRICERADAR_DATA_DIR": str(data_dir),
            "PRICERADAR_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
            # The shop's "plain" pages carry no structured data: a CSS rule finds their price.
            "PRICERADAR_SITE_RULES": json.dumps(
                {
                    shop_host: {
                        "price": "span.price",
                        "title": "h1.product-title",
                        "availability": ".stock",
                    }
                }
            ),
            "PRICERADAR_DISPATCH_INTERVAL_S": "1",
            "PRICERADAR_FETCH_TIMEOUT_S": "5",
            "PRICERADAR_RETRY_BASE_S": "5",
        }
    )
    return env


def _verdict(engine: Engine, running: RunningShop) -> Text:
    """Every stored price against the shop's truth oracle, counted by the page's kind."""
    with engine.connect() as conn:
        rows = stored_prices(conn)
    kinds = set(KIND_IDS.values())
    checked = real = 0
    wrong: Counter[str] = Counter()
    for url, price, in_stock, checked_at in rows:
        if checked_at is None:
            continue
        shop_id = int(url.rsplit("/", 1)[1])
        checked += 1
        real += shop_id in kinds or running.truth(shop_id).format in KIND_IDS
        at = checked_at if checked_at.tzinfo else checked_at.replace(tzinfo=UTC)
        wrong[shop_verdict(running.cfg, url, price, in_stock, at.timestamp())] += 1
    style = "green" if wrong["wrong_price"] == 0 else "red"
    return Text(
        f"verified {checked} stored prices against the shop's truth ({real} on real-shop page "
        f"kinds: no structured data, embedded state, variants, locale formats): "
        f"{wrong['wrong_price']} wrong prices, {wrong['wrong_stock']} wrong availability",
        style=style,
    )


def _watch(engine: Engine, worker: subprocess.Popen[bytes], duration: int) -> None:
    started = time.monotonic()
    with Live(console=console, refresh_per_second=2) as live:
        while duration == 0 or time.monotonic() - started < duration:
            if worker.poll() is not None:
                raise SystemExit(f"the worker stopped (exit {worker.returncode}); see its log")
            live.update(_table(engine, int(time.monotonic() - started)))
            time.sleep(1.0)


def _table(engine: Engine, elapsed_s: int) -> Group:
    with engine.connect() as conn:
        rows = products_with_history_counts(conn)
    table = Table("id", "price", "stock", "outcome", "checks", "history", "checked")
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=48)
    now = datetime.now(UTC)
    for p in rows:
        ago = f"{int((now - p.last_checked_at).total_seconds())}s ago" if p.last_checked_at else "-"
        price = f"{p.price:.2f} {p.currency or ''}" if p.price is not None else "-"
        stock = {True: "yes", False: "no", None: "-"}[p.in_stock]
        ok = p.last_outcome in ("ok", "out_of_stock")
        outcome = Text(p.last_outcome or "never", style="green" if ok else "yellow")
        title = (p.title or p.url)[:40]
        table.add_row(
            str(p.id), price, stock, outcome, str(p.check_count), str(p.n_history), ago, title
        )
    return Group(
        table, Text(f"{elapsed_s}s elapsed; price changes every 12 s in the shop. Ctrl-C stops.")
    )
