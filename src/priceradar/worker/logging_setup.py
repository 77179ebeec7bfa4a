"""Worker and beat logging through priceradar's configuration, not Celery's own.

Connecting `setup_logging` tells Celery to leave the root logger to us: one handler, JSON when
PRICERADAR_LOG_JSON is set, the task id on every line a task logs. Imported by `worker.app`, so
`celery -A priceradar.worker worker|beat` picks it up, together with the worker-side metrics.
"""

from __future__ import annotations

from typing import Any

from celery.signals import setup_logging

from priceradar.observability import worker_metrics
from priceradar.observability.logging import configure_logging

__all__ = ["worker_metrics"]  # imported for its signal handlers (task durations, outcomes)


@setup_logging.connect
def _configure(loglevel: int | str | None = None, **_: Any) -> None:
    from priceradar.worker.app import settings  # the worker's settings, read once

    configure_logging(settings, level=loglevel)
