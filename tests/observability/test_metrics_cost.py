"""/metrics reads lateness through indexes: no scrape scans the products table.

With sequential scans disabled PostgreSQL still takes one when no index can answer a query,
so a plan without `Seq Scan on products` proves an index path exists for every statement the
scrape sends about lateness and leases (the catalogue-wide GROUP BY is cached separately).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from priceradar.adapters.db.engine import make_engine
from priceradar.observability.metrics import PriceradarCollector
from tests.support.services import require_postgres
from tests.support.stack import postgres_database


@pytest.mark.postgres
def test_lateness_and_lease_gauges_need_no_scan_of_products() -> None:
    require_postgres()
    with postgres_database() as url:
        engine = make_engine(url)
        statements: list[tuple[str, object]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if "products" in statement and "EXPLAIN" not in statement:
                statements.append((statement, parameters))

        collector = PriceradarCollector(engine, dict, cache_s=0, catalog_cache_s=3600)
        collector._catalog = (float("inf"), [])  # the cached catalogue GROUP BY is not this test
        names = {family.name for family in collector.collect()}
        assert "priceradar_overdue_products" in names
        event.remove(engine, "before_cursor_execute", _keep)

        assert statements
        with engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            for statement, parameters in statements:
                explained = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)  # type: ignore[arg-type]
                plan = "\n".join(str(row[0]) for row in explained)
                assert "Seq Scan on products" not in plan, f"{statement}\n{plan}"
        engine.dispose()
