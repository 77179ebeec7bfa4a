"""Beat, exactly once, with the dispatcher in its own lane.

`SingleBeatScheduler` (set as `beat_scheduler`, so `celery beat` and `worker --beat` both use
it) schedules only while it holds the scheduler lock (`adapters/db/leader.py`): a second beat
waits, retrying every `LOCK_RETRY_S`, and takes over within about a second of the first one
dying. The holder re-checks the lock every `LOCK_CHECK_S` and stops scheduling the moment its
database session is gone.

The dispatcher runs here, in the beat process, every `PRICERADAR_DISPATCH_INTERVAL_S`: a tick
never waits in a queue behind check batches, whatever the workers are doing. Each tick also
wakes notification delivery when an outbox row is due or a sender's lease ran out, so delivery
resumes within seconds after workers restart. A failing tick (database or broker down) is
logged and retried at the next one; beat itself never stops for it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from celery.beat import PersistentScheduler

from priceradar.adapters.db.leader import SchedulerLock, scheduler_lock
from priceradar.config import Settings
from priceradar.services.schedule import notifications_due
from priceradar.worker.runtime import get_runtime
from priceradar.worker.tasks import dispatcher_tick

log = logging.getLogger(__name__)

LOCK_RETRY_S = 1.0  # a waiting beat's retry period: the takeover delay after a holder dies
LOCK_CHECK_S = 2.0  # how often the holder confirms its lock session is alive
NOTIFY_WAKE_MIN_S = 10.0  # at most one delivery wake-up per this many seconds


class SingleBeatScheduler(PersistentScheduler):
    """A persistent beat scheduler that runs only while holding the scheduler lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lock: SchedulerLock | None = None
        self._leading = False
        self._waiting_logged = False
        self._checked_at = 0.0
        self._next_dispatch = 0.0
        self._next_notify = 0.0
        super().__init__(*args, **kwargs)

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.conf.priceradar_settings
        return settings

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._lead():
            return LOCK_RETRY_S
        wait = float(super().tick(*args, **kwargs))
        return max(0.05, min(wait, self._dispatch(), LOCK_CHECK_S))

    def close(self) -> None:
        super().close()
        if self._lock is not None and self._leading:
            self._lock.release()
            self._leading = False

    # -- the lock --

    def _lead(self) -> bool:
        now = time.monotonic()
        if self._lock is None:
            self._lock = scheduler_lock(get_runtime(self.settings).engine)
        if self._leading:
            if now - self._checked_at < LOCK_CHECK_S:
                return True
            self._checked_at = now
            if self._lock.still_held():
                return True
            self._leading = False
            log.warning("beat lost the scheduler lock; waiting to take it again")
        try:
            self._leading = self._lock.acquire()
        except Exception as exc:
            log.warning("beat could not reach the database for the scheduler lock: %s", exc)
            return False
        if self._leading:
            log.info("beat took the scheduler lock: this beat schedules")
            self._checked_at = now
            self._next_dispatch = 0.0
            self._waiting_logged = False
        elif not self._waiting_logged:
            log.info("another beat holds the scheduler lock; waiting to take over")
            self._waiting_logged = True
        return self._leading

    # -- the dispatcher lane --

    def _dispatch(self) -> float:
        interval = float(self.settings.dispatch_interval_s)
        now = time.monotonic()
        if now < self._next_dispatch:
            return self._next_dispatch - now
        self._next_dispatch = now + interval
        engine = get_runtime(self.settings).engine
        at = datetime.now(UTC)
        try:
            dispatcher_tick(at)
            if now >= self._next_notify and notifications_due(engine, at):
                self._next_notify = now + NOTIFY_WAKE_MIN_S
                self.app.send_task("schedule_notifications", ignore_result=True)
        except Exception as exc:
            log.warning("dispatcher tick failed, retrying next tick: %s", exc)
        return interval
