"""A tiny HTTP forward proxy on 127.0.0.1 (absolute-URI GETs, as clients send for http://
targets), counting what went through it and tagging requests with its name."""

from __future__ import annotations

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
        proxy = self
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

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
                for key in ("Content-Type", "Retry-After"):
                    if headers.get(key):
                        self.send_header(key, headers[key])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

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
