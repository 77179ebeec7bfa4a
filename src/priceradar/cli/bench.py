"""`priceradar bench`: measure the real stack (PostgreSQL + Redis + Celery) on this machine;
`priceradar bench deals`: deal quality on labelled price histories;
`priceradar bench extraction`: what extraction costs per page, by method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
app = typer.Typer(add_completion=False, help=__doc__)


@app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    products: Annotated[
        int, typer.Option(help="Products to load (1000000 for the full run).")
    ] = 20_000,
    capacity_s: Annotated[int, typer.Option(help="Seconds of the flat-out phase.")] = 90,
    nominal_s: Annotated[int, typer.Option(help="Seconds of the nominal-load phase.")] = 90,
    nominal_rate: Annotated[
        int, typer.Option(help="Checks per hour coming due in that phase.")
    ] = 1_000_000,
    workers: Annotated[int, typer.Option(help="Celery worker processes (each with a pool).")] = 1,
    concurrency: Annotated[int, typer.Option(help="Pool processes per worker.")] = 2,
    shops: Annotated[int, typer.Option(help="Demo shop processes sharing the port.")] = 1,
    padding: Annotated[int, typer.Option(help="Product page size in bytes.")] = 60_000,
    fault_rate: Annotated[float, typer.Option(help="Share of misbehaving product pages.")] = 0.0,
    real_kinds: Annotated[
        float,
        typer.Option(help="Share of real-shop page kinds: visible-only, embedded state, ..."),
    ] = 0.2,
    batch_size: Annotated[int, typer.Option(help="Products per batch task.")] = 100,
    max_in_flight: Annotated[int, typer.Option(help="Dispatcher backpressure.")] = 3000,
    realistic: Annotated[
        bool,
        typer.Option(
            help="Measure capacity twice, back to back: clean shop, then the realistic web "
            "model (long-tail latency, hangs, 5xx, 429, malformed pages)."
        ),
    ] = True,
    db_name: Annotated[str, typer.Option(help="Name of the (re)created bench database.")] = (
        "priceradar_bench"
    ),
    database_url: Annotated[
        str, typer.Option(help="Admin URL; a database priceradar_bench is (re)created there.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    redis_url: Annotated[
        str, typer.Option(help="Redis server; databases 10-12 are flushed.")
    ] = "redis://127.0.0.1:6379",
    work_dir: Annotated[Path, typer.Option(help="Logs and bench-result.json.")] = Path(
        "data/bench"
    ),
) -> None:
    """Run the benchmark: simulated marketplace, real PostgreSQL, Redis, Celery workers, beat."""
    if ctx.invoked_subcommand is not None:
        return
    from priceradar.bench.runner import BenchConfig, run

    cfg = BenchConfig(
        products=products,
        capacity_s=capacity_s,
        nominal_s=nominal_s,
        nominal_rate_per_h=nominal_rate,
        workers=workers,
        concurrency=concurrency,
        shops=shops,
        padding=padding,
        fault_rate=fault_rate,
        real_kinds=real_kinds,
        batch_size=batch_size,
        max_in_flight=max_in_flight,
        realistic=realistic,
        db_name=db_name,
        admin_db_url=database_url,
        redis_base=redis_url.rstrip("/"),
        work_dir=work_dir,
    )
    result = run(cfg, say=console.print)
    console.print_json(json.dumps(result.figures, default=str))


@app.command("deals")
def deals(
    per_kind: Annotated[int, typer.Option(help="Labelled histories of every kind.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the history generator.")] = 1,
    tolerance: Annotated[
        float, typer.Option(help="Points an advertised discount may be off and still be right.")
    ] = 3.0,
    db_per_kind: Annotated[
        int, typer.Option(help="Histories of every kind also replayed through the database.")
    ] = 5,
    database_url: Annotated[
        str | None, typer.Option(help="Database for that replay (default: a temporary SQLite).")
    ] = None,
    timing_products: Annotated[
        int,
        typer.Option(
            help="Also time the check transaction for a batch of this many products with 180 "
            "days of history each, on --database-url (0: skip)."
        ),
    ] = 0,
) -> None:
    """Deal quality: precision and recall of alerts and advertised discounts, per reference."""
    from decimal import Decimal

    from priceradar.bench.deals_eval import evaluate, render

    if timing_products:
        from priceradar.bench.deals_db import time_check_transaction

        if database_url is None:
            raise typer.BadParameter("--timing-products needs --database-url")
        typer.echo(json.dumps(time_check_transaction(database_url, timing_products)))

    report = evaluate(
        per_kind=per_kind,
        seed=seed,
        tolerance=Decimal(str(tolerance)),
        db_per_kind=db_per_kind,
        database_url=database_url,
    )
    typer.echo(render(report))


@app.command("extraction")
def extraction(
    corpus: Annotated[Path, typer.Option(help="Labelled corpus directory.")] = Path("tests/corpus"),
    repeat: Annotated[int, typer.Option(min=1, help="Runs per page; the median counts.")] = 5,
    pages: Annotated[int, typer.Option(min=0, help="Demo-shop pages of the bench mix.")] = 1000,
    padding: Annotated[int, typer.Option(help="Demo-shop page size in bytes.")] = 60_000,
    real_kinds: Annotated[float, typer.Option(help="Share of real-shop page kinds.")] = 0.2,
) -> None:
    """Extraction cost: p50/p99 ms per page by method (corpus and the bench's page mix)."""
    from priceradar.bench.extraction_cost import corpus_cost, mix_cost, render

    mix = mix_cost(pages, padding, real_kinds, repeat) if pages else None
    typer.echo(render(corpus_cost(corpus, repeat), mix))


@app.command("render")
def render_bench(
    seconds: Annotated[float, typer.Option(help="Seconds of rendering per concurrency.")] = 60,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Pages at once (repeatable: one run each).")
    ] = None,
    kind: Annotated[
        str,
        typer.Option(help="fetched (price from a JSON fetch), delayed (drawn after 1.5 s), mixed"),
    ] = "fetched",
    executable: Annotated[str, typer.Option(help="Chromium to drive.")] = "/usr/bin/chromium",
    work_dir: Annotated[Path, typer.Option(help="Logs of the shop.")] = Path("data/bench-render"),
) -> None:
    """Browser rendering: pages/s, p50/p99 render time and browser RSS on script-only pages."""
    from priceradar.bench.render import PATHS, RenderBenchConfig, run

    if kind not in (*PATHS, "mixed"):
        raise typer.BadParameter(f"--kind must be one of {', '.join((*PATHS, 'mixed'))}")
    results = []
    for n in concurrency or [4]:
        cfg = RenderBenchConfig(seconds, n, kind, executable, work_dir=work_dir)
        results.append(run(cfg, say=console.print))
        console.print_json(json.dumps(results[-1]))
    (work_dir / "render-result.json").write_text(json.dumps(results, indent=2))


@app.command("ui")
def bench_ui(
    products: Annotated[int, typer.Option(help="Products in the catalogue.")] = 1_000_000,
    database_url: Annotated[
        str, typer.Option(help="Admin URL; the database --db-name is (re)created there.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    db_name: Annotated[
        str, typer.Option(help="The benchmark's database (dropped and recreated).")
    ] = "priceradar_bench_ui",
    work_dir: Annotated[Path, typer.Option(help="Where bench-ui.json goes.")] = Path("data/bench"),
) -> None:
    """Web UI page times on a large catalogue (PostgreSQL, pages rendered in-process)."""
    from priceradar.bench.ui import run

    work_dir.mkdir(parents=True, exist_ok=True)
    result = run(database_url, products, work_dir, db_name)
    (work_dir / "bench-ui.json").write_text(json.dumps(result, indent=2))
    console.print(f"{result['products']:,} products loaded in {result['load_s']} s")
    for page in result["pages"]:
        console.print(
            f"  {page['path']:<36} median {page['median_ms']:>8.1f} ms   "
            f"max {page['max_ms']:>8.1f} ms   HTTP {page['status']}",
            highlight=False,
            soft_wrap=True,
        )
