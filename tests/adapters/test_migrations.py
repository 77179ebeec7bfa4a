"""Migrations and models agree, and migrations run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.models import Base
from tests.support.services import require_postgres
from tests.support.stack import postgres_database


def assert_models_match(url: str) -> None:
    engine = make_engine(url)
    try:
        assert migrate.is_current(engine)
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        engine.dispose()


def test_sqlite_migrations_match_models_and_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate.upgrade(url)
    assert_models_match(url)
    migrate.downgrade(url, "base")
    engine = make_engine(url)
    assert not migrate.is_current(engine)
    engine.dispose()
    migrate.upgrade(url)
    assert_models_match(url)


@pytest.mark.postgres
def test_postgres_migrations_match_models_and_downgrade() -> None:
    require_postgres()
    with postgres_database() as url:
        assert_models_match(url)
        migrate.downgrade(url, "base")
        migrate.upgrade(url)
        assert_models_match(url)
