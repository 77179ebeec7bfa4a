"""A real priceradar stack for tests: migrated database, broker, and Celery worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celery import Celery
from sqlalchemy import Engine, create_engine, text

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.bench.stack import beat_argv, celery_argv, worker_argv
from priceradar.config import Settings, load_settings
from priceradar.worker.app import create_app
from tests.support.services import PG_ADMIN_URL


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, dropped afterwards."""
    name = f"priceradar_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_for(
    predicate: Callable[[], Any],
    timeout_s: float = 60,
    interval_s: float = 0.2,
    what: str = "condition",
) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")


@dataclass
class Stack:
    """Environment for one deployment flavour; start workers with `worker()`."""

    env: dict[str, str]
    data_dir: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.settings = settings_from_env(self.env)
        self.app: Celery[Any] = create_app(self.settings)
        self.engine: Engine = make_engine(self.settings.db_url)

    def migrate(self) -> None:
        migrate.upgrade(self.settings.db_url)

    @property
    def process_env(self) -> dict[str, str]:
        return {**clean_environ(), **self.env}

    def start_worker(
        self, concurrency: int = 2, extra: tuple[str, ...] = ()
    ) -> subprocess.Popen[bytes]:
        name = f"w{len(self.workers)}-{uuid.uuid4().hex[:6]}@%h"
        log = (self.data_dir / f"worker-{len(self.workers)}.log").open("wb")
        proc = subprocess.Popen(
            worker_argv(name, concurrency, "INFO", *extra),
            env=self.process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(proc)
        host_name = name.replace("%h", _hostname())
        wait_for(
            lambda: self._pings(host_name),
            timeout_s=60,
            what=f"worker {host_name} ready\n{self.logs()}",
        )
        return proc

    def start_beat(self) -> subprocess.Popen[bytes]:
        """A `celery beat` process; several may run at once (the two-beats mistake)."""
        n = len(self.workers)
        log = (self.data_dir / f"worker-beat-{n}.log").open("wb")
        proc = subprocess.Popen(
            beat_argv(self.data_dir / f"beat-{n}.schedule", "INFO"),
            env=self.process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(proc)
        return proc

    def _pings(self, name: str) -> bool:
        if any(p.poll() is not None for p in self.workers):
            raise AssertionError(f"a worker exited early:\n{self.logs()}")
        replies = self.app.control.ping(destination=[name], timeout=1.0) or []
        return any(name in reply for reply in replies)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-4000:]
            for p in sorted(self.data_dir.glob("worker-*.log"))
        )

    def celery(self, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
        """Run the `celery -A priceradar.worker …` CLI as an operator would."""
        return subprocess.run(
            celery_argv(*args),
            env=self.process_env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def python(self, code: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            env=self.process_env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def stop(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.workers.clear()
        self.engine.dispose()


SERVICE_VARS = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "REDIS_URL",
    "LOG_LEVEL",
)


def clean_environ() -> dict[str, str]:
    """The environment without any priceradar settings the developer may have exported."""
    return clean_environ_of(dict(os.environ))


def settings_from_env(env: dict[str, str]) -> Settings:
    """Settings exactly as a worker process with this environment reads them."""
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update({**clean_environ_of(saved), **env})
    try:
        return load_settings(_env_file=None)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def clean_environ_of(environ: dict[str, str]) -> dict[str, str]:
    return {
        k: v
        for k, v in environ.items()
        if k not in SERVICE_VARS and not k.startswith("PRICERADAR_")
    }


def _hostname() -> str:
    import socket

    return socket.gethostname()


def pool_children(pid: int) -> list[int]:
    """Pids of a worker's prefork pool processes."""
    out = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(p) for p in out.split()]
