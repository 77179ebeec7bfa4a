"""products: indexes for the web UI's sorted lists; product_search, a trigger-kept copy of
title, URL and domain with a trigram index for the UI's text search

The lists sorted by last check, last change or priority read one page in index order instead
of sorting the catalogue. A check rewrites its product row without HOT (next_check_at is
indexed), so every index on `products` gets an entry per check; the trigram index therefore
lives on `product_search`, whose row triggers rewrite only when a title, URL or domain changes.

On SQLite the table and triggers exist too (one query for both); the trigram index does not.
A later SQLite migration that rebuilds `products` (batch "move and copy") drops its triggers
and must create them again: tests/adapters/test_views.py fails when search goes stale.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. When the
role cannot (or the contrib package is missing), the migration logs a warning and goes on
without the trigram index: search then reads the whole product_search table, as before it
read `products`. docs/production.md has the statements to add it later, and to build the
indexes beforehand with CREATE INDEX CONCURRENTLY on a large catalogue (this migration skips
indexes that exist; a plain build holds back writes to the table while it runs).

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

POSTGRESQL_TRIGGERS = (
    # Inserts: one statement per inserting statement (an import of 1M rows is one INSERT here).
    """CREATE FUNCTION product_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_search (product_id, title, url, domain)
    SELECT id, title, url, domain FROM inserted_products;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER product_search_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS inserted_products
    FOR EACH STATEMENT EXECUTE FUNCTION product_search_insert()""",
    # Updates: a check's update names title but rarely changes it; WHEN filters those out
    # before any function runs.
    """CREATE FUNCTION product_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE product_search SET title = NEW.title, url = NEW.url, domain = NEW.domain
    WHERE product_id = NEW.id;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER product_search_update AFTER UPDATE OF title, url, domain ON products
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.url IS DISTINCT FROM NEW.url
        OR OLD.domain IS DISTINCT FROM NEW.domain)
    EXECUTE FUNCTION product_search_update()""",
)
SQLITE_TRIGGERS = (
    """CREATE TRIGGER product_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search (product_id, title, url, domain)
    VALUES (NEW.id, NEW.title, NEW.url, NEW.domain);
END""",
    """CREATE TRIGGER product_search_update AFTER UPDATE OF title, url, domain ON products
    WHEN OLD.title IS NOT NEW.title OR OLD.url IS NOT NEW.url OR OLD.domain IS NOT NEW.domain
BEGIN
    UPDATE product_search SET title = NEW.title, url = NEW.url, domain = NEW.domain
    WHERE product_id = NEW.id;
END""",
)


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
    op.create_table(
        "product_search",
        sa.Column(
            "product_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("title", sa.Text()),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_search_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_search")),
    )
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute(
        "INSERT INTO product_search (product_id, title, url, domain) "
        "SELECT id, title, url, domain FROM products"
    )
    if not postgresql or not _trigrams(bind):
        return
    op.create_index(
        "ix_product_search_trigrams",
        "product_search",
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
    for name in ("product_search_update", "product_search_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + _on_products())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS product_search_update()")
        op.execute("DROP FUNCTION IF EXISTS product_search_insert()")
    op.drop_table("product_search")
    op.drop_index("ix_products_priority", table_name="products")
    op.drop_index("ix_products_changed", table_name="products")
    op.drop_index("ix_products_checked", table_name="products")


def _on_products() -> str:
    return " ON products" if op.get_bind().dialect.name == "postgresql" else ""
