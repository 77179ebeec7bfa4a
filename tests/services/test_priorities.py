"""Priorities: the seed's formula over real history, set-based, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from priceradar.adapters.db.models import Product
from priceradar.adapters.db.tables import deals
from priceradar.domain.priority import Band, PriorityWeights
from priceradar.services.batching import SmartBatchProcessor
from priceradar.services.priorities import PriorityCalculator, update_product_priorities
from tests.support.factories import (
    NOW,
    add_history,
    column,
    make_products,
    set_columns,
)


def test_volatile_popular_products_rise_and_get_rescheduled(engine: Engine) -> None:
    # Given a calm product and a volatile, watched one, both checked an hour ago
    calm, hot = make_products(engine, 2)
    checked = NOW - timedelta(hours=1)
    set_columns(
        engine,
        [calm, hot],
        last_checked_at=checked,
        priority_band=4,
        next_check_at=checked + timedelta(hours=24),
    )
    set_columns(engine, [hot], watcher_count=99, review_count=9999, rating=5.0)
    add_history(engine, calm, ["100.00"] * 10)
    add_history(engine, hot, ["100.00", "60.00", "110.00", "55.00", "120.00", "50.00"])

    # When priorities are recomputed (in chunks smaller than the table, to walk ranges)
    stats = update_product_priorities(engine, now=NOW, chunk=1)

    # Then the hot product scores volatility 100 and popularity 100: 0.30*100 + 0.15*100 + recency
    priority = column(engine, "check_priority", [calm, hot])
    assert stats.scanned == 2
    assert column(engine, "volatility_score", [hot])[hot] == 100
    assert column(engine, "popularity_score", [hot])[hot] == 100
    assert priority[hot] == 45  # 30 + 15 + 0.05 * (1 h / 24 h * 100 = 4.2) rounds to 45
    assert priority[calm] == 0
    # and its next check moves to the 6-hour band's interval from its last check
    assert column(engine, "priority_band", [hot])[hot] == 2
    assert column(engine, "next_check_at", [hot])[hot] == checked + timedelta(hours=6)
    # while the calm one keeps its 24-hour schedule
    assert column(engine, "next_check_at", [calm])[calm] == checked + timedelta(hours=24)


def test_leased_and_overridden_products_keep_their_schedule(engine: Engine) -> None:
    leased, overridden = make_products(engine, 2, watcher_count=10_000)
    checked = NOW - timedelta(hours=2)
    set_columns(
        engine,
        [leased, overridden],
        last_checked_at=checked,
        next_check_at=NOW + timedelta(hours=9),
    )
    set_columns(engine, [leased], lease_until=NOW + timedelta(minutes=5))
    set_columns(engine, [overridden], check_interval_s=7200)
    update_product_priorities(engine, now=NOW, weights=PriorityWeights(popularity=2.0))
    assert column(engine, "priority_band", [leased, overridden]) == {leased: 0, overridden: 0}
    assert set(column(engine, "next_check_at", [leased, overridden]).values()) == {
        NOW + timedelta(hours=9)
    }


def test_never_checked_products_can_reach_every_band(engine: Engine) -> None:
    # The lowest band must be reachable (the original's baseline made it impossible).
    ids = make_products(engine, 1)
    update_product_priorities(engine, now=NOW)
    assert column(engine, "check_priority", ids) == {ids[0]: 5}  # recency 100 * 0.05
    assert column(engine, "priority_band", ids) == {ids[0]: 4}


def test_configurable_bands(engine: Engine) -> None:
    ids = make_products(engine, 1, watcher_count=99)
    bands = (Band(5, 60), Band(0, 600))
    update_product_priorities(engine, now=NOW, bands=bands)
    assert column(engine, "priority_band", ids) == {ids[0]: 0}


def test_seed_calculator_api_matches_the_sweep(engine: Engine) -> None:
    (pid,) = make_products(engine, 1, watcher_count=5)
    add_history(engine, pid, ["10.00", "12.00", "9.00"])
    with Session(engine) as db:
        product = db.get(Product, pid)
        assert product is not None
        value = PriorityCalculator().calculate_priority(product, db)
    update_product_priorities(engine)
    assert column(engine, "check_priority", [pid])[pid] == value
    assert PriorityCalculator().get_check_interval(85) == 3600
    assert PriorityCalculator().get_check_interval(10) == 86400


def test_statistics_in_one_query(engine: Engine, tmp_path: Path) -> None:
    due = make_products(engine, 3, priority_band=0)
    later = make_products(
        engine, 2, start=10, priority_band=4, next_check_at=NOW + timedelta(days=1)
    )
    set_columns(engine, later[:1], last_outcome="ok", status="inactive")
    from priceradar.config import load_settings

    processor = SmartBatchProcessor(
        batch_size=2, engine=engine, settings=load_settings(_env_file=None)
    )
    stats = processor.get_statistics()
    assert stats["total_products"] == 5
    assert stats["by_status"] == {"active": 4, "inactive": 1}
    assert stats["by_priority"] == {"high": 3, "medium": 0, "low": 1}
    assert stats["due_now"]["high"] == 3
    assert stats["never_checked"] == 4
    assert stats["most_overdue_s"] > 0
    # and the seed's batch API hands out the due high-priority products, leased
    batches = processor.get_high_priority_batches(limit=10)
    assert sorted(i for b in batches for i in b["product_ids"]) == due
    assert all(b["priority"] == 10 and len(b["product_ids"]) <= 2 for b in batches)
    assert processor.get_high_priority_batches(limit=10) == []
    assert processor.get_statistics()["in_flight"] == 3


def test_an_open_deal_adds_the_seeds_fifty_points(engine: Engine) -> None:
    with_deal, ended, plain = make_products(engine, 3)
    deal = {
        "reference_kind": "median",
        "reference_price": Decimal("10"),
        "deal_price": Decimal("5"),
        "discount_amount": Decimal("5"),
        "discount_percent": Decimal("50"),
        "started_at": NOW,
        "updated_at": NOW,
    }
    with engine.begin() as conn:
        conn.execute(
            insert(deals),
            [
                {**deal, "product_id": with_deal, "ended_at": None},
                {**deal, "product_id": ended, "ended_at": NOW},
            ],
        )
    update_product_priorities(engine, now=NOW)
    # never checked: recency 100 * 0.05 = 5 on top
    assert column(engine, "check_priority", [with_deal, ended, plain]) == {
        with_deal: 55,
        ended: 5,
        plain: 5,
    }


def test_the_sweep_never_moves_a_product_leased_while_it_ran(engine: Engine) -> None:
    # Given a product the sweep read unleased and wants to reschedule into a new band
    from priceradar.adapters.db.priorities import PriorityRow, write_priorities

    (pid,) = make_products(engine, 1, next_check_at=NOW - timedelta(minutes=5))
    # When the dispatcher leases it before the sweep writes
    set_columns(engine, [pid], lease_until=NOW + timedelta(minutes=10), lease_token="t" * 32)
    with engine.begin() as conn:
        write_priorities(conn, [PriorityRow(pid, 10, 10, 90, 0, NOW + timedelta(hours=1))])
    # Then its scores and band change, but its due time is left to the running check
    assert column(engine, "priority_band", [pid]) == {pid: 0}
    assert column(engine, "next_check_at", [pid]) == {pid: NOW - timedelta(minutes=5)}
