"""The benchmark: load N products, then measure dispatch, throughput, staleness, priorities.

Phases, each on the real stack (PostgreSQL, Redis broker, Celery worker processes, beat):
1. load      COPY N products into a fresh database;
2. dispatch  lease all N (all due) and publish their batches; Redis memory with all queued;
3. capacity  everything due, workers flat out for `capacity_s`: sustained checks per hour —
             on half of those products with the clean shop, then (with `realistic`) on the
             other half with the shop's realistic web model (long-tail latency, hangs, 5xx,
             429, malformed pages: demo_shop/web_model.py), back to back, side by side;
4. nominal   products come due at `nominal_rate_per_h`; lateness of each check vs its due time;
5. priorities `update_product_priorities` over all N;
6. verify    every stored price against the price the shop served (deterministic by epoch).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, create_engine, text

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.products import status_counts
from priceradar.bench.capacity import BROKER_DB, STATE_DB, capacity, run_stack, side_by_side
from priceradar.bench.probes import percentile
from priceradar.bench.stack import Processes, base_environ, free_port, start_shops
from priceradar.bench.verify import verify_stored
from priceradar.config import load_settings
from priceradar.services.priorities import update_product_priorities
from priceradar.services.schedule import DispatchLimits, lease_batches
from priceradar.worker.app import broker_priority, create_app

BENCH_DB = "priceradar_bench"
RESULT_DB = 11
COPY_ROWS = 50_000  # rows per COPY transaction while loading


# The site rule the benchmark configures for its demo shop (the classic "plain" pages need it).
DEMO_SITE_RULE = {"price": "span.price", "title": "h1.product-title", "availability": ".stock"}


@dataclass
class BenchConfig:
    products: int = 20_000
    capacity_s: int = 120
    nominal_s: int = 120
    nominal_rate_per_h: int = 1_000_000
    workers: int = 1
    concurrency: int = 2
    shops: int = 1
    padding: int = 60_000
    fault_rate: float = 0.0
    real_kinds: float = 0.2  # share of real-shop page kinds (demo_shop.kinds) in the mix
    batch_size: int = 100
    max_in_flight: int = 3000
    realistic: bool = True
    db_name: str = "priceradar_bench"
    admin_db_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    redis_base: str = "redis://127.0.0.1:6379"
    work_dir: Path = Path("data/bench")


@dataclass
class BenchResult:
    config: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, **values: Any) -> None:
        self.figures.update(values)


def run(cfg: BenchConfig, say: Any = print) -> BenchResult:
    cfg.work_dir.mkdir(parents=True, exist_ok=True)
    result = BenchResult({k: str(v) for k, v in asdict(cfg).items()})
    db_url = fresh_database(cfg.admin_db_url, cfg.db_name)
    for db in (BROKER_DB, RESULT_DB, STATE_DB):
        redis.Redis.from_url(f"{cfg.redis_base}/{db}").flushdb()
    port = free_port()
    env = {
        **base_environ(),
        "PRICERADAR_ENV": "development",
        "PRICERADAR_DATA_DIR": str(cfg.work_dir.resolve()),
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": f"{cfg.redis_base}/{BROKER_DB}",
        "CELERY_RESULT_BACKEND": f"{cfg.redis_base}/{RESULT_DB}",
        "REDIS_URL": f"{cfg.redis_base}/{STATE_DB}",
        "PRICERADAR_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        "PRICERADAR_SITE_RULES": json.dumps({f"127.0.0.1:{port}": DEMO_SITE_RULE}),
        "PRICERADAR_DOMAIN_RATE_PER_S": "100000",  # our own shop: no politeness limit,
        "PRICERADAR_FETCH_PER_DOMAIN_CONCURRENCY": "200",  # nor a per-host connection cap
        "PRICERADAR_FETCH_CONCURRENCY": "200",
        "PRICERADAR_DISPATCH_INTERVAL_S": "1",
        "PRICERADAR_DISPATCH_MAX_IN_FLIGHT": str(cfg.max_in_flight),
        "PRICERADAR_CHECK_BATCH_SIZE": str(cfg.batch_size),
        "PRICERADAR_LOG_LEVEL": "WARNING",
    }
    procs = Processes(cfg.work_dir, env)
    engine = make_engine(db_url)
    try:
        base = start_shops(procs, cfg.shops, port, cfg.padding, cfg.fault_rate, cfg.real_kinds)
        result.add(**_load(engine, cfg.products, base))
        say(f"loaded {cfg.products} products in {result.figures['load_s']} s")
        result.add(**_dispatch_all(engine, env, cfg))
        say(
            f"dispatched all in {result.figures['dispatch_all_s']} s;"
            f" Redis {result.figures['redis_queued_mb']} MB queued"
        )
        reserve = min(cfg.products // 2, int(cfg.nominal_s * cfg.nominal_rate_per_h / 3600) + 1)
        with engine.begin() as conn:  # kept out of the capacity phase for the nominal one
            conn.execute(
                text(
                    "UPDATE products SET next_check_at = now() + interval '30 days' WHERE id > :n"
                ),
                {"n": cfg.products - reserve},
            )
        due = cfg.products - reserve
        if cfg.realistic:
            result.add(**side_by_side(engine, procs, cfg, port, due, say))
        else:
            result.add(**capacity(engine, procs, cfg, due))
            say(f"capacity: {result.figures['capacity_checks_per_h']} checks/h")
        result.add(**_nominal(engine, procs, cfg, reserve))
        say(
            f"nominal: lateness p50 {result.figures['lateness_p50_s']} s,"
            f" p99 {result.figures['lateness_p99_s']} s"
        )
        started = time.monotonic()
        stats = update_product_priorities(engine)
        result.add(
            priorities_s=round(time.monotonic() - started, 2), priorities_updated=stats.updated
        )
        with engine.connect() as conn:
            result.add(outcomes=status_counts(conn))
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            result.add(db_size_mb=round(size / 2**20, 1))
        checked = verify_stored(engine)
        result.add(
            verified_prices=checked.verified,
            wrong_prices=checked.wrong_prices,
            wrong_stock=checked.wrong_stock,
        )
    finally:
        procs.stop()
        engine.dispose()
    (cfg.work_dir / "bench-result.json").write_text(
        json.dumps(asdict(result), indent=2, default=str)
    )
    return result


def fresh_database(admin_url: str, name: str = BENCH_DB) -> str:
    """Drop and create database `name` next to `admin_url`'s, migrated; its URL."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bench database name must be letters, digits and _: {name!r}")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    return url


