"""initial schema: products and price history

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
At = sa.DateTime(timezone=True)
Money = sa.Numeric(14, 4)


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("image_url", sa.Text()),
        sa.Column("currency", sa.String(3)),
        sa.Column("price", Money),
        sa.Column("in_stock", sa.Boolean()),
        sa.Column("status", sa.String(16), server_default="active", nullable=False),
        sa.Column("last_outcome", sa.String(24)),
        sa.Column("last_error", sa.Text()),
        sa.Column("http_status", sa.SmallInteger()),
        sa.Column("check_priority", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("priority_band", sa.SmallInteger(), server_default="4", nullable=False),
        sa.Column("check_interval_s", sa.Integer()),
        sa.Column("watcher_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rating", sa.Float()),
        sa.Column("review_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("volatility_score", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("popularity_score", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("last_checked_at", At),
        sa.Column("next_check_at", At, server_default=sa.func.now(), nullable=False),
        sa.Column("lease_until", At),
        sa.Column("last_history_at", At),
        sa.Column("check_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failure_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("consecutive_failures", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("consecutive_not_found", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("created_at", At, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", At, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("url", name=op.f("uq_products_url")),
    )
    op.create_index("ix_products_domain", "products", ["domain"])
    op.create_index(
        "ix_products_due",
        "products",
        ["priority_band", "next_check_at"],
        postgresql_where=sa.text("status = 'active'"),
        sqlite_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_leased",
        "products",
        ["lease_until"],
        postgresql_where=sa.text("lease_until IS NOT NULL"),
        sqlite_where=sa.text("lease_until IS NOT NULL"),
    )
    op.create_table(
        "price_history",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("product_id", BigId, nullable=False),
        sa.Column("checked_at", At, nullable=False),
        sa.Column("price", Money),
        sa.Column("currency", sa.String(3)),
        sa.Column("in_stock", sa.Boolean()),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_price_history_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_history")),
    )
    op.create_index(
        "ix_price_history_product_checked", "price_history", ["product_id", "checked_at"]
    )
    op.create_index(
        "ix_price_history_checked_at", "price_history", ["checked_at"], postgresql_using="brin"
    )


def downgrade() -> None:
    op.drop_table("price_history")
    op.drop_table("products")
