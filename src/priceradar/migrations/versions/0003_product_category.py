"""products.category: what the page says the product is, for per-category deal thresholds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: a metadata-only change on PostgreSQL, instant at any table size.
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("category", sa.String(120)))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("category")
