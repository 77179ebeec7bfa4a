"""`cleanup_old_data`: retention for price history and long-inactive products."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine

from priceradar.adapters.db.cleanup import (
    delete_ended_deals_before,
    delete_finished_notifications_before,
    delete_history_before,
    delete_inactive_before,
)

# Safety valve: one run deletes at most this many batches per kind, the rest waits a day.
MAX_BATCHES = 10_000


def _in_batches(engine: Engine, step: Callable[[Connection], int], batch_rows: int) -> int:
    """Repeat a bounded delete, one short transaction each, until a batch comes back short."""
    total = 0
    for _ in range(MAX_BATCHES):
        with engine.begin() as conn:
            deleted = step(conn)
        total += deleted
        if deleted < batch_rows:
            break
    return total


def cleanup_old_data(
    engine: Engine,
    *,
    history_days: int,
    inactive_days: int,
    batch_rows: int,
    notification_days: int = 90,
    deal_days: int = 365,
    now: datetime | None = None,
) -> dict[str, int]:
    """Delete history older than `history_days`, products inactive for `inactive_days`,
    finished outbox rows older than `notification_days` and deals ended `deal_days` ago."""
    now = now or datetime.now(UTC)
    history_cutoff = now - timedelta(days=history_days)
    inactive_cutoff = now - timedelta(days=inactive_days)
    notification_cutoff = now - timedelta(days=notification_days)
    deal_cutoff = now - timedelta(days=deal_days)
    return {
        "notifications": _in_batches(
            engine,
            lambda c: delete_finished_notifications_before(c, notification_cutoff, batch_rows),
            batch_rows,
        ),
        "ended_deals": _in_batches(
            engine, lambda c: delete_ended_deals_before(c, deal_cutoff, batch_rows), batch_rows
        ),
        "history_rows": _in_batches(
            engine, lambda c: delete_history_before(c, history_cutoff, batch_rows), batch_rows
        ),
        "inactive_products": _in_batches(
            engine, lambda c: delete_inactive_before(c, inactive_cutoff, batch_rows), batch_rows
        ),
    }
