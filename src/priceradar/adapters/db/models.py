"""The schema. The hot `products` row stays narrow: it is read and written on every check."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from priceradar.adapters.db.types import Money, UTCDateTime

# Stable constraint names so Alembic migrations read the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Product(Base):
    """One tracked product page. `next_check_at` is the schedule; a lease pushes it forward."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical URL
    domain: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    price: Mapped[Decimal | None] = mapped_column(Money)
    in_stock: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), server_default="active")  # active|inactive
    last_outcome: Mapped[str | None] = mapped_column(String(24))
    last_error: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(SmallInteger)

    check_priority: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # 0 = most urgent band (priority >= 80) … 4 = least; the dispatcher walks bands in order.
    priority_band: Mapped[int] = mapped_column(SmallInteger, server_default="4")
    check_interval_s: Mapped[int | None] = mapped_column(Integer)  # per-product override
    # Priority signals (0-100 scores are recomputed set-based by update_product_priorities).
    watcher_count: Mapped[int] = mapped_column(Integer, server_default="0")
    rating: Mapped[float | None] = mapped_column(Float)  # 0-5, from the page when it says
    review_count: Mapped[int] = mapped_column(Integer, server_default="0")
    volatility_score: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    popularity_score: Mapped[int] = mapped_column(SmallInteger, server_default="0")

    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_history_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    check_count: Mapped[int] = mapped_column(Integer, server_default="0")
    failure_count: Mapped[int] = mapped_column(Integer, server_default="0")
    consecutive_failures: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    consecutive_not_found: Mapped[int] = mapped_column(SmallInteger, server_default="0")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    __table_args__ = (
        # The dispatcher's only query: due active products, band by band, most overdue first.
        Index(
            "ix_products_due",
            "priority_band",
            "next_check_at",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
        Index("ix_products_domain", "domain"),
        # In-flight count for dispatcher backpressure; completed checks clear the lease.
        Index(
            "ix_products_leased",
            "lease_until",
            postgresql_where=text("lease_until IS NOT NULL"),
            sqlite_where=text("lease_until IS NOT NULL"),
        ),
    )


class PriceHistory(Base):
    """A product's observed state, written on change plus at most one heartbeat row a day."""

    __tablename__ = "price_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), index=False
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    price: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    in_stock: Mapped[bool | None] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(12))  # first | change | heartbeat

    __table_args__ = (Index("ix_price_history_product_checked", "product_id", "checked_at"),)
