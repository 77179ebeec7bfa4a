"""A liveness file the worker's consumer loop touches: a probe reads its age, nothing else.

The timer runs in the consumer's event loop, so a worker whose loop is stuck (or whose broker
connection loop died) stops touching the file and the orchestrator restarts it. Costs one
`utime` every interval instead of a `celery inspect ping` process per probe.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)


def touch(path: Path) -> None:
    try:
        path.touch()
    except OSError:
        log.warning("cannot touch the heartbeat file %s", path, exc_info=True)


class HeartbeatFile(bootsteps.StartStopStep):  # type: ignore[misc]
    """Consumer bootstep: touch `worker_heartbeat_file` every `worker_heartbeat_interval_s`."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        settings = parent.app.conf.priceradar_settings
        self.path: Path | None = settings.worker_heartbeat_file
        self.interval_s: float = settings.worker_heartbeat_interval_s
        self.timer_ref: Any = None

    def start(self, parent: Any) -> None:
        if self.path is None:
            return
        touch(self.path)
        self.timer_ref = parent.timer.call_repeatedly(self.interval_s, touch, (self.path,))

    def stop(self, parent: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
