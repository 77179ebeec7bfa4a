"""Service tests run against both databases the product supports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from priceradar.adapters.db.engine import make_engine
from tests.support.factories import sqlite_engine
from tests.support.services import require_postgres
from tests.support.stack import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database: SQLite (the embedded default), then a fresh PostgreSQL one."""
    if request.param == "sqlite":
        with sqlite_engine(tmp_path) as eng:
            yield eng
        return
    require_postgres()
    with postgres_database() as url:
        eng = make_engine(url)
        yield eng
        eng.dispose()
