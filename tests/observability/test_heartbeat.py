"""The worker's liveness file: touched by a real worker's consumer loop, not by a side thread."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

from tests.support.stack import Stack, wait_for


def test_a_running_worker_keeps_touching_its_heartbeat_file(
    make_stack: Callable[..., Stack],
) -> None:
    # Given a worker told to touch a heartbeat file every 0.3 s
    stack = make_stack("redis")
    heartbeat = stack.data_dir / "worker.heartbeat"
    stack.env["PRICERADAR_WORKER_HEARTBEAT_FILE"] = str(heartbeat)
    stack.env["PRICERADAR_WORKER_HEARTBEAT_INTERVAL_S"] = "0.3"
    worker = stack.start_worker(concurrency=1)

    # Then the file exists and its age stays below a few intervals
    wait_for(heartbeat.exists, timeout_s=30, what="heartbeat file")
    first = heartbeat.stat().st_mtime
    wait_for(lambda: heartbeat.stat().st_mtime > first + 0.5, timeout_s=10, what="touches")

    # When the worker's main process is frozen, the file ages (a liveness probe would fail)
    os.kill(worker.pid, signal.SIGSTOP)
    try:
        frozen = heartbeat.stat().st_mtime
        time.sleep(1.5)
        assert heartbeat.stat().st_mtime == frozen
    finally:
        os.kill(worker.pid, signal.SIGCONT)
