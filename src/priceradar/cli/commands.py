"""Day-to-day commands: database, products, checks, the all-in-one runner and status."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from priceradar.adapters.db import migrate
from priceradar.adapters.db.products import check_totals, status_counts, uncheckable
from priceradar.adapters.ratelimit import effective_rates
from priceradar.cli.context import engine, settings
from priceradar.services.catalog import AddReport, ProductInput, add_products
from priceradar.services.import_files import UnreadableImport, accepted, csv_rows, validated
from priceradar.services.render import rendering_overview
from priceradar.services.schedule import make_all_due, schedule_counts

console = Console()
db = typer.Typer(help="Database schema.", no_args_is_help=True)
products = typer.Typer(help="Tracked products.", no_args_is_help=True)


@db.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(settings().db_url, revision)
    console.print(f"database at {revision}: {engine().url.render_as_string(hide_password=True)}")


def _report(report: AddReport) -> None:
    console.print(
        f"added {report.inserted}, already tracked {report.existing}, invalid {len(report.invalid)}"
    )
    for url, reason in report.invalid[:20]:
        console.print(f"  [red]invalid[/red] {url[:120]}: {reason}")
    if len(report.invalid) > 20:
        console.print(f"  … and {len(report.invalid) - 20} more")
    if report.invalid and not report.inserted and not report.existing:
        console.print("[red]no product was added[/red]: every input was rejected (see above)")
        raise typer.Exit(1)


@products.command("add")
def products_add(
    urls: list[str],
    interval: Annotated[
        int | None, typer.Option(help="Check every N seconds (overrides priority).")
    ] = None,
    priority: Annotated[int, typer.Option(min=0, max=100)] = 0,
) -> None:
    """Track product pages by URL."""
    items = [ProductInput(u, interval, priority) for u in urls]
    cfg = settings()
    _report(
        add_products(engine(), items, tuple(cfg.allowed_private_hosts), bands=cfg.priority_bands)
    )


@products.command("import")
def products_import(file: Path) -> None:
    """Import products from a CSV file (column `url`, optional `check_interval_s`, `priority`).

    The whole file is read first: an unreadable one (not UTF-8) stores nothing. Bad rows are
    listed with their reason; the good ones are stored."""
    rejected: list[tuple[str, str]] = []
    with file.open("rb") as stream:
        try:
            rows = validated(stream, csv_rows)
        except UnreadableImport as exc:
            console.print(f"[red]cannot import {file.name}[/red]: {exc}; nothing was stored")
            raise typer.Exit(1) from None
        with Progress(console=console) as bar:
            task = bar.add_task(f"importing {file.name}", total=None)
            report = add_products(
                engine(),
                accepted(rows, rejected),
                tuple(settings().allowed_private_hosts),
                bands=settings().priority_bands,
                progress=lambda n: bar.advance(task, n),
            )
    report.invalid[:0] = rejected
    _report(report)


def check(
    product: Annotated[
        list[int] | None, typer.Option("--product", "-p", help="Product id (repeatable).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Make every active product due now.")] = False,
) -> None:
    """Enqueue checks: given products at once, or every active product through the dispatcher."""
    from priceradar.worker import batch_price_check, dispatch_due_checks

    if not product and not all_:
        raise typer.BadParameter("give --product ID or --all")
    if product:
        with engine().connect() as conn:
            problems = uncheckable(conn, product)
        if problems:
            console.print(f"[red]{'; '.join(problems)}[/red]: nothing enqueued")
            raise typer.Exit(1)
        result = batch_price_check.delay(product, priority=10)
        console.print(f"enqueued check of {len(product)} product(s): task {result.id}")
    if all_:
        due = make_all_due(engine(), datetime.now(UTC))
        dispatch_due_checks.delay()
        console.print(f"{due} product(s) due now; the dispatcher enqueues them in batches")


def run(
    concurrency: Annotated[
        int | None, typer.Option(help="Worker processes (default: CPU count).")
    ] = None,
    loglevel: Annotated[str, typer.Option()] = "INFO",
) -> None:
    """Run a worker with the scheduler in one process tree (the single-machine setup)."""
    from priceradar.worker import app as celery_app

    cfg = settings()
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        "worker",
        "--beat",
        f"--loglevel={loglevel}",
        "--schedule",
        str(cfg.data_dir / "beat-schedule"),
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    celery_app.worker_main(argv)


def status() -> None:
    """Products by last outcome, what is due, in flight, and the latest check."""
    groups = schedule_counts(engine(), datetime.now(UTC))
    with engine().connect() as conn:
        counts = status_counts(conn)
        last, history = check_totals(conn)
        rendering = rendering_overview(conn, settings().site_rules)
    total = sum(g.n for g in groups)
    due = sum(g.due for g in groups)
    leased = sum(g.in_flight for g in groups)
    table = Table("outcome", "products")
    for outcome, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        table.add_row(outcome, str(n))
    console.print(table)
    console.print(f"total {total}, due now {due}, in flight {leased}, price history rows {history}")
    console.print(f"last check: {last.isoformat() if last else 'never'}")
    rendered = [f"{d.domain} ({d.decided_by})" for d in rendering if d.render]
    never = [d.domain for d in rendering if not d.render]
    console.print(f"rendered in the browser: {escape(', '.join(rendered) or 'none')}")
    if never:
        console.print(f"never rendered (operator): {escape(', '.join(never))}")
    if settings().redis_url:
        rates = effective_rates(settings().redis_url or "", limit=20)
        shown = ", ".join(f"{lane} {rate:g}/s" for lane, rate in rates.items())
        console.print(
            f"domain rates now (lowest first, adapted after 429s): {escape(shown or 'none')}"
        )
