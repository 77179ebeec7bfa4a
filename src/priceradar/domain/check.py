"""The check, as pure functions: classify what a fetch returned, then decide what to store.

`classify` turns a fetched page into a `CheckResult`; `apply_check` turns a product's locked
state plus a result into the row update and, when something changed, a price-history row.
Neither touches I/O, so every rule here is tested exhaustively in tests/domain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from priceradar.domain.deals import DealRules
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure, OutcomeKind
from priceradar.domain.priority import DEFAULT_BANDS, Band, interval_for_priority
from priceradar.domain.schedule import due_after_check

Extractor = Callable[[bytes, str], ExtractedProduct | ExtractionFailure]

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """What the HTTP adapter saw. `error` is set when no usable HTTP response arrived."""

    url: str
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    retry_after_s: float | None = None
    error: OutcomeKind | None = None
    error_detail: str | None = None
    elapsed_ms: int = 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The classified outcome of checking one product at `checked_at`."""

    product_id: int
    checked_at: datetime
    outcome: OutcomeKind
    price: Decimal | None = None
    currency: str | None = None
    in_stock: bool | None = None
    title: str | None = None
    image_url: str | None = None
    error: str | None = None
    http_status: int | None = None
    retry_after_s: float | None = None
    elapsed_ms: int = 0
    # Popularity and grouping signals the page may state; None keeps what is stored.
    rating: float | None = None
    review_count: int | None = None
    category: str | None = None
    method: str | None = None  # the extraction method that read the page
    price_high: Decimal | None = None  # a variant range's highest price


