"""The browser's only way out: a local forward proxy that applies the SSRF guard at connect time.

Chromium is launched with this proxy for every scheme and with loopback *not* bypassed, so
every connection a page opens — navigation, each redirect hop, subresources, `fetch()`/XHR,
WebSockets, preconnects — arrives here first. Playwright's request interception does not see
the hops of a redirect; a proxy does. The host is resolved here, every address is checked with
the guard (`adapters.http.guard.check_address`), and the connection goes to the checked address,
so a DNS answer cannot change between check and connect.

Plain HTTP is forwarded one request per connection (`Connection: close` both ways, so a reused
client connection can never carry a second request to the first request's host); HTTPS is a
CONNECT tunnel. Refusals answer 403 with `X-Priceradar-Refused` and are counted.

With an `upstream` (an egress route, `PRICERADAR_FETCH_PROXIES`) the target is still resolved and
checked here first; then the request (or the tunnel) goes through that proxy, as the static
fetcher's does: the operator's proxy itself is not checked, and it resolves the name once more
(docs/security.md). An unreachable egress proxy answers 502 with `X-Priceradar-Egress-Down`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import socket
from collections import Counter
from urllib.parse import SplitResult, unquote, urlsplit

from priceradar.adapters.http.guard import ForbiddenTarget, check_address

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 64 * 1024
CONNECT_TIMEOUT_S = 10.0
REFUSED_HEADER = "X-Priceradar-Refused"
EGRESS_DOWN_HEADER = "X-Priceradar-Egress-Down"
_HOP_HEADERS = frozenset(
    {"connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "upgrade"}
)


class GuardProxy:
    """`port = await proxy.start()`; `await proxy.close()`. Binds 127.0.0.1 only."""

    def __init__(self, allowed_private_hosts: tuple[str, ...], upstream: str | None = None) -> None:
        self.allowed = allowed_private_hosts
        self.upstream: SplitResult | None = urlsplit(upstream) if upstream else None
        self.refused: Counter[str] = Counter()  # "host:port" -> refusals (tests, logs)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and end the connections still open (the browser is gone by now)."""
        if self._server is not None:
            self._server.close()
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def connect(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Resolve, check every address, connect to a checked one. Raises ForbiddenTarget."""
        addresses = await self.check(host, port)
        return await asyncio.wait_for(
            asyncio.open_connection(addresses[0], port), CONNECT_TIMEOUT_S
        )

    async def check(self, host: str, port: int) -> list[str]:
        """Every address of `host`, each checked by the guard. Raises ForbiddenTarget."""
        loop = asyncio.get_running_loop()
        bare = host.strip("[]")
        infos = await loop.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise OSError(f"{host} does not resolve")
        try:
            for address in addresses:
                check_address(bare, address, self.allowed, port)
        except ForbiddenTarget:
            self.refused[f"{host}:{port}"] += 1
            raise
        return addresses

    async def upstream_reachable(self) -> bool:
        """Whether the egress proxy accepts a connection now (True without one)."""
        if self.upstream is None:
            return True
        try:
            _reader, writer = await self._connect_upstream()
        except (OSError, TimeoutError):
            return False
        writer.close()
        return True

    async def _connect_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        assert self.upstream is not None and self.upstream.hostname
        port = self.upstream.port or (443 if self.upstream.scheme == "https" else 80)
        return await asyncio.wait_for(
            asyncio.open_connection(
                self.upstream.hostname, port, ssl=self.upstream.scheme == "https" or None
            ),
            CONNECT_TIMEOUT_S,
        )

    def _upstream_auth(self) -> str:
        """The egress proxy's Proxy-Authorization header line, if its URL carries credentials."""
        if self.upstream is None or self.upstream.username is None:
            return ""
        user = unquote(self.upstream.username)
        password = unquote(self.upstream.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return f"Proxy-Authorization: Basic {token}\r\n"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if len(head) > MAX_HEAD_BYTES:
                raise ValueError("request head too large")
            await self._handle(head, reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        except Exception as exc:  # one odd request must not take the proxy down
            log.debug("browser proxy: %s: %s", type(exc).__name__, exc)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(
        self, head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            upstream = await self._open(writer, host, int(port_text), tunnel=True)
            if upstream is None:
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await _pipe_both(reader, writer, *upstream)
            return
        url = urlsplit(target)
        if url.scheme != "http" or not url.hostname:
            await _reply(writer, 400, "only absolute http:// URLs or CONNECT")
            return
        if any(
            h.split(":", 1)[0].strip().lower() == "transfer-encoding" for h in header_lines if h
        ):
            # Browsers send bodies with a length; a chunked body is not worth a relay of its own.
            await _reply(writer, 411, "request bodies need a Content-Length")
            return
        port = url.port or 80
        upstream = await self._open(writer, url.hostname, port)
        if upstream is None:
            return
        up_reader, up_writer = upstream
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        if self.upstream is not None:  # absolute form, as a client speaks to a proxy
            path = f"http://{url.netloc.rpartition('@')[2]}{path}"
        headers = [h for h in header_lines if h and h.split(":", 1)[0].lower() not in _HOP_HEADERS]
        out = f"{method} {path} HTTP/1.1\r\n" + self._upstream_auth()
        out += "".join(f"{h}\r\n" for h in headers) + "Connection: close\r\n\r\n"
        up_writer.write(out.encode("latin-1"))
        length = _content_length(headers)
        if length:
            up_writer.write(await reader.readexactly(length))
        await up_writer.drain()
        try:
            await _relay_response(up_reader, writer)
        finally:
            up_writer.close()

    async def _open(
        self, writer: asyncio.StreamWriter, host: str, port: int, tunnel: bool = False
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A connection for the request: to the checked target, or to the egress proxy (a
        tunnel through it already established when `tunnel`). None: the client was answered."""
        try:
            if self.upstream is None:
                return await self.connect(host, port)
            await self.check(host, port)
        except ForbiddenTarget as exc:
            log.info("browser proxy refused %s:%s: %s", host, port, exc)
            await _reply(writer, 403, str(exc), refused=True)
            return None
        except (OSError, TimeoutError) as exc:
            await _reply(writer, 502, f"cannot connect to {host}:{port}: {type(exc).__name__}")
            return None
        try:
            up_reader, up_writer = await self._connect_upstream()
        except (OSError, TimeoutError) as exc:
            detail = f"egress proxy unreachable: {type(exc).__name__}"
            await _reply(writer, 502, detail, extra=f"{EGRESS_DOWN_HEADER}: 1\r\n")
            return None
        if not tunnel:
            return up_reader, up_writer
        line = f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        up_writer.write(f"{line}{self._upstream_auth()}\r\n".encode("latin-1"))
        await up_writer.drain()
        head = await asyncio.wait_for(up_reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT_S)
        status = head.split(b"\r\n", 1)[0]
        if b" 200" not in status:
            up_writer.close()
            text = status.decode("latin-1", "replace")[:200]
            await _reply(writer, 502, f"egress proxy refused the tunnel: {text}")
            return None
        return up_reader, up_writer


def _content_length(headers: list[str]) -> int:
    for line in headers:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return max(0, int(value.strip()))
    return 0


async def _reply(
    writer: asyncio.StreamWriter, status: int, text: str, refused: bool = False, extra: str = ""
) -> None:
    body = text.encode()
    extra += f"{REFUSED_HEADER}: 1\r\n" if refused else ""
    reason = "Forbidden" if status == 403 else "Error"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Type: text/plain\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    with contextlib.suppress(ConnectionError):
        await writer.drain()


async def _relay_response(up: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The upstream response with its connection headers replaced by `Connection: close`."""
    head = await up.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    kept = [h for h in lines if h and h.split(":", 1)[0].lower() not in _HOP_HEADERS]
    writer.write(
        (
            status_line + "\r\n" + "".join(f"{h}\r\n" for h in kept) + "Connection: close\r\n\r\n"
        ).encode("latin-1")
    )
    await _copy(up, writer)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(64 * 1024):
            writer.write(chunk)
            await writer.drain()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    """Copy both ways until either side closes, then close both (a tunnel has no other end)."""
    tasks = [
        asyncio.ensure_future(_copy(reader, up_writer)),
        asyncio.ensure_future(_copy(up_reader, writer)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        up_writer.close()
