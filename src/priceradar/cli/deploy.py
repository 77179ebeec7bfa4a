"""Deployment helpers: the secrets directory for Docker Compose, and waiting for the schema."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.api.auth import hash_key, new_key
from priceradar.cli.context import settings

console = Console()
secrets_app = typer.Typer(help="Secrets for Docker Compose / Kubernetes.", no_args_is_help=True)


def compose_secrets(postgres_password: str, redis_password: str) -> dict[str, str]:
    """Every secret file docker-compose.yml mounts, consistent with the two passwords."""
    redis = f"redis://:{redis_password}@redis:6379"
    database = f"postgresql+psycopg://priceradar:{postgres_password}@postgres:5432/priceradar"
    return {
        "postgres_password": postgres_password,
        "redis_password": redis_password,
        "database_url": database,
        "celery_broker_url": f"{redis}/0",
        "celery_result_backend": f"{redis}/1",
        "redis_url": f"{redis}/2",
    }


@secrets_app.command("init")
def secrets_init(
    directory: Annotated[Path, typer.Argument(help="Where to write the files.")] = Path("secrets"),
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Write fresh random secrets for docker-compose.yml and print the first API key once."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # only the owner may list or enter it
    api_key = new_key()
    flower_password = secrets.token_hex(16)
    files = {
        **compose_secrets(secrets.token_hex(24), secrets.token_hex(24)),
        "priceradar_api_key_hashes": hash_key(api_key),
        "priceradar_flower_basic_auth": f"ops:{flower_password}",
    }
    existing = [name for name in files if (directory / name).exists()]
    if existing and not force:
        console.print(f"[red]refusing to overwrite[/red] {', '.join(existing)} (use --force)")
        raise typer.Exit(1)
    for name, value in files.items():
        path = directory / name
        path.write_text(value + "\n", encoding="utf-8")
        # Compose bind-mounts these files as they are: readable by the containers' user
        # (uid 10001); the 0700 directory keeps other host users out.
        path.chmod(0o644)
    console.print(f"wrote {len(files)} secret files to {directory}/")
    console.print(f"API key (shown once, only its hash is stored): [bold]{api_key}[/bold]")
    console.print(f"Flower: user ops, password {flower_password}")


def db_wait(
    timeout_s: Annotated[float, typer.Option("--timeout", help="Give up after N seconds.")] = 300,
) -> None:
    """Wait until the database answers and is not behind this build's migrations."""
    engine = make_engine(settings().db_url)
    deadline = time.monotonic() + timeout_s
    state = "unreachable"
    while True:
        try:
            state = migrate.schema_state(engine)
            if state != "behind":
                console.print(f"database ready (schema {state})")
                return
        except Exception as exc:
            state = f"unreachable: {type(exc).__name__}"
        if time.monotonic() >= deadline:
            break
        time.sleep(2)
    engine.dispose()
    reason = "migrations pending" if state == "behind" else state
    console.print(f"[red]database not ready after {timeout_s:g} s[/red]: {reason}")
    raise typer.Exit(1)
