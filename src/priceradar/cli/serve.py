"""`priceradar serve`: API, web UI, worker and scheduler in one command (the container default).

The worker and beat run as `priceradar run` in a child process; the API and UI run in this one
with uvicorn. If either stops, the other is stopped too, so a supervisor (Docker, systemd)
sees the failure and restarts the whole thing.

Keys: listening beyond loopback needs an API key (the UI's login). With none configured,
`serve` makes one on its first start, prints it once, and keeps only its SHA-256 hash in
`<data dir>/api-key-hashes`; `priceradar api-key new --save` adds another. There is no default
credential.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from priceradar.adapters.db import migrate
from priceradar.api.auth import hash_key, is_loopback, new_key
from priceradar.api.limits import server_limits
from priceradar.cli.context import settings
from priceradar.config import Settings
from priceradar.observability.logging import configure_logging

# soft_wrap: URLs and the key stay whole on one line, whatever the (log) width
console = Console(soft_wrap=True)
KEY_FILE = "api-key-hashes"
WORKER_STOP_S = 30  # a batch in flight finishes or is re-dispatched after its lease


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def saved_hashes(data_dir: Path) -> list[str]:
    """Hashes kept in the data directory's key file (one per line; # comments allowed)."""
    try:
        lines = key_file(data_dir).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


def save_new_key(data_dir: Path) -> str:
    """Make a key, append its hash to the key file (0600), and return the key itself."""
    key = new_key()
    data_dir.mkdir(parents=True, exist_ok=True)
    path = key_file(data_dir)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(hash_key(key) + "\n")
    return key


def with_keys(cfg: Settings, bind: str) -> tuple[Settings, str | None]:
    """The settings with the key file's hashes added; makes the first key when one is needed.

    Returns (settings, a new key to show once, or None).
    """
    hashes = [*cfg.api_key_hashes, *saved_hashes(cfg.data_dir)]
    new = None
    if not hashes and not is_loopback(bind):
        new = save_new_key(cfg.data_dir)
        hashes = [hash_key(new)]
    return cfg.model_copy(update={"api_key_hashes": list(dict.fromkeys(hashes))}), new


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default PRICERADAR_API_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default PRICERADAR_API_PORT).")] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Worker processes (default: CPU count).")
    ] = None,
    migrate_db: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations first.")
    ] = True,
) -> None:
    """Run everything: the API and web UI, a worker and the scheduler (one command)."""
    import uvicorn

    from priceradar.api import create_app

    cfg = settings()
    bind = host or cfg.api_host
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate_db:
        migrate.upgrade(cfg.db_url)
    cfg, first_key = with_keys(cfg, bind)
    configure_logging(cfg)
    app = create_app(cfg)  # fails early, before anything starts, on unsafe settings
    shown = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind  # noqa: S104 (a display name)
    url = f"http://{shown}:{port or cfg.api_port}"
    _announce(url, cfg, first_key)

    # uvicorn re-raises a SIGTERM it caught once it has shut down; with Python's default
    # handler that would end this process before the worker is stopped.
    signal.signal(signal.SIGTERM, _exit)
    worker = _start_worker(concurrency)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=bind,
            port=port or cfg.api_port,
            log_config=None,
            **server_limits(cfg.api_max_connections),
        )
    )
    watcher = threading.Thread(target=_stop_when_gone, args=(worker, server), daemon=True)
    watcher.start()
    try:
        server.run()
    finally:
        _stop(worker)
    if worker.returncode not in (0, -signal.SIGTERM, None):
        raise SystemExit(f"the worker stopped (exit {worker.returncode})")


def _announce(url: str, cfg: Settings, first_key: str | None) -> None:
    console.print(f"priceradar: web UI and API at [bold]{url}[/bold] (API docs at {url}/docs)")
    if first_key:
        console.print(
            "[bold yellow]First start: an API key was made for the login. It is shown only "
            f"this once:[/bold yellow]\n  {first_key}\n"
            f"Its hash is kept in {key_file(cfg.data_dir)}; make more with "
            "`priceradar api-key new --save`.",
            highlight=False,
        )
    elif not cfg.api_key_hashes:
        console.print("No API key configured: open to this machine (loopback) only, no login.")
    else:
        console.print("Log in with an API key (`priceradar api-key new --save` makes one).")


def _exit(*_: Any) -> None:
    raise SystemExit(0)


def _start_worker(concurrency: int | None) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "priceradar", "run"]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    # Our own interpreter and fixed arguments; the same environment and settings as this process.
    return subprocess.Popen(argv)  # noqa: S603


def _stop_when_gone(worker: subprocess.Popen[bytes], server: Any) -> None:
    worker.wait()
    server.should_exit = True


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=WORKER_STOP_S)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
