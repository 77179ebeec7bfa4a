"""`priceradar watches …` and `priceradar deals list`: who hears about which price moves."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from priceradar.adapters.http.targets import HostVetter
from priceradar.cli.context import engine, settings
from priceradar.services import watches as service

console = Console()
app = typer.Typer(
    help="Watches: which destination hears about which product or deal.", no_args_is_help=True
)
deals_app = typer.Typer(help="Detected deals.", no_args_is_help=True)


@app.command("add")
def add(
    product: Annotated[int | None, typer.Option("--product", help="Watch this product id.")] = None,
    deals: Annotated[
        bool, typer.Option("--deals", help="Watch every deal matching the filters.")
    ] = False,
    min_discount: Annotated[
        float | None, typer.Option("--min-discount", help="Only deals at least N% off.")
    ] = None,
    domain: Annotated[str | None, typer.Option("--domain", help="Only deals on this site.")] = None,
    category: Annotated[str | None, typer.Option(help="Only deals in this category.")] = None,
    telegram: Annotated[
        str | None, typer.Option("--telegram", help="Chat id (-100… for channels) or @channel.")
    ] = None,
    apprise: Annotated[
        str | None, typer.Option("--apprise", help="Apprise URL, e.g. jsons://host/hook.")
    ] = None,
    target_price: Annotated[
        float | None, typer.Option("--target-price", help="Alert when the price is <= X.")
    ] = None,
    drop_percent: Annotated[
        float | None, typer.Option("--drop-percent", help="Alert on a drop of N% or more.")
    ] = None,
    back_in_stock: Annotated[
        bool, typer.Option("--back-in-stock", help="Alert when it is available again.")
    ] = False,
) -> None:
    """Add a watch. A product watch without rules alerts on that product's deals."""
    if (product is None) == (not deals):
        raise typer.BadParameter("give exactly one of --product ID or --deals")
    if (telegram is None) == (apprise is None):
        raise typer.BadParameter("give exactly one of --telegram CHAT or --apprise URL")

    def dec(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    spec = service.WatchSpec(
        channel="telegram" if telegram is not None else "apprise",
        target=telegram if telegram is not None else str(apprise),
        product_id=product,
        min_discount_percent=dec(min_discount),
        domain=domain,
        category=category,
        target_price=dec(target_price),
        drop_percent=dec(drop_percent),
        back_in_stock=back_in_stock,
    )
    hosts = HostVetter(tuple(settings().allowed_private_hosts), settings().api_dns_timeout_s)
    try:
        with engine().begin() as conn:
            watch_id = service.add_watch(conn, spec, datetime.now(UTC), hosts)
    except service.WatchError as exc:
        # One line whatever the terminal width: scripts grep it, people read it whole.
        console.print(f"[red]cannot add watch:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(f"watch {watch_id} added")


@app.command("list")
def list_() -> None:
    """All watches with their destination and whether it is enabled."""
    with engine().connect() as conn:
        rows = service.list_watches(conn)
    table = Table("id", "destination", "rule", "status")
    for w in rows:
        status = "enabled" if w.enabled else f"[red]disabled[/red]: {w.disabled_reason or ''}"
        table.add_row(str(w.id), w.destination, w.rule, status)
    console.print(table)
    if not rows:
        console.print("no watches yet: priceradar watches add --deals --telegram @yourchannel")


@app.command("delete")
def delete(watch_id: int) -> None:
    """Delete a watch (its destination stays for other watches)."""
    with engine().begin() as conn:
        found = service.delete_watch(conn, watch_id)
    if not found:
        console.print(f"[red]no watch {watch_id}[/red]")
        raise typer.Exit(1)
    console.print(f"watch {watch_id} deleted")


@app.command("enable")
def enable(destination_id: int) -> None:
    """Re-enable a destination that was disabled after a permanent delivery error."""
    with engine().begin() as conn:
        found = service.enable_destination(conn, destination_id)
    if not found:
        console.print(f"[red]no destination {destination_id}[/red]")
        raise typer.Exit(1)
    console.print(f"destination {destination_id} enabled")


def _paused(deal: Any) -> str:
    """An open deal of a product out of stock is paused: it resumes when the product returns."""
    return "paused: out of stock" if deal.in_stock is False else ""


@deals_app.command("list")
def deals_list(
    all_: Annotated[bool, typer.Option("--all", help="Include ended deals.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Deals, newest first: reference (original) price, deal price, discount, lowest-in-N."""
    with engine().connect() as conn:
        rows = service.list_deals(conn, active_only=not all_, limit=limit)
    table = Table("id", "product", "was", "now", "off", "lowest in", "started", "ended")
    for r in rows:
        flags = [f"{n}d" for n in (14, 30, 90, 180) if getattr(r, f"lowest_{n}d")]
        table.add_row(
            str(r.id),
            f"{r.product_id} {(r.title or r.url)[:50]}",
            f"{r.reference_price:.2f}",
            f"{r.deal_price:.2f}",
            f"{r.discount_percent:.0f}%",
            " ".join(flags),
            f"{r.started_at:%Y-%m-%d %H:%M}",
            f"{r.ended_at:%Y-%m-%d %H:%M} {r.end_reason}" if r.ended_at else _paused(r),
        )
    console.print(table)
