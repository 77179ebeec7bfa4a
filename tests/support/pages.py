"""A tiny page server on 127.0.0.1 serving given HTML per path, optionally after a delay."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def product_page(name: str, price: str, currency: str = "EUR", pad: int = 0) -> bytes:
    """A product page with one JSON-LD Product (`pad` bytes of filler text)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "offers": {"@type": "Offer", "price": price, "priceCurrency": currency},
    }
    filler = "<p>" + "x" * pad + "</p>" if pad else ""
    return (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(data)
        + f"</script></head><body>{filler}</body></html>"
    ).encode()


class PageServer:
    """`with PageServer() as s: s.pages["/p/1"] = body; s.delays["/p/1"] = 3.0`."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.delays: dict[str, float] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.status: dict[str, int] = {}
        self.hits: list[str] = []
        self.egress_hits: list[str] = []  # the X-Egress header a test proxy adds ("" direct)
        self.egress_status: dict[str, int] = {}  # answer this status to requests via an egress
        self.egress_headers: dict[str, dict[str, str]] = {}
        self.gate: Callable[[str], int | None] | None = None  # a status to answer instead
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits.append(self.path)
                egress = self.headers.get("X-Egress", "")
                server.egress_hits.append(egress)
                time.sleep(server.delays.get(self.path, 0.0))
                body = server.pages.get(self.path, b"not found")
                status = server.status.get(self.path, 200 if self.path in server.pages else 404)
                status = server.egress_status.get(egress, status)
                if server.gate is not None:
                    status = server.gate(self.path) or status
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                extra = {
                    **server.headers.get(self.path, {}),
                    **server.egress_headers.get(egress, {}),
                }
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> PageServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
