"""Faults for the chaos suite: a database link that can be cut, a Redis that can be restarted,
worker trees that can be killed, and a watcher that times how late orphans are re-dispatched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from priceradar.adapters.db.tables import products


class CuttableProxy:
    """A localhost TCP proxy in front of a server; `cut()` drops every connection and refuses
    new ones until `restore()`, as a database restart or a network partition would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = int(self._listener.getsockname()[1])
        self._open = threading.Event()
        self._open.set()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._conns.discard(s)
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self) -> None:
        self._open.clear()
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            self._drop(s)

    def restore(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()


class OwnRedis:
    """A redis-server of our own on a free port (append-only file, like production), which
    the suite may restart without touching anyone else's."""

    def __init__(self, work_dir: Path, port: int) -> None:
        self.dir = work_dir / f"redis-{port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                str(self.dir), "--appendonly", "yes", "--save", "",
                "--maxmemory-policy", "noeviction"]  # fmt: skip
        log = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, read from /proc (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a worker and its pool processes at once (the machine died)."""
    for child in children_of(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@dataclass
class Orphan:
    token: str
    lease_until: datetime


@dataclass
class OrphanWatch:
    """Products in flight when a worker tree was killed; records when each is re-dispatched
    (a new lease, or a check stored after its old lease ran out) relative to its lease expiry."""

    engine: Engine
    pending: dict[int, Orphan] = field(default_factory=dict)
    lateness_s: list[float] = field(default_factory=list)

    def snapshot(self) -> int:
        c = products.c
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.id, c.lease_token, c.lease_until).where(
                    c.lease_until > now, c.check_count == 0, c.lease_token.is_not(None)
                )
            ).all()
        for r in rows:
            self.pending.setdefault(r.id, Orphan(r.lease_token, r.lease_until))
        return len(rows)

    def poll(self) -> None:
        if not self.pending:
            return
        c = products.c
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.id, c.lease_token, c.check_count, c.last_checked_at).where(
                    c.id.in_(list(self.pending))
                )
            ).all()
        for r in rows:
            old = self.pending[r.id]
            if r.check_count and r.last_checked_at is not None:
                if r.last_checked_at > old.lease_until:  # re-dispatched, then checked at once
                    self.lateness_s.append((r.last_checked_at - old.lease_until).total_seconds())
                del self.pending[r.id]  # else checked within its lease: not an orphan
            elif r.lease_token is not None and r.lease_token != old.token:
                self.lateness_s.append(max(0.0, (now - old.lease_until).total_seconds()))
                del self.pending[r.id]
