"""products.extraction_method and products.price_high: how the price was read, a variant range

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: metadata-only changes on PostgreSQL, instant at any table size.
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("extraction_method", sa.String(16)))
        batch.add_column(sa.Column("price_high", sa.Numeric(14, 4)))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("price_high")
        batch.drop_column("extraction_method")
