"""The SSRF guard: outbound connections may not reach private, loopback or link-local addresses.

One rule, enforced where it cannot be sidestepped: `GuardedConnector` checks the socket address
it is about to connect to (after DNS, for every hop of a redirect chain, for discovery and page
fetches alike), so DNS rebinding, IP spellings and redirects all end at the same check. With a
proxy the connector cannot see the target's address, so it resolves and checks the target
before the connection to the proxy is made (the proxy resolves once more: docs/security.md).

Public surface for other callers:
- `check_address(host, address, allowed)`: the sync check of one address a host resolved to.
- `await check_url(url, allowed)`: resolve a URL's host and check every address (the browser
  fetcher calls it when it intercepts a request; raises `ForbiddenTarget`).
- `GuardedConnector`: the aiohttp connector every client session of ours uses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.client_reqrep import ClientRequest
from aiohttp.tracing import Trace

from priceradar.domain.urls import host_allowed_private, is_public_address, parse_ip_host, port_of

ALLOW_HINT = "allow it with PRICERADAR_ALLOWED_PRIVATE_HOSTS"


class ForbiddenTarget(OSError):
    """The host is, or resolves to, an address the configuration does not allow."""


def check_address(
    host: str, address: str, allowed: tuple[str, ...] = (), port: int | None = None
) -> None:
    """Raise ForbiddenTarget unless `address` (what `host` resolved to) may be contacted.

    With `port` (the one connected to), a `host:port` allow entry counts as well."""
    if not is_public_address(address) and not host_allowed_private(host, allowed, port):
        shown = _shown(address)
        raise ForbiddenTarget(f"{host} resolves to non-public address {shown}; {ALLOW_HINT}")


def _shown(address: str) -> str:
    """An address as people write it: inet_aton forms decoded, mapped IPv4 dotted."""
    ip = parse_ip_host(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return f"::ffff:{ip.ipv4_mapped}"
    return str(ip)


def check_literal_host(host: str, allowed: tuple[str, ...] = (), port: int | None = None) -> None:
    """No DNS: refuse a host that is an IP literal (in any spelling) of a non-public address.
    Names pass; the connector checks what they resolve to."""
    if parse_ip_host(host) is not None:
        check_address(host, host, allowed, port)


async def check_url(url: str, allowed: tuple[str, ...] = ()) -> None:
    """Raise ForbiddenTarget unless every address the URL's host resolves to may be contacted.

    Only http and https are allowed; a name that does not resolve is refused too.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ForbiddenTarget(f"only http and https may be fetched, not {parts.scheme!r}")
    await check_host(parts.hostname or "", allowed, port_of(url))


async def check_host(host: str, allowed: tuple[str, ...] = (), port: int | None = None) -> None:
    if not host:
        raise ForbiddenTarget("URL has no host")
    if host_allowed_private(host, allowed, port):
        return
    if parse_ip_host(host) is not None:
        check_address(host, host, allowed, port)
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ForbiddenTarget(f"{host} does not resolve: {exc}") from None
    if not infos:
        raise ForbiddenTarget(f"{host} does not resolve")
    for info in infos:
        check_address(host, str(info[4][0]), allowed, port)


@dataclass(slots=True)
class _Hop:
    host: str  # the URL host of the request being connected
    via_proxy: bool  # the socket goes to the configured proxy, not to `host`
    refused: list[ForbiddenTarget] = field(default_factory=list)


_HOP: ContextVar[_Hop | None] = ContextVar("priceradar_guard_hop", default=None)


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector whose sockets only open to addresses the guard allows.

    The check runs in the socket factory, on the very address being connected to. Connections
    to a configured proxy are the operator's choice and not checked; the target behind the
    proxy is resolved and checked before the proxy connection is opened.
    """

    def __init__(self, allowed_private_hosts: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(socket_factory=self._open_socket, **kwargs)
        self.allowed_private_hosts = allowed_private_hosts

    async def _create_connection(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 (aiohttp's signature)
    ) -> Any:
        host = req.url.raw_host or ""
        hop = _Hop(host, req.proxy is not None)
        try:
            if hop.via_proxy:
                await check_host(host, self.allowed_private_hosts, req.url.port)
            token = _HOP.set(hop)
            try:
                return await super()._create_connection(req, traces, timeout)
            finally:
                _HOP.reset(token)
        except ForbiddenTarget as exc:
            raise aiohttp.ClientConnectorError(req.connection_key, exc) from exc
        except aiohttp.ClientError as exc:
            # Several addresses failed, some refused: happy eyeballs merged the errors.
            if hop.refused and unwrap_forbidden(exc) is None:
                raise aiohttp.ClientConnectorError(req.connection_key, hop.refused[0]) from exc
            raise

    def _open_socket(self, addr_info: tuple[Any, ...]) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        hop = _HOP.get()
        if hop is None:
            raise ForbiddenTarget(f"connection to {sockaddr[0]} outside a guarded request")
        if not hop.via_proxy:
            try:
                check_address(
                    hop.host, str(sockaddr[0]), self.allowed_private_hosts, int(sockaddr[1])
                )
            except ForbiddenTarget as exc:
                hop.refused.append(exc)
                raise
        return socket.socket(family=family, type=type_, proto=proto)


def unwrap_forbidden(exc: BaseException) -> ForbiddenTarget | None:
    """aiohttp wraps connection errors; find ours in the chain."""
    seen: Any = exc
    for _ in range(6):
        if isinstance(seen, ForbiddenTarget):
            return seen
        seen = getattr(seen, "os_error", None) or seen.__cause__ or seen.__context__
        if seen is None:
            return None
    return None
