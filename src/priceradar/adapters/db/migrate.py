"""Running Alembic migrations from code (`priceradar db upgrade`, readiness checks, tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from priceradar.adapters.db.models import POSTGRESQL_ONLY_INDEXES

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def include_object(dialect_name: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database: PostgreSQL-only indexes are left out of
    schema comparisons on the others (autogenerate would otherwise add them to SQLite)."""

    def include(_obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        if type_ == "index" and name in POSTGRESQL_ONLY_INDEXES:
            return dialect_name == "postgresql"
        return True

    return include


SchemaState = Literal["current", "behind", "ahead"]


def schema_state(engine: Engine) -> SchemaState:
    """Where the database stands against this build's migrations.

    "ahead" means a revision this build does not know: a newer build migrated it (a rolling
    upgrade in progress). Migrations are additive across one release, so old code keeps
    working against it; only "behind" (pending migrations) makes this build unable to run.
    """
    scripts = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    )
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    if revision == scripts.get_current_head():
        return "current"
    if revision is None:
        return "behind"
    try:
        scripts.get_revision(revision)
    except CommandError:
        return "ahead"
    return "behind"


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    return schema_state(engine) == "current"
