from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

from priceradar.adapters.db.models import Deal, Destination, Notification, PriceHistory, Product
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
        assert result == {
            "notifications": 0,
            "ended_deals": 0,
            "history_rows": 12,
            "inactive_products": 1,
        }
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(PriceHistory)).scalar_one() == 31
            assert conn.execute(select(Product.id)).scalars().all() == [keep]
            oldest = conn.execute(select(func.min(PriceHistory.checked_at))).scalar_one()
        assert oldest >= NOW - timedelta(days=30)


def test_finished_outbox_rows_and_old_ended_deals_go_open_ones_stay(tmp_path: Path) -> None:
    with sqlite_engine(tmp_path) as engine:
        (pid,) = make_products(engine, 1)
        old, recent = NOW - timedelta(days=400), NOW - timedelta(days=1)
        deal = {
            "product_id": pid,
            "reference_kind": "median",
            "reference_price": Decimal("10"),
            "deal_price": Decimal("5"),
            "discount_amount": Decimal("5"),
            "discount_percent": Decimal("50"),
            "started_at": old,
            "updated_at": old,
        }
        with engine.begin() as conn:
            dest = conn.execute(
                insert(Destination)
                .values(kind="apprise", target="json://x")
                .returning(Destination.id)
            ).scalar_one()
            conn.execute(insert(Deal), [{**deal, "ended_at": old}, {**deal, "ended_at": None}])
            conn.execute(
                insert(Notification),
                [
                    {
                        "destination_id": dest,
                        "event_key": f"k{i}",
                        "kind": "deal",
                        "payload": "{}",
                        "status": status,
                        "updated_at": at,
                        "created_at": at,
                    }
                    for i, (status, at) in enumerate(
                        [
                            ("sent", old),
                            ("failed", old),
                            ("unknown", old),
                            ("pending", old),
                            ("sent", recent),
                        ]
                    )
                ],
            )
        result = cleanup_old_data(engine, history_days=30, inactive_days=180, batch_rows=2, now=NOW)
        assert result["notifications"] == 3 and result["ended_deals"] == 1
        with engine.connect() as conn:
            left = sorted(conn.execute(select(Notification.status)).scalars())
            open_deals = conn.execute(select(func.count()).select_from(Deal)).scalar_one()
        assert left == ["pending", "sent"]
        assert open_deals == 1
