"""What the price chart is given: stored points, reference lines, deals, out-of-stock periods.

Pure: rows in, a JSON-ready dict out. The page embeds it as a JSON data block that
`static/app.js` hands to uPlot, so the browser tests can compare it with the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from priceradar.domain.deals import Observation, ReferenceKind, reference_price

RANGES_DAYS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365, "all": None}


def _ts(at: datetime) -> int:
    return int(at.timestamp())


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def out_of_stock_periods(points: Sequence[Any], now: datetime) -> list[list[int]]:
    """[start, end] spans where the page said out of stock (until the next in-stock row)."""
    spans: list[list[int]] = []
    start: datetime | None = None
    for row in points:
        if row.in_stock is False and start is None:
            start = row.checked_at
        elif row.in_stock is not False and start is not None:
            spans.append([_ts(start), _ts(row.checked_at)])
            start = None
    if start is not None:
        spans.append([_ts(start), _ts(now)])
    return spans


def reference_lines(
    observations: Sequence[Observation], now: datetime, window_days: int
) -> dict[str, float | None]:
    """Median and lowest of the reference window, as deal detection computes them now."""
    return {
        "median": _num(reference_price(ReferenceKind.MEDIAN, observations, now, window_days)),
        "lowest": _num(reference_price(ReferenceKind.LOWEST, observations, now, window_days)),
    }


def chart_data(
    points: Sequence[Any],
    deals: Sequence[Any],
    references: dict[str, float | None],
    window_days: int,
    currency: str | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "currency": currency,
        "now": _ts(now),
        "window_days": window_days,
        # [time, price, in stock] exactly as stored (price null when none was read)
        "points": [[_ts(r.checked_at), _num(r.price), r.in_stock] for r in points],
        "median": references["median"],
        "lowest": references["lowest"],
        "deals": [
            {
                "start": _ts(d.started_at),
                "end": _ts(d.ended_at) if d.ended_at else None,
                "price": _num(d.deal_price),
                "reference": _num(d.reference_price),
                "percent": _num(d.discount_percent),
            }
            for d in deals
        ],
        "out_of_stock": out_of_stock_periods(points, now),
    }


def changes(points: Sequence[Any], limit: int = 200) -> list[dict[str, Any]]:
    """Price and stock changes, newest first, with the move against the previous price."""
    out: list[dict[str, Any]] = []
    previous: Any = None
    for row in points:
        if row.kind != "heartbeat":
            delta = None
            percent = None
            if previous is not None and previous.price and row.price is not None:
                delta = row.price - previous.price
                percent = float(delta / previous.price * 100)
            out.append({"row": row, "delta": delta, "percent": percent})
        previous = row
    return out[::-1][:limit]
