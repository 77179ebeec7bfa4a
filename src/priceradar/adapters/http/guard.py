"""SSRF guard: product URLs must not reach private, loopback or link-local addresses.

Checked where the address is known: after DNS resolution (so DNS rebinding and redirects to
internal hosts are caught too), and for IP-literal hosts, which aiohttp does not resolve.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import ThreadedResolver
from aiohttp.abc import AbstractResolver, ResolveResult

from priceradar.domain.urls import host_allowed_private, is_public_address


class ForbiddenTarget(OSError):
    """The host resolves to an address the configuration does not allow."""


def check_address(host: str, address: str, allowed: tuple[str, ...]) -> None:
    if not is_public_address(address) and not host_allowed_private(host, allowed):
        raise ForbiddenTarget(
            f"{host} resolves to non-public address {address}; "
            "allow it with PRICERADAR_ALLOWED_PRIVATE_HOSTS"
        )


class GuardedResolver(AbstractResolver):
    """Wraps the default resolver and refuses non-public results for hosts not allowed."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self._inner = ThreadedResolver()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for entry in results:
            check_address(host, entry["host"], self._allowed)
        return results

    async def close(self) -> None:
        await self._inner.close()


def guard_literal(host: str, allowed: tuple[str, ...]) -> None:
    """IP-literal hosts never reach the resolver; check them directly."""
    bare = host.strip("[]")
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in bare else socket.AF_INET, bare)
    except OSError:
        return  # a name: the resolver checks it
    check_address(host, bare, allowed)


def unwrap_forbidden(exc: BaseException) -> ForbiddenTarget | None:
    """aiohttp wraps resolver errors; find ours in the chain."""
    seen: Any = exc
    for _ in range(5):
        if isinstance(seen, ForbiddenTarget):
            return seen
        seen = getattr(seen, "os_error", None) or seen.__cause__ or seen.__context__
        if seen is None:
            return None
    return None
