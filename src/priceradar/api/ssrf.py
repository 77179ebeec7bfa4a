"""Submit-time SSRF check of product URLs: scheme, literal addresses, and what names resolve to.

The fetch-time guard (`adapters.http.guard`) stays the enforcement point, since DNS answers can
change between submit and fetch; this check tells the submitter at once instead of storing a
URL that would only ever fail. The host check itself is `adapters.http.targets.HostVetter`,
shared with Apprise destinations; here its verdicts are cached per host for one request.
"""

from __future__ import annotations

from priceradar.adapters.db.products import NewProduct
from priceradar.adapters.http.targets import HostVetter, Resolve, resolve_addresses
from priceradar.domain.urls import InvalidProductURL, hostname_of
from priceradar.services.catalog import ProductInput, to_new_product


class UrlVetter:
    """Validates product inputs for one request; remembers each host's verdict."""

    def __init__(
        self,
        allowed_private_hosts: tuple[str, ...],
        timeout_s: float,
        resolve: Resolve = resolve_addresses,
    ) -> None:
        self._allowed = allowed_private_hosts
        self._hosts = HostVetter(allowed_private_hosts, timeout_s, resolve)
        self._verdicts: dict[str, str | None] = {}  # host -> reason it is refused, or None

    def vet(self, item: ProductInput) -> NewProduct:
        """The product to insert, or InvalidProductURL saying why not."""
        product = to_new_product(item, self._allowed)  # canonical form, literal addresses
        self.vet_host(hostname_of(product.url))
        return product

    def vet_host(self, host: str) -> None:
        """Refuse a host that does not resolve, or is or resolves to a non-public address.

        Cached per vetter: one bulk import asks once per host, not once per row.
        """
        if host not in self._verdicts:
            refusal = self._hosts.refusal(host)
            self._verdicts[host] = None if refusal is None else refusal.reason
        reason = self._verdicts[host]
        if reason is not None:
            raise InvalidProductURL(reason)
