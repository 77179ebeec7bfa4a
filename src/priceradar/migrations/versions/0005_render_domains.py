"""render_domains: which domains are rendered in the browser, detected or set by an operator

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "render_domains",
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("render", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(16), nullable=False),
        sa.Column("evidence_product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_render_domains")),
    )


def downgrade() -> None:
    op.drop_table("render_domains")
