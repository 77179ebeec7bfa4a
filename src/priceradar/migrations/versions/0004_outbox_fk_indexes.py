"""notifications: index product_id and deal_id, which ON DELETE SET NULL follows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_notifications_product", "notifications", ["product_id"])
    op.create_index("ix_notifications_deal", "notifications", ["deal_id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_deal", table_name="notifications")
    op.drop_index("ix_notifications_product", table_name="notifications")
