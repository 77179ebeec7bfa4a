"""A tiny HTTP forward proxy on 127.0.0.1 (absolute-URI GETs, as clients send for http://
targets, and CONNECT tunnels), counting what went through it and tagging requests with its
name."""

from __future__ import annotations

import select
import socket
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ForwardProxy:
    """`with ForwardProxy("a") as p:` then use `p.url` as an egress route."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[str] = []
        self.tunnels: list[str] = []  # CONNECT targets
        proxy = self
        # A forward proxy relays a redirect to its client; it never follows one itself.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy.requests.append(self.path)
                request = urllib.request.Request(self.path, headers={"X-Egress": proxy.name})
                try:
                    with opener.open(request, timeout=10) as upstream:
                        status, headers, body = upstream.status, upstream.headers, upstream.read()
                except urllib.error.HTTPError as exc:
                    status, headers, body = exc.code, exc.headers, exc.read()
                self.send_response(status)
                for key in ("Content-Type", "Retry-After", "Location"):
                    if headers.get(key):
                        self.send_header(key, headers[key])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_CONNECT(self) -> None:
                proxy.tunnels.append(self.path)
                host, _, port = self.path.rpartition(":")
                try:
                    upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
                except OSError:
                    self.send_error(502)
                    return
                self.send_response(200, "Connection Established")
                self.end_headers()
                self.wfile.flush()
                _pipe(self.connection, upstream)
                self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ForwardProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until either side closes."""
    with b:
        while True:
            ready, _, _ = select.select([a, b], [], [], 30)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
