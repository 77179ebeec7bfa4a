"""What a single product check produced: the pure vocabulary shared by extraction and the check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class OutcomeKind(StrEnum):
    """Every way a check can end. Stored as text in `products.last_outcome`."""

    OK = "ok"
    OUT_OF_STOCK = "out_of_stock"
    NOT_FOUND = "not_found"  # 404 / 410
    BLOCKED = "blocked"  # 403
    RATE_LIMITED = "rate_limited"  # 429
    SERVER_ERROR = "server_error"  # 5xx
    TIMEOUT = "timeout"  # connect/read timeout
    NETWORK_ERROR = "network_error"  # DNS, refused, reset, TLS
    NO_PRICE = "no_price"  # page fetched, no (unambiguous) price on it
    INVALID_RESPONSE = "invalid_response"  # not HTML, too large, undecodable
    FORBIDDEN_TARGET = "forbidden_target"  # URL resolves to an address the config does not allow
    UNSTORABLE = "unstorable"  # the page was read, the database refused its values (reason kept)

    @property
    def is_success(self) -> bool:
        """The page was read and the product state is known."""
        return self in (OutcomeKind.OK, OutcomeKind.OUT_OF_STOCK)

    @property
    def is_transient(self) -> bool:
        """Worth retrying soon with backoff (the marketplace or the network had a bad moment)."""
        return self in (
            OutcomeKind.RATE_LIMITED,
            OutcomeKind.SERVER_ERROR,
            OutcomeKind.TIMEOUT,
            OutcomeKind.NETWORK_ERROR,
            OutcomeKind.BLOCKED,
        )


@dataclass(frozen=True, slots=True)
class ExtractedProduct:
    """Product facts read from one page. `price` is None only when out of stock without a price.

    `rating`, `review_count` and `category` are best-effort extras for priorities and
    per-category deal thresholds: None whenever the page does not state them clearly.
    """

    price: Decimal | None
    currency: str | None  # ISO 4217 where known
    in_stock: bool | None  # None: the page does not say
    title: str | None
    image_url: str | None
    source: str  # the method: json-ld, microdata, meta, embedded-state, rule, visible
    rating: float | None = None  # 0-5 stars, rescaled from the page's own scale
    review_count: int | None = None  # reviewCount, else ratingCount; >= 0
    category: str | None = None  # most specific category name, at most 120 characters
    price_high: Decimal | None = None  # a variant range's highest price; `price` is its lowest
    variant_rule: str | None = None  # how one of several offer prices was chosen
    currency_reason: str | None = None  # where the currency came from, or why it is unknown


@dataclass(frozen=True, slots=True)
class ExtractionFailure:
    """No trustworthy price on the page; `reason` is stored for the operator."""

    reason: str
    ambiguous: bool = False  # several different product prices: refused rather than guessed