def _load(engine: Engine, count: int, base: str) -> dict[str, Any]:
    """COPY products in; all due now, checked at most daily (the runs are shorter)."""
    started = time.monotonic()
    now = datetime.now(UTC)
    domain = base.removeprefix("http://")
    with engine.begin() as conn:
        raw: Any = conn.connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY products (url, domain, next_check_at, created_at, updated_at,"
                " check_interval_s) FROM STDIN"
            ) as copy,
        ):
            for i in range(1, count + 1):
                copy.write_row((f"{base}/p/{i}", domain, now, now, now, 86_400))
        conn.execute(text("ANALYZE products"))
    return {"load_s": round(time.monotonic() - started, 2)}


def _limits(cfg: BenchConfig, max_in_flight: int) -> DispatchLimits:
    return DispatchLimits(
        lease_s=3600, batch_size=cfg.batch_size, max_per_tick=50_000, max_in_flight=max_in_flight
    )


def _dispatch_all(engine: Engine, env: dict[str, str], cfg: BenchConfig) -> dict[str, Any]:
    """Lease and publish every product, as if all came due at once; then undo it."""
    settings = _settings(env)
    app = create_app(settings)
    r = redis.Redis.from_url(settings.broker_url)
    before = int(r.info("memory")["used_memory"])
    started = time.monotonic()
    limits = _limits(cfg, cfg.products + 1)
    leased = 0
    with app.producer_pool.acquire(block=True) as producer:
        while True:
            batches, _ = lease_batches(engine, limits, datetime.now(UTC))
            if not batches:
                break
            for b in batches:
                app.send_task(
                    "batch_price_check",
                    args=[b.product_ids],
                    kwargs={"priority": b.priority, "lease_token": b.lease_token},
                    priority=broker_priority(b.priority, "redis"),
                    producer=producer,
                    ignore_result=True,
                )
                leased += len(b.product_ids)
    elapsed = time.monotonic() - started
    queued = int(r.info("memory")["used_memory"]) - before
    r.flushdb()
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE products SET lease_until = NULL,"
                " next_check_at = now() - interval '1 second'"
            )
        )
    return {
        "dispatch_all_s": round(elapsed, 2),
        "dispatched": leased,
        "redis_queued_mb": round(queued / 2**20, 1),
    }


def _settings(env: dict[str, str]) -> Any:
    import os

    saved = os.environ.copy()
    os.environ.update(env)
    try:
        return load_settings(_env_file=None)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _nominal(engine: Engine, procs: Processes, cfg: BenchConfig, reserve: int) -> dict[str, Any]:
    """Unchecked products come due one by one at the nominal rate; measure how late checks are."""
    step_s = 3600 / cfg.nominal_rate_per_h
    start_at = datetime.now(UTC) + timedelta(seconds=10)
    horizon = min(reserve, int(cfg.nominal_s / step_s))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_due"))
        conn.execute(
            text(
                "CREATE TABLE bench_due AS SELECT id,"
                " :start + (row_number() OVER (ORDER BY id) - 1)"
                " * make_interval(secs => :step) AS due_at FROM products"
                " WHERE last_checked_at IS NULL AND status = 'active' ORDER BY id LIMIT :n"
            ),
            {"start": start_at, "step": step_s, "n": horizon},
        )
        conn.execute(
            text(
                "UPDATE products SET next_check_at = now() + interval '30 days'"
                " WHERE last_checked_at IS NULL"
            )
        )
        # Fresh statistics: without them the planner nested-loops 1M products per due row.
        conn.execute(text("ALTER TABLE bench_due ADD PRIMARY KEY (id)"))
        conn.execute(text("ANALYZE bench_due"))
        conn.execute(
            text(
                "UPDATE products p SET next_check_at = d.due_at FROM bench_due d WHERE p.id = d.id"
            )
        )
        conn.execute(text("ANALYZE products"))
    run_stack(engine, procs, cfg, cfg.nominal_s + 30, "nominal")
    with engine.connect() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT extract(epoch FROM p.last_checked_at - d.due_at) FROM bench_due d"
                    " JOIN products p ON p.id = d.id WHERE p.last_checked_at IS NOT NULL"
                )
            )
            .scalars()
            .all()
        )
        missed = conn.execute(
            text(
                "SELECT count(*) FROM bench_due d JOIN products p ON p.id = d.id"
                " WHERE p.last_checked_at IS NULL"
            )
        ).scalar_one()
    lateness = [float(v) for v in rows]
    return {
        "nominal_due": horizon,
        "nominal_checked": len(lateness),
        "nominal_unchecked": int(missed),
        "lateness_p50_s": round(percentile(lateness, 50), 2),
        "lateness_p99_s": round(percentile(lateness, 99), 2),
        "lateness_max_s": round(max(lateness, default=0.0), 2),
    }
