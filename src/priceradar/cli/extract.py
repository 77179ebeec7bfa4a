"""`priceradar extract`: read one page the way a check would, and show why.

A URL is fetched through the worker's fetcher (same SSRF guard, size cap and timeouts); a FILE
is read from disk (`--url` tells its address, which decides locale and variant). `--explain`
lists every method's verdict and the visible scorer's top candidates; `--eval DIR` scores the
extractor on a labelled corpus instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from priceradar.cli.context import settings
from priceradar.domain.check import FetchedPage
from priceradar.domain.extraction import Explanation, explain_product
from priceradar.domain.outcome import ExtractedProduct
from priceradar.services.check import rule_for

console = Console()
SHOWN_CANDIDATES = 8
_FILE_URL = "https://localhost/"  # a file's default address: no TLD, no variant


def extract(
    target: Annotated[
        str | None, typer.Argument(help="Product page URL or saved HTML file.")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Every method's verdict and the top candidates.")
    ] = False,
    url: Annotated[
        str | None, typer.Option(help="The address a FILE was saved from (locale, variant).")
    ] = None,
    eval_dir: Annotated[
        Path | None,
        typer.Option("--eval", help="Score the extractor on a labelled corpus directory."),
    ] = None,
) -> None:
    """Extract price, currency, availability, title and method from one page.

    Exits 1 when the page yields no price (the reason is printed).
    """
    if eval_dir is not None:
        from priceradar.bench.extraction_eval import evaluate, render

        typer.echo(render(evaluate(eval_dir)))  # plain: markdown tables must not wrap
        return
    if not target:
        raise typer.BadParameter("give a URL or FILE, or --eval DIR")
    if target.startswith(("http://", "https://")):
        page = _fetch(target)
        if page.error is not None or not 200 <= (page.status or 0) < 300:
            detail = page.error_detail or (
                page.error.value if page.error else f"HTTP {page.status}"
            )
            console.print(f"[red]fetch failed[/red]: {detail}")
            raise typer.Exit(1)
        body, address = page.body, page.url
    else:
        path = Path(target)
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {target}")
        body, address = path.read_bytes(), url or _FILE_URL
    domain = address.split("://", 1)[-1].split("/", 1)[0].lower()
    result = explain_product(body, address, rule_for(domain, settings().site_rules))
    _show(result, address)
    if explain:
        _show_explanation(result)
    if not isinstance(result.outcome, ExtractedProduct):
        raise typer.Exit(1)


def _fetch(url: str) -> FetchedPage:
    from priceradar.adapters.http.fetcher import Fetcher
    from priceradar.worker.runtime import fetch_config

    async def run() -> FetchedPage:
        async with Fetcher(fetch_config(settings())) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())


def _show(result: Explanation, address: str) -> None:
    outcome = result.outcome
    table = Table("field", "value", show_header=False)
    table.add_row("url", address)
    if not isinstance(outcome, ExtractedProduct):
        table.add_row("price", "[red]none[/red]")
        table.add_row("reason", outcome.reason)
        console.print(table)
        return
    price = "-" if outcome.price is None else str(outcome.price)
    if outcome.price_high is not None:
        price += f" .. {outcome.price_high} (range; deals use the lowest)"
    currency = outcome.currency or "unknown"
    if outcome.currency_reason:
        currency += f" ({outcome.currency_reason})"
    stock = {True: "in stock", False: "out of stock", None: "not stated"}[outcome.in_stock]
    table.add_row("price", price)
    table.add_row("currency", currency)
    table.add_row("availability", stock)
    table.add_row("title", outcome.title or "-")
    table.add_row("method", outcome.source)
    if outcome.variant_rule:
        table.add_row("variant", outcome.variant_rule)
    console.print(table)


def _show_explanation(result: Explanation) -> None:
    tried = Table("method", "verdict", title="methods, in order tried")
    for method, verdict in result.tried:
        tried.add_row(method, verdict)
    console.print(tried)
    if result.visible is None:
        return
    visible = result.visible
    shown = Table("price", "score", "text", "features", title="visible candidates (best first)")
    for cand in visible.candidates[:SHOWN_CANDIDATES]:
        text = cand.text if len(cand.text) <= 40 else cand.text[:39] + "…"
        shown.add_row(str(cand.price), f"{cand.score:g}", text, ", ".join(cand.features))
    console.print(shown)
    if visible.confidence:
        console.print(f"confidence {visible.confidence:g}")
