"""The deal benchmark's database path: the same histories through `record_results`.

Each change is stored by the real check transaction (row lock, product update, history row,
deal decision from the history read back, outbox rows for a Telegram watch on every deal), at
its own time: the timeline of a history ends a day before now, because the transaction reads
history back from the wall clock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.products import NewProduct, insert_products
from priceradar.adapters.db.tables import notifications, products
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
