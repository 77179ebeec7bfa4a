"""Every value a check stores fits its column: one hostile page cannot fail a write."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from priceradar.domain.check import CheckResult
from priceradar.domain.outcome import OutcomeKind
from priceradar.domain.sanitize import MAX_CATEGORY, MAX_TITLE, clean_text, sanitize_result

AT = datetime(2026, 11, 29, tzinfo=UTC)


def ok(**fields: object) -> CheckResult:
    base: dict[str, object] = {"price": Decimal("9.99"), "currency": "EUR", "in_stock": True}
    return CheckResult(1, AT, OutcomeKind.OK, **{**base, **fields})  # type: ignore[arg-type]


def test_control_characters_and_nul_are_removed() -> None:
    result = sanitize_result(ok(title="Kaffee\x00maschine\x07\tDeluxe\x85", category="A\x00B"))
    assert result.title == "Kaffeemaschine Deluxe"
    assert result.category == "AB"
    assert clean_text("\x00\x01", 10) is None
    assert clean_text("lone \ud800 surrogate", 50) == "lone surrogate"


def test_over_long_text_is_cut_to_its_column() -> None:
    result = sanitize_result(
        ok(title="x" * 100_000, category="c" * 1000, image_url="https://a.test/" + "i" * 5000)
    )
    assert result.title is not None and len(result.title) == MAX_TITLE
    assert result.category is not None and len(result.category) == MAX_CATEGORY
    assert result.image_url is not None and len(result.image_url) == 2048
    failed = sanitize_result(CheckResult(1, AT, OutcomeKind.SERVER_ERROR, error="e\x00" * 9999))
    assert failed.error is not None and len(failed.error) == 500 and "\x00" not in failed.error


def test_out_of_range_numbers_are_dropped() -> None:
    result = sanitize_result(
        ok(rating=float("nan"), review_count=2**40, http_status=70000, retry_after_s=float("inf"))
    )
    assert (result.rating, result.review_count, result.http_status, result.retry_after_s) == (
        None,
        None,
        None,
        None,
    )
    assert sanitize_result(ok(rating=7.5, review_count=-1)).rating is None
    assert sanitize_result(ok(rating=4.5, review_count=12)).review_count == 12


def test_a_price_out_of_range_is_refused_not_stored() -> None:
    for price in (Decimal("1e30"), Decimal("-5"), Decimal("NaN")):
        result = sanitize_result(ok(price=price))
        assert result.outcome is OutcomeKind.NO_PRICE
        assert result.price is None and result.error is not None
        assert result.error.startswith("price out of range")


def test_a_bad_currency_code_is_dropped() -> None:
    assert sanitize_result(ok(currency="EURO")).currency is None
    assert sanitize_result(ok(currency="\x00EU")).currency is None
    assert sanitize_result(ok(currency="USD")).currency == "USD"


def test_clean_results_pass_unchanged() -> None:
    result = ok(title="Espresso machine", rating=4.0, review_count=3, http_status=200)
    assert sanitize_result(result) == result