def classify(
    product_id: int, page: FetchedPage, checked_at: datetime, extract: Extractor
) -> CheckResult:
    """Map an HTTP outcome (and, for HTML pages, the extraction) to one OutcomeKind."""

    def result(outcome: OutcomeKind, error: str | None = None) -> CheckResult:
        return CheckResult(
            product_id,
            checked_at,
            outcome,
            error=error[:MAX_ERROR_LENGTH] if error else None,
            http_status=page.status,
            retry_after_s=page.retry_after_s,
            elapsed_ms=page.elapsed_ms,
        )

    if page.error is not None:
        return result(page.error, page.error_detail or page.error.value)
    status = page.status or 0
    if status in (404, 410):
        return result(OutcomeKind.NOT_FOUND, f"HTTP {status}")
    if status == 429:
        return result(OutcomeKind.RATE_LIMITED, "HTTP 429")
    if status in (401, 403):
        return result(OutcomeKind.BLOCKED, f"HTTP {status}")
    if status == 408:
        return result(OutcomeKind.TIMEOUT, "HTTP 408")
    if status >= 500:
        return result(OutcomeKind.SERVER_ERROR, f"HTTP {status}")
    if not 200 <= status < 300:
        return result(OutcomeKind.INVALID_RESPONSE, f"unexpected HTTP {status}")
    content_type = (page.content_type or "").split(";", 1)[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        return result(OutcomeKind.INVALID_RESPONSE, f"not HTML: {content_type}")
    if not page.body.strip():
        return result(OutcomeKind.INVALID_RESPONSE, "empty body")

    extracted = extract(page.body, page.url)
    if isinstance(extracted, ExtractionFailure):
        return result(OutcomeKind.NO_PRICE, extracted.reason)
    outcome = OutcomeKind.OUT_OF_STOCK if extracted.in_stock is False else OutcomeKind.OK
    return CheckResult(
        product_id,
        checked_at,
        outcome,
        price=extracted.price,
        currency=extracted.currency,
        in_stock=extracted.in_stock is not False,
        title=extracted.title,
        image_url=extracted.image_url,
        http_status=page.status,
        elapsed_ms=page.elapsed_ms,
        rating=extracted.rating,
        review_count=extracted.review_count,
        category=extracted.category,
        method=extracted.source,
        price_high=extracted.price_high,
        # A price without a currency is stored, and the row says why the currency is unknown.
        error=_currency_note(extracted),
    )


def _currency_note(extracted: ExtractedProduct) -> str | None:
    if extracted.currency is not None or extracted.price is None:
        return None
    return f"currency unknown: {extracted.currency_reason or 'the page names none'}"


@dataclass(frozen=True, slots=True)
class ProductState:
    """The columns of a product row the write step reads (under a row lock)."""

    id: int
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    status: str
    check_priority: int
    check_interval_s: int | None
    last_checked_at: datetime | None
    last_history_at: datetime | None
    check_count: int
    failure_count: int
    consecutive_failures: int
    consecutive_not_found: int
    price_high: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    deactivate_after_not_found: int = 3
    retry_base_s: int = 60
    retry_max_s: int = 3600
    bands: Sequence[Band] = field(default=DEFAULT_BANDS)
    deal_rules: DealRules = field(default_factory=DealRules)


@dataclass(frozen=True, slots=True)
class ProductUpdate:
    """New values for a product row after a check: written as one executemany.

    None in `title`, `image_url`, `rating`, `review_count`, `category` or `extraction_method`
    keeps the stored value; `price_high` is written as given (a failed check repeats the stored
    one).
    """

    id: int
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    title: str | None
    image_url: str | None
    rating: float | None
    review_count: int | None
    category: str | None
    extraction_method: str | None
    price_high: Decimal | None
    status: str
    last_outcome: str
    last_error: str | None
    http_status: int | None
    last_checked_at: datetime
    next_check_at: datetime
    last_history_at: datetime | None
    check_count: int
    failure_count: int
    consecutive_failures: int
    consecutive_not_found: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    product_id: int
    checked_at: datetime
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    kind: str  # first | change | heartbeat


@dataclass(frozen=True, slots=True)
class AppliedCheck:
    update: ProductUpdate
    history: HistoryRow | None


def interval_s(state: ProductState, policy: CheckPolicy) -> int:
    """A per-product override wins over the priority band."""
    return state.check_interval_s or interval_for_priority(state.check_priority, policy.bands)


def retry_delay_s(
    failures: int, policy: CheckPolicy, jitter: float, retry_after_s: float | None
) -> float:
    """Exponential backoff with jitter in [0.5, 1.5); the server's Retry-After is a floor."""
    base = float(min(policy.retry_max_s, policy.retry_base_s * 2 ** min(30, max(0, failures - 1))))
    delay = base * (0.5 + jitter)
    return max(delay, retry_after_s or 0.0)


def apply_check(
    state: ProductState, result: CheckResult, policy: CheckPolicy, jitter: float = 0.5
) -> AppliedCheck | None:
    """Decide the row update and history row; None when a newer check was already stored.

    Idempotent under redelivery: re-applying a result (or a later one with the same values)
    finds the stored state equal and writes no second history row, except one heartbeat a day.
    """
    if state.last_checked_at is not None and result.checked_at <= state.last_checked_at:
        return None  # stale or duplicate: a newer (or this very) result is already stored
    at = result.checked_at
    normal_next = due_after_check(at, interval_s(state, policy), None)
    outcome = result.outcome
    if outcome.is_success:
        price = result.price if result.price is not None else state.price
        currency = result.currency or state.currency
        history = _history_row(state, result, price, currency)
        return AppliedCheck(
            _update(
                state,
                result,
                price=price,
                currency=currency,
                in_stock=result.in_stock,
                next_at=normal_next,
                failed=False,
                history_at=history.checked_at if history else state.last_history_at,
            ),
            history,
        )
    not_found = state.consecutive_not_found + 1 if outcome is OutcomeKind.NOT_FOUND else 0
    failures = state.consecutive_failures + 1
    next_at = normal_next
    if outcome.is_transient:
        delay = retry_delay_s(failures, policy, jitter, result.retry_after_s)
        next_at = due_after_check(at, interval_s(state, policy), delay)
    status = "inactive" if not_found >= policy.deactivate_after_not_found else state.status
    return AppliedCheck(
        _update(
            state,
            result,
            price=state.price,
            currency=state.currency,
            in_stock=state.in_stock,
            next_at=next_at,
            failed=True,
            history_at=state.last_history_at,
            status=status,
            failures=failures,
            not_found=not_found,
        ),
        None,
    )


def _history_row(
    state: ProductState, result: CheckResult, price: Decimal | None, currency: str | None
) -> HistoryRow | None:
    if state.last_history_at is None:
        kind = "first"
    elif (
        (result.price is not None and result.price != state.price)
        or result.in_stock != state.in_stock
        or currency != state.currency
    ):
        kind = "change"
    elif state.last_history_at.date() < result.checked_at.date():
        kind = "heartbeat"
    else:
        return None
    return HistoryRow(
        state.id,
        result.checked_at,
        result.price if result.price is not None else price,
        currency,
        result.in_stock,
        kind,
    )


def _update(
    state: ProductState,
    result: CheckResult,
    *,
    price: Decimal | None,
    currency: str | None,
    in_stock: bool | None,
    next_at: datetime,
    failed: bool,
    history_at: datetime | None,
    status: str | None = None,
    failures: int = 0,
    not_found: int = 0,
) -> ProductUpdate:
    return ProductUpdate(
        id=state.id,
        price=price,
        currency=currency,
        in_stock=in_stock,
        title=result.title,
        image_url=result.image_url,
        rating=result.rating,
        review_count=result.review_count,
        category=result.category,
        extraction_method=result.method,
        price_high=result.price_high if result.outcome.is_success else state.price_high,
        status=status or state.status,
        last_outcome=result.outcome.value,
        last_error=result.error,
        http_status=result.http_status,
        last_checked_at=result.checked_at,
        next_check_at=next_at,
        last_history_at=history_at,
        check_count=state.check_count + 1,
        failure_count=state.failure_count + (1 if failed else 0),
        consecutive_failures=failures,
        consecutive_not_found=not_found,
    )
