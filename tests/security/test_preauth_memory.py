"""Pre-auth memory: a real `priceradar api` (uvicorn) process must not buffer big bodies from
clients without a key. Four parallel 200 MB bodies, declared and chunked, to routes with and
without a JSON body: its peak RSS (VmHWM) stays within a bound and every request is refused."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from priceradar.api.auth import hash_key
from tests.api.conftest import API_KEY
from tests.support.stack import clean_environ, wait_for

BODY_MB = 200
CHUNK = b'{"url": "https://shop.example/' + b"a" * (1024 * 1024 - 40) + b'"}\n'[:10]
GROWTH_LIMIT_KB = 120 * 1024  # the app itself is ~100 MB; four 200 MB bodies buffered would be 800+


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def api_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[int, int]]:
    """(pid, port) of `priceradar api` serving with one key configured (and the test's
    `server_env` marker's variables)."""
    port = free_port()
    marker = request.node.get_closest_marker("server_env")
    env = {
        **clean_environ(),
        "PRICERADAR_DATA_DIR": str(tmp_path),
        "PRICERADAR_API_KEY_HASHES": hash_key("prk_never-sent"),
        **(marker.args[0] if marker else {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "priceradar", "api", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False

        wait_for(up, timeout_s=60, what="the API to listen")
        yield proc.pid, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def send_big(port: int, path: str, chunked: bool, statuses: list[str]) -> None:
    """POST a 200 MB body without a key, as fast as the server takes it; record the status."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        framing = (
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY_MB * len(CHUNK)}"
        )
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\n{framing}\r\n\r\n"
        )
        try:
            sock.sendall(head.encode())
            for _ in range(BODY_MB):
                if chunked:
                    sock.sendall(f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n")
                else:
                    sock.sendall(CHUNK)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # refused mid-body: the server closed the connection
        try:
            reply = sock.recv(4096).decode("latin-1")
        except OSError:
            reply = ""
        statuses.append(reply.split("\r\n", 1)[0])


def test_four_parallel_200_mb_unauthenticated_bodies_keep_memory_bounded(
    api_server: tuple[int, int],
) -> None:
    pid, port = api_server
    before = rss_kb(pid)
    statuses: list[str] = []
    threads = [
        threading.Thread(target=send_big, args=(port, path, chunked, statuses))
        for path, chunked in [
            ("/api/v1/products", False),
            ("/api/v1/products", True),
            ("/api/v1/watches", True),
            ("/api/v1/products/import", False),
        ]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)

    growth = peak_rss_kb(pid) - before
    assert growth < GROWTH_LIMIT_KB, f"peak RSS grew by {growth // 1024} MB"
    assert len(statuses) == 4
    for status in statuses:  # refused: too large (413) or no key (401), or the line cut
        assert status == "" or status.split()[1] in ("401", "413"), statuses


def test_a_small_body_limit_answers_413_before_the_key_is_checked(
    make_api: Callable[..., TestClient],
) -> None:
    api = make_api(api_max_body_bytes="2048", api_import_max_bytes="4096")
    big = {"url": "https://shop.example/" + "a" * 3000}
    assert api.post("/api/v1/products", json=big).status_code == 413  # no key sent
    chunked = api.post(
        "/api/v1/watches",
        content=iter([b'{"a": "', b"b" * 3000, b'"}']),
        headers={"Content-Type": "application/json"},
    )
    assert chunked.status_code == 413
    assert api.post("/api/v1/products", json={"url": "https://x.example/"}).status_code == 401
    body = b"url\n" + b"https://shop.example/p\n" * 300
    keyed = {"X-API-Key": API_KEY, "Content-Type": "text/csv"}
    assert api.post("/api/v1/products/import", content=body, headers=keyed).status_code == 413


@pytest.mark.server_env({"PRICERADAR_API_MAX_CONNECTIONS": "3"})
def test_connections_over_the_limit_are_answered_503(api_server: tuple[int, int]) -> None:
    _, port = api_server
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
            extra.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert extra.recv(100).split(b"\r\n", 1)[0].split()[1] == b"503"
    finally:
        for sock in idle:
            sock.close()


def test_the_ui_upload_keeps_the_import_cap(make_api: Callable[..., TestClient]) -> None:
    api = make_api(api_max_body_bytes="2048", api_import_max_bytes="1000000000")
    files = {"file": ("p.csv", b"url\n" + b"http://127.0.0.1/p\n" * 20_000, "text/csv")}
    response = api.post("/add/csv", files=files, follow_redirects=False)
    assert response.status_code != 413  # refused for want of a login, not for its size
    # The pasted list is parsed in memory before the login check: a tighter cap (4 MiB)
    pasted = {"urls": "http://127.0.0.1/p\n" * 300_000}
    assert api.post("/add/urls", data=pasted, follow_redirects=False).status_code == 413
