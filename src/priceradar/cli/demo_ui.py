"""The demo's web UI: the real app on 127.0.0.1 in a thread, on the demo's own data."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass
from typing import Any

from priceradar.config import load_settings

START_TIMEOUT_S = 20


@dataclass
class RunningUi:
    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def demo_settings(env: dict[str, str]) -> Any:
    """Settings as the demo's worker reads them from `env` (service URLs of the developer's
    own shell are ignored: the demo runs on the embedded default, open to loopback only)."""
    values: dict[str, Any] = {
        key.removeprefix("PRICERADAR_").lower(): value
        for key, value in env.items()
        if key.startswith("PRICERADAR_")
    }
    return load_settings(
        _env_file=None,
        **values,
        database_url=None,
        celery_broker_url=None,
        celery_result_backend=None,
        redis_url=None,
        env="development",
        api_key_hashes="",
    )


def start_ui(env: dict[str, str], port: int) -> RunningUi:
    import uvicorn

    from priceradar.api import create_app

    app = create_app(demo_settings(env))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return RunningUi(f"http://127.0.0.1:{port}", server, thread)


def free_port(preferred: int) -> int:
    """`preferred` when it is free on 127.0.0.1, else any free port."""
    for candidate in (preferred, 0) if preferred else (0,):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def open_browser(url: str) -> None:
    """Open the UI where a desktop is likely; on a server the printed URL is enough."""
    desktop = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if desktop and not os.environ.get("CI"):
        webbrowser.open(url)
