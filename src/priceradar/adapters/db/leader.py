"""The scheduler lock: exactly one beat schedules at a time, on every supported database.

PostgreSQL: a session advisory lock held on a dedicated connection. It is released the moment
that connection ends, so a beat that dies (SIGKILL, machine gone) frees it at once and a waiting
beat takes over on its next try. SQLite (the embedded default, one machine): an exclusive
`flock` on a file next to the database, which the kernel releases when the process dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# pg_advisory_lock key: "priceradar beat" as a stable 63-bit number.
ADVISORY_KEY = 0x7072_6963_6562_6174 & 0x7FFF_FFFF_FFFF_FFFF


class SchedulerLock(Protocol):
    def acquire(self) -> bool:
        """Take the lock if free; True while this process holds it. Never blocks."""
        ...

    def still_held(self) -> bool:
        """Whether the lock is still ours (the PostgreSQL session may have been lost)."""
        ...

    def release(self) -> None: ...


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection kept open for as long as it is held."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        if self._conn is not None:
            return self.still_held()
        conn = self._engine.connect()
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar()
            )
            conn.commit()
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
            return True
        except Exception:
            log.warning("scheduler lock: lost the database session holding it")
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._conn.commit()
        except Exception:
            log.warning("scheduler lock: could not unlock cleanly", exc_info=True)
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never hand a lock-holding session back to the pool
                conn.close()
            except Exception:
                log.debug("scheduler lock: closing a dead connection failed", exc_info=True)


class FileLock:
    """An exclusive `flock` on a file: the embedded default's scheduler lock."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def scheduler_lock(engine: Engine) -> SchedulerLock:
    """The lock that fits this database."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(engine)
    database = url.database or "priceradar.sqlite3"
    return FileLock(Path(database).resolve().with_suffix(".beat.lock"))
