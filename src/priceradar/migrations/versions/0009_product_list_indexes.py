"""products: indexes for the web UI's sorted lists, and a trigram index for its text search

The lists sorted by last check, last change or priority read one page in index order instead
of sorting the catalogue. "Title, URL or domain contains" uses a pg_trgm GIN index on
PostgreSQL; SQLite gets no search index.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. When the
role cannot (or the contrib package is missing), the migration logs a warning and goes on
without the search index: search then reads the whole table, as before. Create the extension
and the index later as a superuser (the statements are in docs/production.md); this migration
skips indexes that already exist, so on a large catalogue they can also be built beforehand
with CREATE INDEX CONCURRENTLY (a plain build locks out product writes while it runs: 36 s for
the trigram index at 1M products on the benchmark machine).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ("title", "url", "domain")
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.create_index(
        "ix_products_checked", "products", ["last_checked_at", "id"], if_not_exists=True
    )
    op.create_index(
        "ix_products_changed", "products", ["last_history_at", "id"], if_not_exists=True
    )
    op.create_index(
        "ix_products_priority", "products", ["check_priority", "id"], if_not_exists=True
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _trigrams(bind):
        return
    op.create_index(
        "ix_products_search",
        "products",
        list(SEARCH_COLUMNS),
        postgresql_using="gin",
        postgresql_ops={c: "gin_trgm_ops" for c in SEARCH_COLUMNS},
        if_not_exists=True,
    )


def _trigrams(bind: sa.Connection) -> bool:
    """True when pg_trgm is installed in this database, creating it if this role may."""
    installed = "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
    if bind.execute(sa.text(installed)).first() is not None:
        return True
    try:
        with bind.begin_nested():  # a failure rolls back to here, not the whole upgrade
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning(
            "pg_trgm is not available (%s): product search will read the whole table; "
            "see docs/production.md to add the search index later",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc,
        )
        return False
    return True


def downgrade() -> None:
    # The extension stays: other schemas may use it, and dropping it needs its owner.
    op.drop_index("ix_products_search", table_name="products", if_exists=True)
    op.drop_index("ix_products_priority", table_name="products")
    op.drop_index("ix_products_changed", table_name="products")
    op.drop_index("ix_products_checked", table_name="products")
