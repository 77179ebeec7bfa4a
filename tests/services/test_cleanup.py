from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from priceradar.adapters.db.models import PriceHistory, Product
from priceradar.services.cleanup import cleanup_old_data
from tests.support.factories import NOW, add_history, make_products, set_columns, sqlite_engine


def test_retention_deletes_only_what_is_old_in_small_batches(tmp_path: Path) -> None:
    with sqlite_engine(tmp_path) as engine:
        # Given 40 days of history for one product and a product inactive for a year
        keep, gone = make_products(engine, 2)
        add_history(engine, keep, ["10.00"] * 40)
        add_history(engine, gone, ["5.00"] * 3, end=NOW - timedelta(days=400))
        set_columns(engine, [gone], status="inactive", updated_at=NOW - timedelta(days=365))

        # When data older than 30 days is cleaned in batches of 4 rows
        result = cleanup_old_data(engine, history_days=30, inactive_days=180, batch_rows=4, now=NOW)

        # Then the 9 rows older than 30 days and the gone product's 3 rows are deleted
        assert result == {"history_rows": 12, "inactive_products": 1}
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(PriceHistory)).scalar_one() == 31
            assert conn.execute(select(Product.id)).scalars().all() == [keep]
            oldest = conn.execute(select(func.min(PriceHistory.checked_at))).scalar_one()
        assert oldest >= NOW - timedelta(days=30)
