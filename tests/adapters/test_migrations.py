"""Migrations and models agree, and migrations run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, make_url, text

from priceradar.adapters.db import migrate, views
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.models import Base
from tests.support.services import PG_ADMIN_URL, require_postgres
from tests.support.stack import postgres_database


def assert_models_match(url: str) -> None:
    engine = make_engine(url)
    try:
        assert migrate.is_current(engine)
        with engine.connect() as conn:
            opts = {
                "compare_type": True,
                "include_object": migrate.include_object(conn.dialect.name),
            }
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
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


@pytest.mark.postgres
def test_postgres_upgrade_without_the_right_to_create_pg_trgm_goes_on_without_search_index() -> (
    None
):
    require_postgres()
    # Given a role that owns its tables but may not create extensions in its database
    role = f"priceradar_noext_{uuid.uuid4().hex[:8]}"
    name = f"priceradar_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin_db = create_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    with admin_db.begin() as conn:
        conn.execute(text(f'GRANT CREATE ON SCHEMA public TO "{role}"'))
    admin_db.dispose()
    url = make_url(PG_ADMIN_URL).set(username=role, password=None, database=name)
    try:
        # When it runs the migrations
        migrate.upgrade(url.render_as_string(hide_password=False))
        engine = make_engine(url)
        with engine.connect() as conn:
            indexes = set(
                conn.execute(
                    text(
                        "SELECT indexname FROM pg_indexes"
                        " WHERE tablename IN ('products', 'product_search')"
                    )
                ).scalars()
            )
            # Then the schema is current, with the sort indexes and without the trigram index
            assert migrate.is_current(engine)
            assert {"ix_products_checked", "ix_products_changed", "ix_products_priority"} <= indexes
            assert "ix_product_search_trigrams" not in indexes
            # And search still answers, by reading the table
            rows, _ = views.search_products(conn, views.ProductQuery(q="x"), None, 10)
            assert rows == []
        engine.dispose()
        migrate.downgrade(url.render_as_string(hide_password=False), "base")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
