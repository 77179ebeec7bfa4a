"""The /metrics scrape's database reads (lateness lives with the schedule, outbox counts with
the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from priceradar.adapters.db.tables import deals, products

P = products.c


def open_deals(conn: Connection) -> int:
    """Open deals (one per product at most)."""
    return int(conn.execute(select(func.count()).where(deals.c.ended_at.is_(None))).scalar_one())


def catalog_by_domain(conn: Connection) -> Sequence[Any]:
    """(domain, outcome or 'never', products, sum of check counters, sum of failure counters)
    per domain and last outcome: one grouped scan of the catalogue."""
    outcome = func.coalesce(P.last_outcome, "never")
    return conn.execute(
        select(
            P.domain,
            outcome,
            func.count(),
            func.coalesce(func.sum(P.check_count), 0),
            func.coalesce(func.sum(P.failure_count), 0),
        ).group_by(P.domain, outcome)
    ).all()
