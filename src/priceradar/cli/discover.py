"""`priceradar discover`: find new products once, now, and show what each source gave."""

from __future__ import annotations

import dataclasses
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from priceradar.cli.context import settings
from priceradar.domain.discovery import DiscoverySource, SourceKind
from priceradar.services.discovery import SourceReport, discover

console = Console()
SHOWN_ERRORS = 5  # per source; the table has the count


def discover_command(
    sitemap: Annotated[
        list[str] | None,
        typer.Option("--sitemap", help="Sitemap, sitemap index or robots.txt URL (repeatable)."),
    ] = None,
    listing: Annotated[
        list[str] | None,
        typer.Option("--listing", help="Category page URL; rel=next is followed (repeatable)."),
    ] = None,
    max_products: Annotated[
        int | None, typer.Option(min=1, help="Products per source (default 10000).")
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option(min=1, help="Documents fetched per source (default 200).")
    ] = None,
) -> None:
    """Discover new products from sitemaps and listing pages and add them, once.

    Without --sitemap/--listing the sources come from PRICERADAR_DISCOVERY_SOURCES. Exits 1
    when a source failed outright (errors and no product URL found).
    """
    from priceradar.worker.runtime import Runtime  # imports Celery: only when discovering

    sources = _sources(sitemap or [], listing or [], max_products, max_pages)
    runtime = Runtime(settings())
    started = time.monotonic()
    try:
        reports = discover(
            runtime.engine,
            runtime.fetcher,
            runtime.run,
            sources,
            tuple(settings().allowed_private_hosts),
            bands=settings().priority_bands,
        )
    finally:
        runtime.close()
    _show(reports, time.monotonic() - started)
    if any(r.errors and not r.urls_found for r in reports):
        raise typer.Exit(1)


def _sources(
    sitemaps: list[str], listings: list[str], max_products: int | None, max_pages: int | None
) -> list[DiscoverySource]:
    given: list[tuple[str, SourceKind]] = [(u, "sitemap") for u in sitemaps]
    given += [(u, "listing") for u in listings]
    try:
        sources = [DiscoverySource(u, k) for u, k in given] or settings().discovery_sources
    except ValueError as exc:  # a given URL that cannot be tracked
        raise typer.BadParameter(str(exc)) from None
    if not sources:
        raise typer.BadParameter(
            "no sources: set PRICERADAR_DISCOVERY_SOURCES or pass --sitemap / --listing"
        )
    return [
        dataclasses.replace(
            s,
            max_products=max_products or s.max_products,
            max_pages=max_pages or s.max_pages,
        )
        for s in sources
    ]


def _show(reports: list[SourceReport], elapsed_s: float) -> None:
    table = Table(title=f"discovery ({elapsed_s:.1f} s)")
    table.add_column("source", overflow="fold")
    table.add_column("kind")
    for name in ("pages", "found", "added", "known", "invalid", "errors", "s"):
        table.add_column(name, justify="right")
    for r in reports:
        table.add_row(
            r.url,
            r.kind,
            str(r.pages_fetched),
            str(r.urls_found),
            f"[green]{r.inserted}[/green]",
            str(r.existing),
            str(r.invalid),
            f"[red]{len(r.errors)}[/red]" if r.errors else "0",
            f"{r.elapsed_s:.1f}",
        )
    console.print(table)
    for r in reports:
        for line in r.errors[:SHOWN_ERRORS]:
            console.print(f"  [red]error[/red] {line[:200]}")
        if len(r.errors) > SHOWN_ERRORS:
            console.print(f"  … and {len(r.errors) - SHOWN_ERRORS} more for {r.url}")
