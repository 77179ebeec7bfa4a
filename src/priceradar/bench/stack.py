"""Starting and stopping the processes of a benchmark run: shops, workers, a beat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class Processes:
    """Child processes with logs under one directory, stopped together."""

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}.log").open("wb")
        # argv is built here from sys.executable and our own options, never from user input.
        proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.procs[name] = proc
        return proc

    def pids(self, prefix: str) -> list[int]:
        return [p.pid for n, p in self.procs.items() if n.startswith(prefix) and p.poll() is None]

    def stop(self, prefix: str = "", timeout_s: float = 60) -> None:
        chosen = {n: p for n, p in self.procs.items() if n.startswith(prefix)}
        for proc in chosen.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in chosen.items():
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            del self.procs[name]

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")


def start_shops(
    procs: Processes,
    count: int,
    port: int,
    padding: int,
    fault_rate: float,
    real_kinds: float = 0.0,
    web_model: str = "clean",
) -> str:
    """`count` shop processes sharing one port (SO_REUSEPORT); returns the base URL."""
    for n in range(count):
        procs.start(
            f"shop-{n}",
            [
                sys.executable,
                "-m",
                "priceradar.demo_shop",
                "--port",
                str(port),
                "--padding",
                str(padding),
                "--period",
                "3600",
                "--fault-rate",
                str(fault_rate),
                "--real-kinds",
                str(real_kinds),
                "--reuse-port",
                "--web-model",
                web_model,
            ],
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - our own shop
                return base
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def celery_argv(*args: str) -> list[str]:
    """`celery -A priceradar.worker …` with this interpreter (works inside any venv)."""
    return [sys.executable, "-m", "celery", "-A", "priceradar.worker", *args]


def worker_argv(name: str, concurrency: int, loglevel: str = "WARNING", *extra: str) -> list[str]:
    """A prefork worker that starts fast: no gossip or mingle (we never need their state)."""
    return celery_argv(
        "worker", "-P", "prefork", f"--concurrency={concurrency}", "-n", name,
        "--without-gossip", "--without-mingle", f"--loglevel={loglevel}", *extra,
    )  # fmt: skip


def beat_argv(schedule: Path, loglevel: str = "WARNING") -> list[str]:
    return celery_argv("beat", f"--loglevel={loglevel}", "--schedule", str(schedule))


def start_workers(procs: Processes, workers: int, concurrency: int) -> None:
    for n in range(workers):
        procs.start(
            f"worker-{n}",
            worker_argv(f"bench{n}@%h", concurrency, "WARNING", "--without-heartbeat"),
        )


def start_beat(procs: Processes, schedule: Path) -> None:
    procs.start("beat", beat_argv(schedule))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_environ() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    # Allocator tuning (MALLOC_*) passes through so it can be measured.
    return {k: v for k, v in os.environ.items() if k in keep or k.startswith("MALLOC_")}
