"""products.lease_token: a lease names its dispatch; a lease no longer moves next_check_at

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: a metadata-only change on PostgreSQL, instant at any table size.
    # Leases taken before this revision carry no token; their batches are checked as before
    # (a batch without a token is unconditional) and the rows stay due at their lease expiry.
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("lease_token")
