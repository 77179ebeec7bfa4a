"""The `priceradar` command: the user's first hour (db, products, check, run, status, demo)."""

from __future__ import annotations

import sys

import typer

from priceradar.cli import api as api_commands
from priceradar.cli import bench as bench_commands
from priceradar.cli import commands, render, watches
from priceradar.cli import demo as demo_commands
from priceradar.cli import deploy as deploy_commands
from priceradar.cli.chaos import chaos as chaos_command
from priceradar.cli.discover import discover_command
from priceradar.cli.extract import extract
from priceradar.cli.serve import serve as serve_command
from priceradar.config import ConfigError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
commands.db.command("wait")(deploy_commands.db_wait)
app.add_typer(commands.db, name="db")
app.add_typer(commands.products, name="products")
app.command("check")(commands.check)
app.command("run")(commands.run)
app.command("status")(commands.status)
app.command("demo")(demo_commands.demo)
app.command("shop")(demo_commands.shop)
app.command("api")(api_commands.api)
app.command("serve")(serve_command)
app.add_typer(api_commands.api_key, name="api-key")
app.command("flower")(api_commands.flower)
app.command("discover")(discover_command)
app.command("extract")(extract)
app.add_typer(bench_commands.app, name="bench")
app.command("chaos")(chaos_command)
app.add_typer(watches.app, name="watches")
app.add_typer(render.app, name="render")
app.add_typer(watches.deals_app, name="deals")
app.add_typer(deploy_commands.secrets_app, name="secrets")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        print(f"priceradar: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
