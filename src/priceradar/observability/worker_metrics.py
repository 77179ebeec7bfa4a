"""Worker-side metrics: task durations, check outcomes and egress route events, served by each
worker on a port.

Prefork pool processes each hold their own counters, so they write them to files in
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode) and the main worker process
serves the merged view on `PRICERADAR_WORKER_METRICS_PORT`. The directory must be per container
and empty at start: file names are process ids. Gauges that the database knows better (backlog,
staleness, products by outcome) are computed at scrape time by the API instead.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_init, worker_process_shutdown
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
# A batch of 100 pages usually takes seconds; the hard time limit is 300 s.
TASK_DURATION = Histogram(
    "priceradar_task_duration_seconds",
    "Wall time of a Celery task, by task name and final state.",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)
CHECKS = Counter(
    "priceradar_worker_checks_total",
    "Product checks finished by workers, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
EGRESS_EVENTS = Counter(
    "priceradar_egress_events_total",
    "Egress route events: 'cooled' (its proxy could not be reached; the route rests for "
    "PRICERADAR_EGRESS_COOLDOWN_S) and 'blocked' (a 403/429 answer through it).",
    ["egress", "event"],
    registry=REGISTRY,
)
_started: dict[str, float] = {}


def egress_event(event: str, egress: str) -> None:
    """The fetcher's `EgressListener`: counts an egress route's event."""
    EGRESS_EVENTS.labels(egress, event).inc()


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(
    task_id: str | None = None,
    task: Any = None,
    retval: Any = None,
    state: str | None = None,
    **_: Any,
) -> None:
    started = _started.pop(task_id or "", None)
    name = getattr(task, "name", "unknown")
    if started is not None:
        TASK_DURATION.labels(name, (state or "unknown").lower()).observe(time.monotonic() - started)
    if isinstance(retval, dict) and isinstance(retval.get("outcomes"), dict):
        for outcome, count in retval["outcomes"].items():
            CHECKS.labels(str(outcome)).inc(int(count))


@worker_init.connect
def _serve(sender: Any = None, **_: Any) -> None:
    settings = getattr(getattr(sender, "app", None), "conf", {}).get("priceradar_settings")
    port = getattr(settings, "worker_metrics_port", None)
    if port is None:
        return
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        log.warning(
            "PROMETHEUS_MULTIPROC_DIR is not set: only the main worker process's metrics "
            "are served (pool processes' counters are lost)"
        )
        registry = REGISTRY
    start_http_server(port, registry=registry)
    log.info("worker metrics on port %s", port)


@worker_process_shutdown.connect
def _process_gone(pid: int | None = None, **_: Any) -> None:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]
