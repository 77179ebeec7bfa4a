"""The browser's guard proxy on its own: raw HTTP through it to an allowed site and a canary."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from priceradar.adapters.browser.proxy import EGRESS_DOWN_HEADER, REFUSED_HEADER, GuardProxy
from tests.security.canary import Canary, Shop
from tests.support.proxy import ForwardProxy
from tests.support.redis_server import free_port


@pytest.fixture
def canary() -> Iterator[Canary]:
    with Canary() as running:
        yield running


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    with Shop() as running:  # on 127.0.0.2
        yield running


async def exchange(
    allowed: tuple[str, ...], request: bytes, upstream: str | None = None, then: bytes = b""
) -> tuple[bytes, GuardProxy]:
    """One exchange through a guard proxy (chained to the egress proxy `upstream`, if given);
    `then` is sent after the first reply (a request inside a CONNECT tunnel)."""
    proxy = GuardProxy(allowed, upstream=upstream)
    port = await proxy.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        if then:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            writer.write(then)
            await writer.drain()
            reply = head + await asyncio.wait_for(reader.read(), 10)
        else:  # the proxy closes after one reply
            reply = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        return reply, proxy
    finally:
        await proxy.close()


def test_plain_http_to_an_allowed_host_port_is_relayed_with_connection_close(shop: Shop) -> None:
    allowed = (f"127.0.0.2:{shop.port}",)
    request = f"GET {shop.base}/page HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: keep-alive\r\n\r\n"
    reply, proxy = asyncio.run(exchange(allowed, request.encode()))
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n")[0]
    assert b"Connection: close" in head and b"Shop item" in body
    assert not proxy.refused


@pytest.mark.parametrize("method", ["GET", "CONNECT"])
def test_a_loopback_port_not_allowed_is_refused_before_any_connection(
    canary: Canary, shop: Shop, method: str
) -> None:
    # Given only the shop's host:port allowed, and a canary on another loopback port
    allowed = (f"127.0.0.2:{shop.port}", f"127.0.0.1:{shop.port}")
    target = f"127.0.0.1:{canary.port}"
    line = f"CONNECT {target}" if method == "CONNECT" else f"GET http://{target}/x"
    reply, proxy = asyncio.run(
        exchange(allowed, f"{line} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    )
    # Then the proxy answers 403 with its marker and the canary was never connected to
    assert reply.startswith(b"HTTP/1.1 403") and REFUSED_HEADER.encode() in reply
    assert proxy.refused[target] == 1
    assert canary.hits == [] and canary.connections == 0


def test_chunked_request_bodies_are_refused(shop: Shop) -> None:
    request = (
        f"POST {shop.base}/hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    reply, _ = asyncio.run(exchange((f"127.0.0.2:{shop.port}",), request.encode()))
    assert reply.startswith(b"HTTP/1.1 411")


def test_plain_http_is_sent_through_the_egress_proxy(shop: Shop) -> None:
    allowed = (f"127.0.0.2:{shop.port}",)
    request = f"GET {shop.base}/page HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n".encode()
    with ForwardProxy("a") as egress:
        reply, _ = asyncio.run(exchange(allowed, request, egress.url))
    assert b" 200 " in reply.split(b"\r\n")[0] and b"Shop item" in reply
    assert egress.requests == [f"{shop.base}/page"]


def test_a_tunnel_is_opened_through_the_egress_proxy(shop: Shop) -> None:
    allowed = (f"127.0.0.2:{shop.port}",)
    target = f"127.0.0.2:{shop.port}"
    connect = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode()
    inner = b"GET /page HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n\r\n"
    with ForwardProxy("a") as egress:
        reply, _ = asyncio.run(exchange(allowed, connect, egress.url, inner))
    assert reply.startswith(b"HTTP/1.1 200") and b"Shop item" in reply
    assert egress.tunnels == [target]


@pytest.mark.parametrize("method", ["GET", "CONNECT"])
def test_a_forbidden_target_is_refused_before_the_egress_proxy_hears_of_it(
    canary: Canary, shop: Shop, method: str
) -> None:
    allowed = (f"127.0.0.2:{shop.port}",)
    target = f"127.0.0.1:{canary.port}"
    line = f"CONNECT {target}" if method == "CONNECT" else f"GET http://{target}/x"
    with ForwardProxy("a") as egress:
        reply, proxy = asyncio.run(
            exchange(allowed, f"{line} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode(), egress.url)
        )
    assert reply.startswith(b"HTTP/1.1 403") and REFUSED_HEADER.encode() in reply
    assert proxy.refused[target] == 1
    assert egress.requests == [] and egress.tunnels == []
    assert canary.hits == [] and canary.connections == 0


def test_an_unreachable_egress_proxy_is_answered_502_and_marked(shop: Shop) -> None:
    allowed = (f"127.0.0.2:{shop.port}",)
    dead = f"http://127.0.0.1:{free_port()}"
    request = f"GET {shop.base}/page HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n".encode()
    reply, _ = asyncio.run(exchange(allowed, request, dead))
    assert reply.startswith(b"HTTP/1.1 502") and EGRESS_DOWN_HEADER.encode() in reply
