"""`priceradar render …`: which domains are rendered in the browser, and the operator's say."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from priceradar.adapters.db.rendering import clear_decision, set_decision
from priceradar.cli.context import engine, settings
from priceradar.services.render import rendering_overview

console = Console()
app = typer.Typer(
    help="Browser rendering per domain (script-only shops, the browser_fetch queue).",
    no_args_is_help=True,
)


def _domain(value: str) -> str:
    domain = value.strip().lower()
    if not domain or any(c.isspace() or c == "/" for c in domain) or len(domain) > 261:
        raise typer.BadParameter(f"{value!r} is not host[:port] (as in `priceradar status`)")
    return domain


@app.command("list")
def list_domains() -> None:
    """Domains rendered (or never rendered), and who decided: site rule, operator, detection."""
    with engine().connect() as conn:
        decisions = rendering_overview(conn, settings().site_rules)
    table = Table("domain", "render", "decided by", "evidence product", "since")
    for d in decisions:
        table.add_row(
            escape(d.domain),
            "yes" if d.render else "never",
            d.decided_by,
            str(d.evidence_product_id or ""),
            d.updated_at.isoformat(timespec="seconds") if d.updated_at else "",
        )
    console.print(table if decisions else "no domain is rendered in the browser")


@app.command("on")
def render_on(domain: str) -> None:
    """Render every page of DOMAIN in the browser."""
    _decide(_domain(domain), True)


@app.command("off")
def render_off(domain: str) -> None:
    """Never render DOMAIN (no script-shell re-check either); detection will not undo it."""
    _decide(_domain(domain), False)


@app.command("auto")
def render_auto(domain: str) -> None:
    """Forget any decision for DOMAIN: static fetching again, with script-shell detection."""
    with engine().begin() as conn:
        cleared = clear_decision(conn, _domain(domain))
    console.print(f"{escape(domain)}: {'back to detection' if cleared else 'had no decision'}")


def _decide(domain: str, render: bool) -> None:
    rule = settings().site_rules.get(domain)
    with engine().begin() as conn:
        set_decision(conn, domain, render, datetime.now(UTC))
    console.print(f"{escape(domain)}: {'rendered in the browser' if render else 'never rendered'}")
    if rule is not None and rule.render and not render:
        console.print('  note: a site rule {"render": true} still renders it; change the rule')
