"""Measuring a running stack from outside: memory of processes and Redis, database size."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import redis


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (prefork pool processes)."""
    try:
        children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        children = []
    return [pid, *(d for c in children for d in process_tree(c))]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Peaks:
    redis_used_bytes: int = 0
    worker_rss_bytes: int = 0  # all worker processes together
    worker_process_rss_bytes: int = 0  # the largest single process
    samples: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (t, checks done)


class Sampler:
    """Samples Redis memory, worker RSS and progress every `interval_s` in a thread."""

    def __init__(
        self,
        redis_url: str,
        worker_pids: Callable[[], list[int]],
        progress: Callable[[], int],
        interval_s: float = 2.0,
    ) -> None:
        self._redis = redis.Redis.from_url(redis_url)
        self._pids = worker_pids
        self._progress = progress
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peaks = Peaks()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        p = self.peaks
        p.redis_used_bytes = max(p.redis_used_bytes, int(self._redis.info("memory")["used_memory"]))
        sizes = [rss_bytes(pid) for top in self._pids() for pid in process_tree(top)]
        p.worker_rss_bytes = max(p.worker_rss_bytes, sum(sizes))
        p.worker_process_rss_bytes = max(p.worker_process_rss_bytes, max(sizes, default=0))
        p.timeline.append((time.monotonic(), self._progress()))
        p.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.sample()
