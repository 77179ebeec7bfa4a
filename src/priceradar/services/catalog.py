"""Adding products: canonicalize, validate, dedupe, insert set-based."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from priceradar.adapters.db.products import NewProduct, insert_products
from priceradar.adapters.http.guard import ForbiddenTarget, check_literal_host
from priceradar.adapters.http.targets import HostVetter, Resolve, resolve_addresses
from priceradar.domain.priority import Band, band_for_priority
from priceradar.domain.urls import (
    InvalidProductURL,
    canonicalize,
    domain_of,
    hostname_of,
    port_of,
)

# Rows per import transaction: 5000 keeps each commit well under a second on SQLite and
# PostgreSQL while a 100k-row file still reports progress twenty times.
IMPORT_BATCH = 5000


@dataclass
class AddReport:
    inserted: int = 0
    existing: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)

    @property
    def seen(self) -> int:
        return self.inserted + self.existing + len(self.invalid)


@dataclass(frozen=True, slots=True)
class ProductInput:
    url: str
    check_interval_s: int | None = None
    priority: int = 0


def to_new_product(
    item: ProductInput, allowed_private_hosts: tuple[str, ...], bands: Sequence[Band]
) -> NewProduct:
    """Validate one input; raises InvalidProductURL with the reason."""
    url = canonicalize(item.url)
    try:
        check_literal_host(hostname_of(url), allowed_private_hosts, port_of(url))
    except ForbiddenTarget as exc:
        raise InvalidProductURL(str(exc)) from None
    if item.check_interval_s is not None and item.check_interval_s < 1:
        raise InvalidProductURL("check interval must be at least 1 second")
    if not 0 <= item.priority <= 100:
        raise InvalidProductURL("priority must be between 0 and 100")
    return NewProduct(
        url,
        domain_of(url),
        item.check_interval_s,
        item.priority,
        band_for_priority(item.priority, bands),
    )


def add_products(
    engine: Engine,
    items: Iterable[ProductInput],
    allowed_private_hosts: tuple[str, ...],
    *,
    bands: Sequence[Band],
    progress: Callable[[int], None] | None = None,
) -> AddReport:
    """Insert valid products in batches; duplicates (by canonical URL) are counted, not errors.

    `bands` are the configured priority bands: a new product starts in the band of its priority.
    """
    report = AddReport()
    batch: dict[str, NewProduct] = {}

    def flush() -> None:
        if not batch:
            return
        with engine.begin() as conn:
            inserted = insert_products(conn, list(batch.values()), datetime.now(UTC))
        report.inserted += inserted
        report.existing += len(batch) - inserted
        if progress:
            progress(len(batch))
        batch.clear()

    for item in items:
        try:
            product = to_new_product(item, allowed_private_hosts, bands)
        except InvalidProductURL as exc:
            report.invalid.append((item.url, str(exc)))
            continue
        if product.url in batch:
            report.existing += 1
            continue
        batch[product.url] = product
        if len(batch) >= IMPORT_BATCH:
            flush()
    flush()
    return report


class UrlVetter:
    """Submit-time validation of product inputs for one request (API add, import, UI): the
    canonical form, literal addresses, and what each host resolves to, remembered per host.

    The connect-time guard (`adapters.http.guard`) stays the enforcement point, since DNS
    answers can change between submit and fetch; this tells the submitter at once instead of
    storing a URL that would only ever fail.
    """

    def __init__(
        self,
        allowed_private_hosts: tuple[str, ...],
        timeout_s: float,
        bands: Sequence[Band],
        resolve: Resolve = resolve_addresses,
    ) -> None:
        self._allowed = allowed_private_hosts
        self._bands = bands
        self._hosts = HostVetter(allowed_private_hosts, timeout_s, resolve)
        self._verdicts: dict[str, str | None] = {}  # host -> reason it is refused, or None

    def vet(self, item: ProductInput) -> NewProduct:
        """The product to insert, or InvalidProductURL saying why not."""
        product = to_new_product(item, self._allowed, self._bands)  # the configured band
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
