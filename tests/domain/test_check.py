"""classify() and apply_check(): every outcome class and the history/idempotency rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from priceradar.domain.check import (
    CheckPolicy,
    CheckResult,
    FetchedPage,
    ProductState,
    apply_check,
    classify,
    retry_delay_s,
)
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure, OutcomeKind

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def extracted(price: str | None = "10.00", in_stock: bool | None = True) -> ExtractedProduct:
    return ExtractedProduct(
        Decimal(price) if price else None, "EUR", in_stock, "Thing", None, "json-ld"
    )


def page(status: int = 200, body: bytes = b"<html>ok</html>", **kw: object) -> FetchedPage:
    return FetchedPage(
        "https://shop.example/p/1",
        status=status,
        content_type=kw.pop("ct", "text/html"),
        body=body,
        **kw,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fetched", "expected"),
    [
        (page(404), OutcomeKind.NOT_FOUND),
        (page(410), OutcomeKind.NOT_FOUND),
        (page(429, retry_after_s=7.0), OutcomeKind.RATE_LIMITED),
        (page(403), OutcomeKind.BLOCKED),
        (page(401), OutcomeKind.BLOCKED),
        (page(500), OutcomeKind.SERVER_ERROR),
        (page(503), OutcomeKind.SERVER_ERROR),
        (page(408), OutcomeKind.TIMEOUT),
        (page(400), OutcomeKind.INVALID_RESPONSE),
        (page(200, ct="application/pdf"), OutcomeKind.INVALID_RESPONSE),
        (page(200, body=b"  "), OutcomeKind.INVALID_RESPONSE),
        (FetchedPage("u", error=OutcomeKind.TIMEOUT, error_detail="slow"), OutcomeKind.TIMEOUT),
        (FetchedPage("u", error=OutcomeKind.NETWORK_ERROR), OutcomeKind.NETWORK_ERROR),
        (FetchedPage("u", error=OutcomeKind.FORBIDDEN_TARGET), OutcomeKind.FORBIDDEN_TARGET),
    ],
)
def test_classify_http_outcomes(fetched: FetchedPage, expected: OutcomeKind) -> None:
    # The extractor must not even be consulted for these.
    def never(_body: bytes, _url: str) -> ExtractedProduct:
        raise AssertionError("extractor called")

    result = classify(1, fetched, AT, never)
    assert result.outcome is expected
    assert result.error


def test_classify_keeps_retry_after() -> None:
    result = classify(1, page(429, retry_after_s=7.0), AT, lambda b, u: extracted())
    assert result.retry_after_s == 7.0


def test_classify_ok_and_out_of_stock_and_no_price() -> None:
    ok = classify(1, page(), AT, lambda b, u: extracted("12.50"))
    assert (ok.outcome, ok.price, ok.currency, ok.in_stock) == (
        OutcomeKind.OK,
        Decimal("12.50"),
        "EUR",
        True,
    )
    oos = classify(1, page(), AT, lambda b, u: extracted(None, in_stock=False))
    assert (oos.outcome, oos.in_stock) == (OutcomeKind.OUT_OF_STOCK, False)
    none = classify(
        1, page(), AT, lambda b, u: ExtractionFailure("ambiguous: 2 prices", ambiguous=True)
    )
    assert none.outcome is OutcomeKind.NO_PRICE
    assert none.error == "ambiguous: 2 prices"


def test_unknown_stock_counts_as_in_stock() -> None:
    """A page that does not state its stock is stored as in stock: storing None would fire
    the same back-in-stock alerts (tests/domain/test_watches.py) and would flip history rows
    on every check where a flaky stock line is read or not."""
    result = classify(1, page(), AT, lambda b, u: extracted("5", in_stock=None))
    assert result.outcome is OutcomeKind.OK
    assert result.in_stock is True


def state(**kw: object) -> ProductState:
    base = ProductState(
        id=1,
        price=None,
        currency=None,
        in_stock=None,
        status="active",
        check_priority=0,
        check_interval_s=None,
        last_checked_at=None,
        last_history_at=None,
        check_count=0,
        failure_count=0,
        consecutive_failures=0,
        consecutive_not_found=0,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def ok(at: datetime = AT, price: str = "10.00", in_stock: bool = True) -> CheckResult:
    return CheckResult(
        1,
        at,
        OutcomeKind.OK if in_stock else OutcomeKind.OUT_OF_STOCK,
        price=Decimal(price),
        currency="EUR",
        in_stock=in_stock,
        title="Thing",
    )


POLICY = CheckPolicy()


def test_first_check_writes_first_history_row_and_schedules_by_band() -> None:
    applied = apply_check(state(), ok(), POLICY)
    assert applied is not None
    assert applied.history is not None and applied.history.kind == "first"
    assert applied.update.price == Decimal("10.00")
    assert applied.update.next_check_at == AT + timedelta(hours=24)  # priority 0 -> lowest band
    assert applied.update.check_count == 1


def test_unchanged_price_same_day_writes_no_history() -> None:
    s = state(
        price=Decimal("10.00"),
        currency="EUR",
        in_stock=True,
        last_checked_at=AT,
        last_history_at=AT,
    )
    applied = apply_check(s, ok(AT + timedelta(hours=1)), POLICY)
    assert applied is not None and applied.history is None


def test_changed_price_or_stock_writes_change_row() -> None:
    s = state(
        price=Decimal("10.00"),
        currency="EUR",
        in_stock=True,
        last_checked_at=AT,
        last_history_at=AT,
    )
    later = AT + timedelta(minutes=5)
    price_change = apply_check(s, ok(later, "9.00"), POLICY)
    assert price_change is not None and price_change.history is not None
    assert (price_change.history.kind, price_change.history.price) == ("change", Decimal("9.00"))
    stock_change = apply_check(s, ok(later, "10.00", in_stock=False), POLICY)
    assert stock_change is not None and stock_change.history is not None
    assert stock_change.history.in_stock is False


def test_one_heartbeat_a_day() -> None:
    s = state(
        price=Decimal("10.00"),
        currency="EUR",
        in_stock=True,
        last_checked_at=AT,
        last_history_at=AT,
    )
    next_day = apply_check(s, ok(AT + timedelta(days=1)), POLICY)
    assert (
        next_day is not None
        and next_day.history is not None
        and next_day.history.kind == "heartbeat"
    )


def test_redelivered_result_is_ignored() -> None:
    # Given a result already stored, when the same (or an older) result arrives again
    first = apply_check(state(), ok(), POLICY)
    assert first is not None
    stored = state(
        price=Decimal("10.00"),
        currency="EUR",
        in_stock=True,
        last_checked_at=AT,
        last_history_at=AT,
    )
    # then nothing is written a second time.
    assert apply_check(stored, ok(), POLICY) is None
    assert apply_check(stored, ok(AT - timedelta(seconds=1)), POLICY) is None


def test_interval_override_wins() -> None:
    applied = apply_check(state(check_interval_s=300, check_priority=90), ok(), POLICY)
    assert applied is not None and applied.update.next_check_at == AT + timedelta(seconds=300)


def test_high_priority_checked_hourly() -> None:
    applied = apply_check(state(check_priority=85), ok(), POLICY)
    assert applied is not None and applied.update.next_check_at == AT + timedelta(hours=1)


def test_transient_failure_backs_off_and_keeps_price() -> None:
    s = state(
        price=Decimal("10.00"), last_checked_at=AT - timedelta(hours=1), consecutive_failures=2
    )
    result = CheckResult(1, AT, OutcomeKind.SERVER_ERROR, error="HTTP 500", http_status=500)
    applied = apply_check(s, result, POLICY, jitter=0.5)
    assert applied is not None and applied.history is None
    assert applied.update.price == Decimal("10.00")
    assert applied.update.consecutive_failures == 3
    assert applied.update.next_check_at == AT + timedelta(seconds=60 * 4)  # base * 2^(3-1) * 1.0
    assert applied.update.failure_count == 1


def test_retry_after_is_a_floor_and_backoff_capped() -> None:
    assert retry_delay_s(1, POLICY, 0.5, 900.0) == 900.0
    assert retry_delay_s(30, POLICY, 0.5, None) == POLICY.retry_max_s
    assert retry_delay_s(1, POLICY, 0.0, None) == 30.0
    assert retry_delay_s(1, POLICY, 0.999, None) < 90.0


def test_backoff_never_later_than_the_normal_interval() -> None:
    s = state(check_interval_s=120, consecutive_failures=10)
    result = CheckResult(1, AT, OutcomeKind.TIMEOUT, error="slow")
    applied = apply_check(s, result, POLICY)
    assert applied is not None and applied.update.next_check_at == AT + timedelta(seconds=120)


def test_not_found_deactivates_after_n_in_a_row() -> None:
    result = CheckResult(1, AT, OutcomeKind.NOT_FOUND, error="HTTP 404", http_status=404)
    second = apply_check(state(consecutive_not_found=1), result, POLICY)
    assert second is not None and second.update.status == "active"
    third = apply_check(state(consecutive_not_found=2), result, POLICY)
    assert third is not None and third.update.status == "inactive"
    assert third.update.consecutive_not_found == 3


def test_success_resets_failure_streaks() -> None:
    applied = apply_check(state(consecutive_failures=4, consecutive_not_found=2), ok(), POLICY)
    assert applied is not None
    assert (applied.update.consecutive_failures, applied.update.consecutive_not_found) == (0, 0)


def test_out_of_stock_without_price_keeps_last_known_price() -> None:
    s = state(
        price=Decimal("10.00"),
        currency="EUR",
        in_stock=True,
        last_checked_at=AT,
        last_history_at=AT,
    )
    result = CheckResult(1, AT + timedelta(minutes=1), OutcomeKind.OUT_OF_STOCK, in_stock=False)
    applied = apply_check(s, result, POLICY)
    assert applied is not None
    assert applied.update.price == Decimal("10.00") and applied.update.in_stock is False
    assert applied.history is not None and applied.history.in_stock is False


def test_page_signals_flow_into_the_update_and_absent_ones_keep_the_stored_value() -> None:
    # Given a page stating rating, reviews and category
    def signals(_body: bytes, _url: str) -> ExtractedProduct:
        return ExtractedProduct(Decimal("10"), "EUR", True, "T", None, "json-ld", 4.5, 120, "Audio")

    result = classify(1, page(), AT, signals)
    applied = apply_check(state(), result, POLICY)
    assert applied is not None
    assert (applied.update.rating, applied.update.review_count, applied.update.category) == (
        4.5,
        120,
        "Audio",
    )
    # and a failed check brings none of them (None: the stored values stay)
    failed = apply_check(state(), CheckResult(1, AT, OutcomeKind.TIMEOUT, error="slow"), POLICY)
    assert failed is not None
    assert (failed.update.rating, failed.update.review_count, failed.update.category) == (
        None,
        None,
        None,
    )


def test_an_unknown_currency_says_why_in_last_error() -> None:
    # Given a page whose price has no currency the extractor could establish
    def no_currency(_body: bytes, _url: str) -> ExtractedProduct:
        return ExtractedProduct(
            Decimal("10"), None, True, "T", None, "visible", currency_reason="no currency here"
        )

    result = classify(1, page(), AT, no_currency)
    applied = apply_check(state(), result, POLICY)

    # Then the price is stored with a null currency and the reason
    assert applied is not None
    assert (applied.update.price, applied.update.currency) == (Decimal("10"), None)
    assert applied.update.last_error == "currency unknown: no currency here"
    assert applied.update.extraction_method == "visible"
