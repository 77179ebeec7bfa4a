"""Submit-time SSRF check of product URLs: scheme, literal addresses, and what names resolve to.

The fetch-time guard (`adapters.http.guard`) stays the enforcement point, since DNS answers can
change between submit and fetch; this check tells the submitter at once instead of storing a
URL that would only ever fail. Lookups run in threads with a timeout, cached per host.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from priceradar.adapters.db.products import NewProduct
from priceradar.adapters.http.guard import ForbiddenTarget, check_address
from priceradar.domain.urls import InvalidProductURL, host_allowed_private, hostname_of
from priceradar.services.catalog import ProductInput, to_new_product

Resolve = Callable[[str], list[str]]

# Lookups of distinct hosts in one bulk import run side by side; getaddrinfo blocks a thread.
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


def resolve_addresses(host: str) -> list[str]:
    """Every address `host` resolves to (blocking; the system resolver, as the fetcher uses)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _is_ip_literal(host: str) -> bool:
    bare = host.strip("[]")
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, bare)
            return True
        except OSError:
            continue
    return False


class UrlVetter:
    """Validates product inputs for one request; remembers each host's verdict."""

    def __init__(
        self,
        allowed_private_hosts: tuple[str, ...],
        timeout_s: float,
        resolve: Resolve = resolve_addresses,
    ) -> None:
        self._allowed = allowed_private_hosts
        self._timeout_s = timeout_s
        self._resolve = resolve
        self._verdicts: dict[str, str | None] = {}  # host -> reason it is refused, or None

    def vet(self, item: ProductInput) -> NewProduct:
        """The product to insert, or InvalidProductURL saying why not."""
        product = to_new_product(item, self._allowed)  # canonical form, literal addresses
        self.vet_host(hostname_of(product.url))
        return product

    def vet_host(self, host: str) -> None:
        """Refuse a host name that does not resolve, or resolves to a non-public address.

        IP literals pass here: `to_new_product` (and the catalog service) check those.
        """
        if host not in self._verdicts:
            self._verdicts[host] = self._check_host(host)
        reason = self._verdicts[host]
        if reason is not None:
            raise InvalidProductURL(reason)

    def _check_host(self, host: str) -> str | None:
        if _is_ip_literal(host) or host_allowed_private(host, self._allowed):
            return None  # literals were checked by to_new_product; allowed names need no lookup
        try:
            addresses = _LOOKUPS.submit(self._resolve, host).result(timeout=self._timeout_s)
        except FutureTimeout:
            return f"DNS lookup of {host} timed out"
        except (OSError, UnicodeError):
            return f"{host} does not resolve"
        if not addresses:
            return f"{host} does not resolve"
        try:
            for address in addresses:
                check_address(host, address, self._allowed)
        except ForbiddenTarget as exc:
            return str(exc)
        return None
