"""deals, watches, destinations and the notifications outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
At = sa.DateTime(timezone=True)
Money = sa.Numeric(14, 4)
UNFINISHED = sa.text("status IN ('pending', 'claimed', 'sending')")


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("product_id", BigId, nullable=False),
        sa.Column("currency", sa.String(3)),
        sa.Column("reference_kind", sa.String(12), nullable=False),
        sa.Column("reference_price", Money, nullable=False),
        sa.Column("deal_price", Money, nullable=False),
        sa.Column("discount_amount", Money, nullable=False),
        sa.Column("discount_percent", Money, nullable=False),
        sa.Column("alert_percent", Money),
        sa.Column("lowest_14d", sa.Boolean()),
        sa.Column("lowest_30d", sa.Boolean()),
        sa.Column("lowest_90d", sa.Boolean()),
        sa.Column("lowest_180d", sa.Boolean()),
        sa.Column("started_at", At, nullable=False),
        sa.Column("updated_at", At, nullable=False),
        sa.Column("ended_at", At),
        sa.Column("end_reason", sa.String(24)),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_deals_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    op.create_index(
        "uq_deals_active_product",
        "deals",
        ["product_id"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
        sqlite_where=sa.text("ended_at IS NULL"),
    )
    op.create_index("ix_deals_product_started", "deals", ["product_id", "started_at"])

    op.create_table(
        "destinations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("disabled_reason", sa.Text()),
        sa.Column("disabled_at", At),
        sa.Column("created_at", At, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destinations")),
    )
    op.create_index("uq_destinations_kind_target", "destinations", ["kind", "target"], unique=True)

    op.create_table(
        "watches",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("destination_id", BigId, nullable=False),
        sa.Column("product_id", BigId),
        sa.Column("min_discount_percent", Money),
        sa.Column("domain", sa.String(255)),
        sa.Column("category", sa.String(120)),
        sa.Column("target_price", Money),
        sa.Column("drop_percent", Money),
        sa.Column("back_in_stock", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("baseline_price", Money),
        sa.Column("created_at", At, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["destinations.id"],
            name=op.f("fk_watches_destination_id_destinations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_watches_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )
    op.create_index("ix_watches_product", "watches", ["product_id"])
    op.create_index("ix_watches_destination", "watches", ["destination_id"])

    op.create_table(
        "notifications",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("destination_id", BigId, nullable=False),
        sa.Column("event_key", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("product_id", BigId),
        sa.Column("deal_id", BigId),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), server_default="pending", nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", At, server_default=sa.func.now(), nullable=False),
        sa.Column("lease_until", At),
        sa.Column("attempt_token", sa.String(32)),
        sa.Column("sending_at", At),
        sa.Column("sent_at", At),
        sa.Column("provider_message_id", sa.String(64)),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", At, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", At, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["destinations.id"],
            name=op.f("fk_notifications_destination_id_destinations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_notifications_product_id_products"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_notifications_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "uq_notifications_destination_event",
        "notifications",
        ["destination_id", "event_key"],
        unique=True,
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["status", "next_attempt_at"],
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("watches")
    op.drop_table("destinations")
    op.drop_table("deals")
