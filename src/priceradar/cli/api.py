"""Serving commands: the HTTP API (uvicorn), API keys, and Flower behind basic auth."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console

from priceradar.api.auth import hash_key, is_loopback, new_key
from priceradar.api.limits import server_limits
from priceradar.cli.context import settings
from priceradar.cli.serve import key_file, save_new_key, saved_hashes
from priceradar.config import ConfigError, Environment
from priceradar.observability.logging import configure_logging

console = Console()
api_key = typer.Typer(help="API keys.", no_args_is_help=True)


def api(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default PRICERADAR_API_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default PRICERADAR_API_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (OpenAPI docs at /docs)."""
    import uvicorn

    cfg = settings()
    saved = saved_hashes(cfg.data_dir)
    if saved:
        cfg = cfg.model_copy(update={"api_key_hashes": [*cfg.api_key_hashes, *saved]})
    bind = host or cfg.api_host
    if not cfg.api_key_hashes and not is_loopback(bind):
        # Dev mode trusts loopback clients; listening beyond loopback without keys would let a
        # reverse proxy on this host hand every client that trust.
        raise ConfigError(
            f"invalid configuration: PRICERADAR_API_KEY_HASHES: refusing to serve on {bind} "
            "without API keys (create one with `priceradar api-key new`)"
        )
    configure_logging(cfg)
    from priceradar.api import create_app

    app = create_app(cfg)  # fails early, before binding, on unsafe settings
    if workers == 1:
        uvicorn.run(
            app,
            host=bind,
            port=port or cfg.api_port,
            log_config=None,
            **server_limits(cfg.api_max_connections),
        )
    else:
        uvicorn.run(
            "priceradar.api:app_from_env",
            factory=True,
            host=bind,
            port=port or cfg.api_port,
            workers=workers,
            log_config=None,
            **server_limits(cfg.api_max_connections),
        )


@api_key.command("new")
def api_key_new(
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Also keep the hash in <data dir>/api-key-hashes, which `serve` and `api` "
            "read at start (restart them to use the key).",
        ),
    ] = False,
) -> None:
    """Print a fresh random API key and the SHA-256 hash to configure."""
    if save:
        key = save_new_key(settings().data_dir)
        console.print(f"key:  {key}", highlight=False)
        console.print(f"hash saved in {key_file(settings().data_dir)}", highlight=False)
        return
    key = new_key()
    console.print(f"key:  {key}", highlight=False)
    console.print(f"hash: {hash_key(key)}", highlight=False)
    console.print(
        "Give the key to the client; add the hash to PRICERADAR_API_KEY_HASHES "
        "(comma separated). The key is not stored anywhere.",
        style="dim",
    )


def flower(
    address: Annotated[str | None, typer.Option(help="Default PRICERADAR_FLOWER_ADDRESS.")] = None,
    port: Annotated[int | None, typer.Option(help="Default PRICERADAR_FLOWER_PORT.")] = None,
) -> None:
    """Run Flower (Celery monitoring) behind basic auth from PRICERADAR_FLOWER_BASIC_AUTH."""
    cfg = settings()
    bind = address or cfg.flower_address
    auth = cfg.flower_basic_auth
    if not auth and cfg.env is not Environment.DEVELOPMENT:
        raise ConfigError(
            "invalid configuration: PRICERADAR_FLOWER_BASIC_AUTH: Flower needs user:password "
            "outside development"
        )
    if not auth and not is_loopback(bind):
        raise ConfigError(
            f"invalid configuration: PRICERADAR_FLOWER_BASIC_AUTH: refusing to serve Flower on "
            f"{bind} without basic auth"
        )
    if not auth:
        console.print("[yellow]Flower without basic auth (development, loopback only)[/yellow]")
    env = dict(os.environ)
    env.pop("FLOWER_BASIC_AUTH", None)
    if auth:
        env["FLOWER_BASIC_AUTH"] = auth  # the environment, not argv: `ps` shows argv to all
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "priceradar.worker",
        "flower",
        f"--address={bind}",
        f"--port={port or cfg.flower_port}",
    ]
    os.execve(sys.executable, argv, env)  # noqa: S606 (our own interpreter, fixed arguments)
