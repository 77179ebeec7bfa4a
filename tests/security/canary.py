"""Loopback servers for the SSRF suite: a canary that counts every request it gets, and a
"tracked shop" on 127.0.0.2 (the one private host the tests allow) that redirects wherever
it is told to."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SHOP_HOST = "127.0.0.2"  # allowed in the tests' configuration; nothing else private is


def _serve(server: ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


class Canary:
    """Listens on 127.0.0.1 and [::1] on one port; `hits` lists every request it received,
    `connections` counts accepted connections (a preconnect sends no request)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.connections = 0
        canary = self

        class V4(ThreadingHTTPServer):
            def get_request(self) -> tuple[socket.socket, Any]:
                canary.connections += 1
                return super().get_request()

        class V6(V4):
            address_family = socket.AF_INET6

        class Handler(BaseHTTPRequestHandler):
            def _hit(self) -> None:
                canary.hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                body = b"<html><h1>internal secret</h1><span class=price>13.37</span></html>"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = do_CONNECT = _hit

            def log_message(self, *args: Any) -> None:
                pass

        for _ in range(20):
            v4 = V4(("127.0.0.1", 0), Handler)
            try:
                v6 = V6(("::1", v4.server_address[1]), Handler)
            except OSError:
                v4.server_close()
                continue
            break
        else:
            raise RuntimeError("no port free on both 127.0.0.1 and ::1")
        self._servers = (v4, v6)
        self.port = int(v4.server_address[1])

    def __enter__(self) -> Canary:
        for server in self._servers:
            _serve(server)
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


class Shop:
    """On 127.0.0.2: `/go?to=URL&status=302` redirects; `/loop` redirects to itself (counted);
    `/chain?n=K` redirects K times then serves a page; `/sitemap/NAME` lists the URLs in
    `lists[NAME]`, `/index/NAME` is a sitemap index of them; `/hook` answers POSTs the same."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.lists: dict[str, list[str]] = {}
        self.targets: list[str] = []  # `/hook/STATUS/I` redirects to targets[I]
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: bytes = b"", **headers: str) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                shop.requests.append(self.path)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                if parts.path.startswith("/hook/"):
                    _, _, status, index = parts.path.split("/")
                    self._reply(int(status), Location=shop.targets[int(index)])
                elif parts.path == "/go":
                    status = int(query.get("status", ["302"])[0])
                    self._reply(status, Location=query["to"][0])
                elif parts.path == "/loop":
                    self._reply(302, Location="/loop")
                elif parts.path == "/chain":
                    left = int(query["n"][0])
                    if left:
                        self._reply(302, Location=f"/chain?n={left - 1}")
                    else:
                        self._reply(200, PAGE, Content_Type="text/html")
                elif parts.path.startswith(("/sitemap/", "/index/")):
                    kind, name = parts.path.strip("/").split("/", 1)
                    tag, item = ("urlset", "url")
                    if kind == "index":
                        tag, item = ("sitemapindex", "sitemap")
                    entries = "".join(
                        f"<{item}><loc>{_xml(u)}</loc></{item}>" for u in shop.lists[name]
                    )
                    xml = (
                        '<?xml version="1.0" encoding="UTF-8"?>'
                        f'<{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"{entries}</{tag}>"
                    )
                    self._reply(200, xml.encode(), Content_Type="application/xml")
                else:
                    self._reply(200, PAGE, Content_Type="text/html")

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.do_GET()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((SHOP_HOST, 0), Handler)
        self.port = int(self._server.server_address[1])
        self.base = f"http://{SHOP_HOST}:{self.port}"

    def __enter__(self) -> Shop:
        _serve(self._server)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


PAGE = (
    b'<html><head><script type="application/ld+json">{"@type": "Product", "name": "Shop item",'
    b' "offers": {"price": "9.99", "priceCurrency": "EUR"}}</script></head><h1>Shop item</h1>'
    b"</html>"
)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
