"""The deal benchmark's database path: the same histories through `record_results`.

Each change is stored by the real check transaction (row lock, product update, history row,
deal decision from the history read back, outbox rows for a Telegram watch on every deal), at
its own time: the timeline of a history ends a day before now, because the transaction reads
history back from the wall clock.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.products import NewProduct, insert_products
from priceradar.adapters.db.tables import history, notifications, products
from priceradar.bench.deal_scenarios import Scenario
from priceradar.bench.deals_eval import CURRENCY, DOMAIN, Alert
from priceradar.domain.check import CheckPolicy, CheckResult
from priceradar.domain.deals import DealRules
from priceradar.domain.outcome import OutcomeKind
from priceradar.services.check import record_results
from priceradar.services.watches import WatchSpec, add_watch


def replay_through_database(
    url: str, histories: Sequence[Scenario], rules: DealRules
) -> list[list[Alert]]:
    """Alerts per history, read from the outbox rows each stored check queued."""
    migrate.upgrade(url)
    engine = make_engine(url)
    policy = CheckPolicy(deal_rules=rules)
    run = f"{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    out = []
    try:
        with engine.begin() as conn:
            add_watch(conn, WatchSpec("telegram", "-1000000000001"), datetime.now(UTC))
            new = [
                NewProduct(f"https://{DOMAIN}/{run}/{s.kind}/{s.index}", DOMAIN) for s in histories
            ]
            insert_products(conn, new, datetime.now(UTC))
            ids = dict(
                conn.execute(
                    select(products.c.url, products.c.id).where(
                        products.c.url.in_([p.url for p in new])
                    )
                ).all()
            )
        for scenario, product in zip(histories, new, strict=True):
            pid = ids[product.url]
            t0 = datetime.now(UTC) - timedelta(days=scenario.span_days + 1)
            alerts = []
            for change in scenario.changes:
                result = CheckResult(
                    pid,
                    t0 + timedelta(days=change.day),
                    OutcomeKind.OK if change.in_stock else OutcomeKind.OUT_OF_STOCK,
                    price=change.price,
                    currency=CURRENCY,
                    in_stock=change.in_stock,
                )
                with engine.begin() as conn:
                    if record_results(conn, [result], policy)[1]:
                        alerts.append(_last_alert(conn, pid, change.day))
            out.append(alerts)
    finally:
        engine.dispose()
    return out


def _last_alert(conn: Connection, product_id: int, day: float) -> Alert:
    n = notifications.c
    kind, payload = conn.execute(
        select(n.kind, n.payload).where(n.product_id == product_id).order_by(n.id.desc()).limit(1)
    ).one()
    return Alert(day, str(kind), Decimal(json.loads(payload)["discount_percent"]))


def time_check_transaction(
    url: str, products_n: int, days: int = 180, repeats: int = 5
) -> dict[str, float]:
    """Milliseconds of one check write transaction (`record_results`) for a batch of
    `products_n` products, each with `days` daily history rows at one price, whose price
    drops 20 % now: every product's history is read and a deal opens for each. Each repeat
    is rolled back, so all measure the same state."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        now = datetime.now(UTC)
        run = f"{now:%Y%m%d%H%M%S%f}"
        new = [NewProduct(f"https://{DOMAIN}/{run}/t/{i}", DOMAIN) for i in range(products_n)]
        with engine.begin() as conn:
            insert_products(conn, new, now)
            ids = [
                r.id
                for r in conn.execute(
                    select(products.c.id).where(products.c.url.in_([p.url for p in new]))
                )
            ]
            conn.execute(
                insert(history),
                [
                    {"product_id": pid, "checked_at": now - timedelta(days=d),
                     "price": Decimal(100), "currency": CURRENCY, "in_stock": True,
                     "kind": "heartbeat"}
                    for pid in ids
                    for d in range(days, 0, -1)
                ],
            )  # fmt: skip
            conn.execute(
                update(products)
                .where(products.c.id.in_(ids))
                .values(price=Decimal(100), currency=CURRENCY, in_stock=True)
            )
        policy = CheckPolicy(deal_rules=DealRules())
        times_ms = []
        for _ in range(repeats):
            results = [
                CheckResult(pid, datetime.now(UTC), OutcomeKind.OK, Decimal(80), CURRENCY, True)
                for pid in ids
            ]
            with engine.connect() as conn:
                transaction = conn.begin()
                started = time.perf_counter()
                queued = record_results(conn, results, policy)
                times_ms.append((time.perf_counter() - started) * 1000)
                transaction.rollback()
        return {
            "products": products_n,
            "history_rows_per_product": days,
            "median_ms": round(statistics.median(times_ms), 1),
            "min_ms": round(min(times_ms), 1),
            "history_rows_written": queued[0],
        }
    finally:
        engine.dispose()
