"""May we open a connection to this host? IP literals are checked directly, names resolved.

One check for every outbound target a user can choose: product URLs at submit time
(`services.catalog.UrlVetter`) and Apprise destinations when stored and again before each send
(`adapters.notify.apprise_channel`). Lookups run in threads with a timeout.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from priceradar.adapters.http.guard import ForbiddenTarget, check_address
from priceradar.domain.urls import host_allowed_private, parse_ip_host

Resolve = Callable[[str], list[str]]

# Lookups of distinct hosts in one bulk import run side by side; getaddrinfo blocks a thread.
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")
DEFAULT_DNS_TIMEOUT_S = 3.0  # as `api_dns_timeout_s`: a lookup slower than this is a failure


def resolve_addresses(host: str) -> list[str]:
    """Every address `host` resolves to (blocking; the system resolver, as the fetcher uses)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a host may not be contacted.

    `forbidden` when it is, or resolves to, a non-public address that is not allowed: that
    will not change by itself. Otherwise the lookup failed or timed out, which may pass.
    """

    reason: str
    forbidden: bool


class HostVetter:
    """Refuses hosts that are, or resolve to, non-public addresses unless configuration allows
    them. Keeps no cache: a verdict is only as fresh as the DNS answer behind it."""

    def __init__(
        self,
        allowed_private_hosts: tuple[str, ...] = (),
        timeout_s: float = DEFAULT_DNS_TIMEOUT_S,
        resolve: Resolve = resolve_addresses,
    ) -> None:
        self.allowed_private_hosts = allowed_private_hosts
        self._timeout_s = timeout_s
        self._resolve = resolve

    def refusal(self, host: str, port: int | None = None) -> Refusal | None:
        """None when `host` (on `port`, if known) may be contacted, else the reason it may not."""
        host = host.lower()
        if host_allowed_private(host, self.allowed_private_hosts, port):
            return None  # allowed names need no lookup: whatever they resolve to is fine
        if parse_ip_host(host) is not None:
            addresses = [host]
        else:
            lookup = self._lookup(host)
            if isinstance(lookup, Refusal):
                return lookup
            addresses = lookup
        try:
            for address in addresses:
                check_address(host, address, self.allowed_private_hosts, port)
        except ForbiddenTarget as exc:
            return Refusal(str(exc), forbidden=True)
        return None

    def _lookup(self, host: str) -> list[str] | Refusal:
        try:
            addresses = _LOOKUPS.submit(self._resolve, host).result(timeout=self._timeout_s)
        except FutureTimeout:
            return Refusal(f"DNS lookup of {host} timed out", forbidden=False)
        except (OSError, UnicodeError):
            return Refusal(f"{host} does not resolve", forbidden=False)
        if not addresses:
            return Refusal(f"{host} does not resolve", forbidden=False)
        return addresses
