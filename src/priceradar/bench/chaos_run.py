"""`priceradar chaos`: the chaos suite on real services of its own.

Per broker flavour: a fresh PostgreSQL database reached through a cuttable localhost proxy (the
shared server itself is never stopped), a redis-server of its own on a free port (restarted
during the run; the Redis broker, result backend and rate limiter live there), RabbitMQ on the
given vhost for the rabbitmq flavour, the demo shop with its faulty pages, real workers and beat.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from priceradar.adapters.db.engine import make_engine
from priceradar.bench.chaos import Chaos, ChaosConfig, ChaosPlan, ChaosReport, chaos_env
from priceradar.bench.faults import CuttableProxy, OwnRedis
from priceradar.bench.runner import fresh_database
from priceradar.bench.stack import Processes, base_environ, free_port
from priceradar.demo_shop.catalog import ShopConfig
from priceradar.demo_shop.server import RunningShop

CHAOS_DB = "priceradar_chaos"

# Faults apart in time (with the default 10 s lease): a killed worker's leases run out before
# the next outage starts, so its orphans' lateness measures the scheduler, not an outage.
FULL_PLAN = ChaosPlan(
    kills_at_s=(5.0, 20.0),
    redis_restart_at_s=32.0,
    redis_down_s=10.0,
    db_cuts=((45.0, 10.0), (58.0, 60.0)),
)


def run_flavour(
    flavour: str,
    cfg: ChaosConfig,
    plan: ChaosPlan,
    admin_url: str,
    rabbitmq_url: str,
    work_dir: Path,
    say: Callable[[str], None] = print,
    fault_rate: float = 0.0,
) -> ChaosReport:
    """One sweep with faults on `flavour` ("redis" or "rabbitmq")."""
    run_dir = work_dir / flavour
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    db_url = fresh_database(admin_url, f"{CHAOS_DB}_{flavour}")
    real = make_url(db_url)
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 5432)
    redis = OwnRedis(run_dir, free_port())
    redis.start()
    shop_cfg = ShopConfig(price_period_s=3600, fault_rate=fault_rate)
    procs: Processes | None = None
    try:
        with RunningShop(shop_cfg) as shop:
            host = shop.base_url.removeprefix("http://")
            rules = {host: {"price": "span.price", "title": "h1.product-title",
                            "availability": ".stock"}}  # fmt: skip
            env = {
                **base_environ(),
                **chaos_env(cfg),
                "PRICERADAR_ENV": "development",
                "PRICERADAR_DATA_DIR": str(run_dir.resolve()),
                "PRICERADAR_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
                "PRICERADAR_SITE_RULES": json.dumps(rules),
                "PRICERADAR_LOG_LEVEL": "INFO",
                "DATABASE_URL": real.set(host="127.0.0.1", port=proxy.port).render_as_string(
                    hide_password=False
                ),
                "REDIS_URL": f"{redis.url}/2",
                "CELERY_BROKER_URL": f"{redis.url}/0" if flavour == "redis" else rabbitmq_url,
                "CELERY_RESULT_BACKEND": f"{redis.url}/1",
            }
            procs = Processes(run_dir, env)
            engine = make_engine(db_url)  # the suite's own view: not through the proxy
            try:
                report = Chaos(cfg, plan, engine, procs, (shop.base_url, shop_cfg), redis, proxy,
                               say).run()  # fmt: skip
            finally:
                procs.stop()
                engine.dispose()
    finally:
        redis.stop()
        proxy.close()
    (run_dir / "chaos-result.json").write_text(
        json.dumps({"config": asdict(cfg), "plan": asdict(plan), **report.as_dict()}, indent=2)
    )
    return report


def summary_line(flavour: str, r: ChaosReport) -> dict[str, Any]:
    return {"broker": flavour, **r.as_dict()}
