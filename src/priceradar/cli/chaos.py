"""`priceradar chaos`: a sweep under faults (SIGKILLed worker trees, a Redis restart, database
outages of 10 s and 60 s); reports lost products, duplicate history, wrong prices, redundant
checks, orphan re-dispatch lateness and recovery times."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def chaos(
    products: Annotated[int, typer.Option(help="Products in the sweep.")] = 20_000,
    broker: Annotated[
        list[str] | None, typer.Option(help="redis and/or rabbitmq (repeatable; default both).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Celery worker processes.")] = 2,
    concurrency: Annotated[int, typer.Option(help="Pool processes per worker.")] = 2,
    lease_s: Annotated[int, typer.Option(help="Lease of a dispatched product.")] = 10,
    max_in_flight: Annotated[int, typer.Option(help="Dispatcher backpressure.")] = 400,
    fault_rate: Annotated[
        float,
        typer.Option(
            help="Share of misbehaving shop pages. The shop is one domain: its 429 pages pause "
            "that domain, so above ~0.5% most checks are deferred (politeness, not recovery)."
        ),
    ] = 0.0,
    database_url: Annotated[
        str, typer.Option(help="Admin URL; databases priceradar_chaos_* are (re)created there.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    rabbitmq_url: Annotated[
        str, typer.Option(help="RabbitMQ vhost for the rabbitmq flavour.")
    ] = "amqp://guest:guest@127.0.0.1:5672//",
    work_dir: Annotated[Path, typer.Option(help="Logs and chaos-result.json.")] = Path(
        "data/chaos"
    ),
) -> None:
    """Run the chaos suite on services of its own (the shared database is never stopped)."""
    from priceradar.bench.chaos import ChaosConfig
    from priceradar.bench.chaos_run import FULL_PLAN, run_flavour, summary_line

    cfg = ChaosConfig(
        products=products,
        workers=workers,
        concurrency=concurrency,
        lease_s=lease_s,
        max_in_flight=max_in_flight,
    )
    rows = []
    for flavour in broker or ["redis", "rabbitmq"]:
        if flavour not in ("redis", "rabbitmq"):
            raise typer.BadParameter(f"unknown broker {flavour!r}")
        console.print(f"[bold]{flavour}[/bold]: {products} products")
        report = run_flavour(
            flavour,
            cfg,
            FULL_PLAN,
            database_url,
            rabbitmq_url,
            work_dir,
            console.print,
            fault_rate,
        )
        rows.append(summary_line(flavour, report))
        console.print_json(json.dumps(rows[-1]))
    bad = [r for r in rows if r["lost"] or r["duplicate_history"] or r["wrong_prices"]]
    raise typer.Exit(1 if bad else 0)
