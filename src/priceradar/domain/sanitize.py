"""Make a check result storable: no value in it may make the database refuse the write.

A title with a NUL byte, a 40 KB category or a price of 1e30 would make PostgreSQL (or the
column types) reject the write transaction of a whole group of products. Text loses control
characters and is cut to its column; numbers out of their column's range are dropped (a price
out of range makes the result a `no_price` refusal: precision before recall).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import Decimal

from priceradar.domain.check import MAX_ERROR_LENGTH, CheckResult
from priceradar.domain.outcome import OutcomeKind

MAX_TITLE = 500
MAX_URL = 2048
MAX_CATEGORY = 120
MAX_PRICE = Decimal(10) ** 10  # NUMERIC(14, 4)
MAX_INT32 = 2**31 - 1
MAX_RETRY_AFTER_S = 86_400.0

# C0 and C1 control characters (tab, newline and carriage return become spaces), lone
# surrogates (not encodable as UTF-8) and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CURRENCY = re.compile("[A-Z]{3}")


def clean_text(value: str | None, limit: int) -> str | None:
    """Control characters removed, whitespace collapsed, at most `limit` characters."""
    if value is None:
        return None
    value = _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", value[: limit * 4])
    return " ".join(value.split())[:limit] or None


def _finite_in(value: float | None, low: float, high: float) -> float | None:
    if value is None or not math.isfinite(value) or not low <= value <= high:
        return None
    return value


def sanitize_result(result: CheckResult) -> CheckResult:
    """The same result with every field inside what its column can store."""
    currency = result.currency if result.currency and _CURRENCY.fullmatch(result.currency) else None
    review_count = result.review_count
    if review_count is not None and not 0 <= review_count <= MAX_INT32:
        review_count = None
    status = result.http_status if result.http_status and 100 <= result.http_status <= 999 else None
    retry_after = result.retry_after_s
    if retry_after is not None:
        retry_after = (
            max(0.0, min(retry_after, MAX_RETRY_AFTER_S)) if math.isfinite(retry_after) else None
        )
    cleaned = replace(
        result,
        currency=currency,
        title=clean_text(result.title, MAX_TITLE),
        image_url=clean_text(result.image_url, MAX_URL),
        category=clean_text(result.category, MAX_CATEGORY),
        error=clean_text(result.error, MAX_ERROR_LENGTH),
        rating=_finite_in(result.rating, 0.0, 5.0),
        review_count=review_count,
        http_status=status,
        retry_after_s=retry_after,
        elapsed_ms=max(0, min(result.elapsed_ms, MAX_INT32)),
    )
    price = result.price
    if price is not None and not (price.is_finite() and 0 <= price < MAX_PRICE):
        return replace(
            cleaned,
            outcome=OutcomeKind.NO_PRICE,
            price=None,
            currency=None,
            in_stock=None,
            error=f"price out of range: {str(price)[:40]}",
        )
    return cleaned
