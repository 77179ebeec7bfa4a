"""The capacity phase of the benchmark: workers flat out on due products; clean and realistic
web side by side (see runner.py for the whole run)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import redis
from sqlalchemy import Engine, text

from priceradar.bench.probes import Sampler
from priceradar.bench.stack import Processes, start_beat, start_shops, start_workers

if TYPE_CHECKING:
    from priceradar.bench.runner import BenchConfig

BROKER_DB, STATE_DB = 10, 12


def checked_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM products WHERE last_checked_at IS NOT NULL")
            ).scalar_one()
        )


def run_stack(
    engine: Engine,
    procs: Processes,
    cfg: BenchConfig,
    seconds: float,
    label: str,
    until: int | None = None,
) -> Sampler:
    start_workers(procs, cfg.workers, cfg.concurrency)
    start_beat(procs, cfg.work_dir / f"beat-{label}.schedule")
    sampler = Sampler(
        f"{cfg.redis_base}/{BROKER_DB}", lambda: procs.pids("worker"), lambda: checked_count(engine)
    )
    with sampler:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            procs.check_alive()
            time.sleep(1)
            if (
                until is not None
                and sampler.peaks.timeline
                and sampler.peaks.timeline[-1][1] >= until
            ):
                break
    procs.stop("beat")
    procs.stop("worker")
    return sampler


def side_by_side(
    engine: Engine, procs: Processes, cfg: BenchConfig, port: int, due: int, say: Any
) -> dict[str, Any]:
    """The capacity phase twice, back to back on the same machine: the first half of the due
    products with the clean shop, the second half with the realistic web model."""
    half = due // 2
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE products SET next_check_at = now() + interval '30 days' WHERE id > :n"),
            {"n": half},
        )
    clean = capacity(engine, procs, cfg, half)
    say(f"capacity, clean shop: {clean['capacity_checks_per_h']} checks/h")
    procs.stop("shop")
    start_shops(procs, cfg.shops, port, cfg.padding, cfg.fault_rate, cfg.real_kinds, "realistic")
    with engine.begin() as conn:
        # What the clean phase left unchecked stays out (its queued batches, their lease
        # revoked, check nothing), so the realistic figure counts only its own products.
        conn.execute(
            text(
                "UPDATE products SET next_check_at = now() + interval '30 days',"
                " lease_until = NULL, lease_token = NULL"
                " WHERE id <= :a AND last_checked_at IS NULL"
            ),
            {"a": half},
        )
        conn.execute(
            text("UPDATE products SET next_check_at = now() WHERE id > :a AND id <= :b"),
            {"a": half, "b": due},
        )
    real = capacity(engine, procs, cfg, due - half, base=checked_count(engine), label="realistic")
    say(f"capacity, realistic web: {real['capacity_checks_per_h']} checks/h")
    with engine.connect() as conn:
        outcomes: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT last_outcome, count(*) FROM products WHERE id > :a AND id <= :b"
                    " AND last_outcome IS NOT NULL GROUP BY last_outcome"
                ),
                {"a": half, "b": due},
            ).all()
        )
    with engine.begin() as conn:  # the same for what the realistic phase left unchecked
        conn.execute(
            text(
                "UPDATE products SET next_check_at = now() + interval '30 days',"
                " lease_until = NULL, lease_token = NULL"
                " WHERE id > :a AND id <= :b AND last_checked_at IS NULL"
            ),
            {"a": half, "b": due},
        )
    procs.stop("shop")
    # The shop is a different one now: its 429s no longer say anything about this domain.
    redis.Redis.from_url(f"{cfg.redis_base}/{STATE_DB}").flushdb()
    start_shops(procs, cfg.shops, port, cfg.padding, cfg.fault_rate, cfg.real_kinds)
    ratio = real["capacity_checks_per_h"] / max(1, clean["capacity_checks_per_h"])
    return {
        **clean,
        **{f"realistic_{k}": v for k, v in real.items()},
        "realistic_outcomes": outcomes,
        "realistic_share_of_clean": round(ratio, 3),
    }


def capacity(
    engine: Engine,
    procs: Processes,
    cfg: BenchConfig,
    due: int,
    base: int = 0,
    label: str = "capacity",
) -> dict[str, Any]:
    """`due` products due at once: the checks per hour workers sustain while work is there —
    between 5 % and 95 % of `due` checked (start-up, and the drain at the end where only the
    last slow pages are left, are excluded; both phases are measured alike).
    `base`: products already checked before (the count the phase starts from)."""
    sampler = run_stack(engine, procs, cfg, cfg.capacity_s, label, until=base + due)
    timeline = [(t, n - base) for t, n in sampler.peaks.timeline]
    moving = [(t, n) for t, n in timeline if 0.05 * due <= n <= 0.95 * due]
    if len(moving) < 2:
        moving = [(t, n) for t, n in timeline if 0 < n < due] or timeline
    (t0, n0), (t1, n1) = moving[0], moving[-1]
    rate = (n1 - n0) / (t1 - t0) * 3600 if t1 > t0 else 0.0
    return {
        "capacity_checks": timeline[-1][1],
        "capacity_window_s": round(t1 - t0, 1),
        "capacity_checks_per_h": int(rate),
        "redis_peak_mb": round(sampler.peaks.redis_used_bytes / 2**20, 1),
        "worker_rss_total_mb": round(sampler.peaks.worker_rss_bytes / 2**20, 1),
        "worker_rss_max_process_mb": round(sampler.peaks.worker_process_rss_bytes / 2**20, 1),
    }
