"""The chaos suite: one sweep of every product under faults, and what it cost.

Products are loaded due now and checked at most daily, transient failures are not retried
within the run, so every product must be checked exactly once. Meanwhile worker trees are
SIGKILLed (while the backlog is at least 10x the in-flight cap), the suite's own Redis is
restarted and the database link is cut. The report: lost products (never checked), duplicate
history rows, wrong prices (against the shop's truth), redundant checks (stored beyond one per
product), re-dispatch lateness of the killed workers' products after their lease ran out
(p50/p99, target: within 2 dispatcher ticks), and how long each fault took to recover from.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from priceradar.adapters.db.tables import history, products
from priceradar.bench.faults import CuttableProxy, OrphanWatch, OwnRedis, kill_tree
from priceradar.bench.stack import Processes, beat_argv, worker_argv
from priceradar.bench.verify import verify_stored
from priceradar.demo_shop.catalog import ShopConfig
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.catalog import ProductInput, add_products


@dataclass
class ChaosPlan:
    """What happens during the sweep; times are seconds after the first check is stored."""

    kills_at_s: tuple[float, ...] = (5.0,)
    redis_restart_at_s: float | None = None
    redis_down_s: float = 10.0
    db_cuts: tuple[tuple[float, float], ...] = ()  # (at, seconds down)


@dataclass
class ChaosConfig:
    products: int = 20_000
    workers: int = 2
    concurrency: int = 2
    lease_s: int = 20
    dispatch_interval_s: float = 1.0
    max_in_flight: int = 400
    batch_size: int = 50
    timeout_s: float = 900.0


@dataclass
class ChaosReport:
    products: int
    lost: int = 0
    duplicate_history: int = 0
    wrong_prices: int = 0
    wrong_stock: int = 0  # right price, availability read wrong (reported, not a price error)
    verified_prices: int = 0
    redundant_checks: int = 0
    orphans: int = 0
    lateness_p50_s: float | None = None
    lateness_p99_s: float | None = None
    lateness_max_s: float | None = None
    recovery_s: dict[str, float] = field(default_factory=dict)
    sweep_s: float = 0.0
    backlog_at_kills: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def chaos_env(cfg: ChaosConfig) -> dict[str, str]:
    """Settings the suite needs on top of the service URLs."""
    return {
        "PRICERADAR_LEASE_S": str(cfg.lease_s),
        "PRICERADAR_DISPATCH_INTERVAL_S": str(cfg.dispatch_interval_s),
        "PRICERADAR_DISPATCH_MAX_IN_FLIGHT": str(cfg.max_in_flight),
        "PRICERADAR_CHECK_BATCH_SIZE": str(cfg.batch_size),
        # One check per product per run: failures are rescheduled after the run, not in it.
        "PRICERADAR_RETRY_BASE_S": "86400",
        "PRICERADAR_RETRY_MAX_S": "86400",
        "PRICERADAR_DOMAIN_RATE_PER_S": "100000",
        "PRICERADAR_TASK_SOFT_TIME_LIMIT_S": "60",
        "PRICERADAR_TASK_TIME_LIMIT_S": "90",
    }


class Chaos:
    """Runs one sweep with the plan's faults; the caller provides services and a shop."""

    def __init__(
        self,
        cfg: ChaosConfig,
        plan: ChaosPlan,
        engine: Engine,
        procs: Processes,
        shop: tuple[str, ShopConfig],
        redis: OwnRedis | None = None,
        db_proxy: CuttableProxy | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        self.cfg, self.plan, self.engine, self.procs = cfg, plan, engine, procs
        self.base_url, self.shop_cfg = shop
        self.redis, self.db_proxy, self.say = redis, db_proxy, say
        self.watch = OrphanWatch(engine)
        self.report = ChaosReport(cfg.products)
        self._workers = 0

    def run(self) -> ChaosReport:
        urls = [f"{self.base_url}/p/{i}" for i in range(1, self.cfg.products + 1)]
        add_products(
            self.engine,
            [ProductInput(u, check_interval_s=86_400) for u in urls],
            ("127.0.0.1",),
            bands=DEFAULT_BANDS,
        )
        for _ in range(self.cfg.workers):
            self._start_worker()
        self.procs.start("beat", beat_argv(self.procs.log_dir / "beat.schedule", "INFO"))
        started = time.monotonic()
        first = self._wait(lambda: self._checked() > 0, "first check")
        events = self._events(first)
        while time.monotonic() - started < self.cfg.timeout_s:
            now = time.monotonic()
            while events and events[0][0] <= now:
                _, name, action = events.pop(0)
                self.say(f"fault: {name}")
                action()
            self.watch.poll()
            if not events and self._checked() >= self.cfg.products and not self.watch.pending:
                break
            time.sleep(POLL_S)
        self.report.sweep_s = round(time.monotonic() - first, 1)
        self._score()
        return self.report

    def _events(self, t0: float) -> list[tuple[float, str, Callable[[], None]]]:
        events: list[tuple[float, str, Callable[[], None]]] = [
            (t0 + at, f"SIGKILL worker tree {n}", self._kill)
            for n, at in enumerate(self.plan.kills_at_s)
        ]
        if self.plan.redis_restart_at_s is not None and self.redis is not None:
            at = t0 + self.plan.redis_restart_at_s
            events.append((at, "redis stop", self.redis.stop))
            events.append(
                (
                    at + self.plan.redis_down_s,
                    "redis start",
                    self._recovering("redis", self.redis.start),
                )
            )
        for n, (at, down) in enumerate(self.plan.db_cuts):
            if self.db_proxy is not None:
                events.append((t0 + at, f"database cut ({down:g} s)", self.db_proxy.cut))
                events.append(
                    (
                        t0 + at + down,
                        "database back",
                        self._recovering(f"db_{n}_{down:g}s", self.db_proxy.restore),
                    )
                )
        return sorted(events, key=lambda e: e[0])

    def _start_worker(self) -> None:
        name = f"worker-{self._workers}"
        self._workers += 1
        self.procs.start(
            name, worker_argv(f"chaos{self._workers}@%h", self.cfg.concurrency, "INFO")
        )

    def _kill(self) -> None:
        alive = [
            n for n, p in self.procs.procs.items() if n.startswith("worker-") and p.poll() is None
        ]
        if not alive:
            return
        self.report.backlog_at_kills.append(self.cfg.products - self._checked())
        self.watch.snapshot()
        kill_tree(self.procs.procs[alive[0]].pid)
        self.procs.procs[alive[0]].wait()
        del self.procs.procs[alive[0]]
        self._start_worker()

    def _recovering(self, name: str, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            action()
            back = time.monotonic()
            before = self._checked_safe()
            if before >= self.cfg.products:
                return  # the sweep is already done: nothing to recover
            self._wait(lambda: self._checked_safe() > before, f"recovery from {name}", 300)
            self.report.recovery_s[name] = round(time.monotonic() - back, 1)

        return run

    def _wait(self, predicate: Callable[[], bool], what: str, timeout_s: float = 120) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return time.monotonic()
            self.watch.poll()
            time.sleep(POLL_S)
        raise RuntimeError(f"chaos: timed out waiting for {what}")

    def _checked(self) -> int:
        with self.engine.connect() as conn:
            n = conn.execute(select(func.count()).where(products.c.check_count > 0)).scalar_one()
        return int(n)

    def _checked_safe(self) -> int:
        try:
            return self._checked()
        except Exception:
            return -1

    def _score(self) -> None:
        c = products.c
        r = self.report
        with self.engine.connect() as conn:
            counts = conn.execute(select(c.check_count, func.count()).group_by(c.check_count)).all()
            r.lost = sum(n for k, n in counts if k == 0)
            r.redundant_checks = sum((k - 1) * n for k, n in counts if k > 1)
            per = select(history.c.product_id, func.count().label("n")).group_by(
                history.c.product_id
            )
            r.duplicate_history = sum(n - 1 for _, n in conn.execute(per).all() if n > 1)
        verdict = verify_stored(self.engine, self.shop_cfg)
        r.verified_prices, r.wrong_prices = verdict.verified, verdict.wrong_prices
        r.wrong_stock = verdict.wrong_stock
        late = sorted(self.watch.lateness_s)
        r.orphans = len(late)
        if late:
            r.lateness_p50_s = round(statistics.median(late), 2)
            r.lateness_p99_s = round(late[min(len(late) - 1, int(0.99 * len(late)))], 2)
            r.lateness_max_s = round(late[-1], 2)


def lease_deadline_s(cfg: ChaosConfig) -> float:
    """The target for an orphan: re-dispatched within 2 dispatcher ticks of its lease expiry."""
    return 2 * cfg.dispatch_interval_s


POLL_S = 0.25  # the watcher's resolution: lateness figures are exact to within this
