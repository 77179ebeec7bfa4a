"""The scheduler lock: one holder at a time, freed when its holder's session or process ends."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.leader import AdvisoryLock, FileLock, scheduler_lock


def test_one_holder_at_a_time_and_a_released_lock_is_taken(engine: Engine) -> None:
    # Given two schedulers (two beats) on the same database
    other = make_engine(engine.url.render_as_string(hide_password=False))
    first, second = scheduler_lock(engine), scheduler_lock(other)
    try:
        # Then the first takes the lock and the second cannot
        assert first.acquire() and first.still_held()
        assert not second.acquire() and not second.still_held()
        # When the first lets go (its beat stops), the second takes over
        first.release()
        assert second.acquire() and second.still_held()
    finally:
        second.release()
        other.dispose()


def test_a_holder_whose_session_is_killed_loses_the_lock(pg_url: str) -> None:
    engine, other = make_engine(pg_url), make_engine(pg_url)
    first, second = AdvisoryLock(engine), AdvisoryLock(other)
    try:
        assert first.acquire()
        # When the database ends the holder's session (a restart, a network cut); only this
        # test's own database is touched
        with other.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l"
                    " JOIN pg_database d ON d.oid = l.database"
                    " WHERE l.locktype = 'advisory' AND d.datname = current_database()"
                    " AND l.pid <> pg_backend_pid()"
                )
            )
            conn.commit()
        # Then it notices it no longer holds the lock, and another takes it
        assert not first.still_held()
        assert second.acquire()
    finally:
        second.release()
        engine.dispose()
        other.dispose()


def test_the_embedded_lock_is_a_file_lock(tmp_path: Path) -> None:
    lock = scheduler_lock(make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert isinstance(lock, FileLock)
    assert lock.acquire() and lock.acquire()  # re-entrant for its holder
    assert not FileLock(tmp_path / "db.beat.lock").acquire()  # another open file description
    lock.release()
