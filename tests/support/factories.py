"""Factories: products and history rows written straight to a database, in bulk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.tables import history, products
from priceradar.domain.messages import MessageFacts

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # in the past: what is due at NOW is due now


@contextmanager
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'factory.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def make_products(
    engine: Engine, count: int, *, domain: str = "shop.test", start: int = 0, **values: Any
) -> list[int]:
    """Insert `count` products (due at NOW unless told otherwise); returns their ids."""
    rows = [
        {
            "url": f"https://{domain}/p/{start + i}",
            "domain": domain,
            "next_check_at": values.get("next_check_at", NOW),
            "created_at": NOW,
            "updated_at": NOW,
            **{k: v for k, v in values.items() if k != "next_check_at"},
        }
        for i in range(count)
    ]
    with engine.begin() as conn:
        result = conn.execute(insert(products).returning(products.c.id), rows)
        return sorted(r[0] for r in result)


def set_columns(engine: Engine, ids: Sequence[int], **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(products).where(products.c.id.in_(list(ids))).values(**values))


def add_history(
    engine: Engine,
    product_id: int,
    prices: Sequence[str],
    *,
    end: datetime = NOW,
    step: timedelta = timedelta(days=1),
) -> None:
    """Price observations ending at `end`, one per `step`, oldest first."""
    rows = [
        {
            "product_id": product_id,
            "checked_at": end - step * (len(prices) - 1 - i),
            "price": Decimal(p),
            "currency": "EUR",
            "in_stock": True,
            "kind": "change",
        }
        for i, p in enumerate(prices)
    ]
    with engine.begin() as conn:
        conn.execute(insert(history), rows)


def column(engine: Engine, name: str, ids: Sequence[int]) -> dict[int, Any]:
    with engine.connect() as conn:
        col = products.c[name]
        return dict(
            conn.execute(select(products.c.id, col).where(products.c.id.in_(list(ids)))).all()
        )  # type: ignore[arg-type]


def message_facts(**overrides: Any) -> MessageFacts:
    """A typical deal alert: 100 -> 70 USD, 30 % off; override what a test is about."""
    values: dict[str, Any] = {
        "kind": "deal",
        "title": "Acme Headphones",
        "url": "https://shop.example/p/7",
        "domain": "shop.example",
        "currency": "USD",
        "price": Decimal("70"),
        "old_price": Decimal("100"),
        "discount_amount": Decimal("30"),
        "discount_percent": Decimal("30"),
    }
    return MessageFacts(**{**values, **overrides})
