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


SEARCH_INDEX = "ix_product_search_trigrams"
# Indexes that exist on PostgreSQL only: SQLite has no trigram index (a LIKE scan of the
# embedded catalogue is fast enough), and a PostgreSQL role that may not create the pg_trgm
# extension runs without it (migration 0009). Schema comparisons leave them out elsewhere.
POSTGRESQL_ONLY_INDEXES = frozenset({SEARCH_INDEX})


class Product(Base):
    """One tracked product page. `next_check_at` is when it is due; a lease (`lease_until`,
    `lease_token`) marks it in flight without moving it (see domain/schedule.py)."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical URL
    domain: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(120))  # per-category deal thresholds
    currency: Mapped[str | None] = mapped_column(String(3))
    price: Mapped[Decimal | None] = mapped_column(Money)
    price_high: Mapped[Decimal | None] = mapped_column(Money)  # a variant range's highest price
    # json-ld | microdata | meta | embedded-state | rule | visible: how the price was read
    extraction_method: Mapped[str | None] = mapped_column(String(16))
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
    lease_token: Mapped[str | None] = mapped_column(String(32))  # the dispatch holding the lease
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
        # The web UI's sorted product lists read one page in index order (views.py). A check
        # already changes next_check_at (in ix_products_due), so its update is never HOT:
        # each index here costs one more entry per check, measured in BENCHMARKS.md.
        Index("ix_products_checked", "last_checked_at", "id"),
        Index("ix_products_changed", "last_history_at", "id"),
        Index("ix_products_priority", "check_priority", "id"),
    )


class ProductSearch(Base):
    """What "title, URL or domain contains" searches: a copy of those columns kept by triggers
    on `products` (migration 0009). Apart from the hot row because a check rewrites its
    product row without HOT (next_check_at is indexed), so every index on `products` gets an
    entry per check: a trigram index there cost each check ~80 µs (BENCHMARKS.md). This row
    changes only when a title, URL or domain does."""

    __tablename__ = "product_search"

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(255))

    __table_args__ = (
        # ILIKE '%…%' through trigrams (3+ characters). PostgreSQL with pg_trgm only (see
        # POSTGRESQL_ONLY_INDEXES and migration 0009).
        Index(
            SEARCH_INDEX,
            "title",
            "url",
            "domain",
            postgresql_using="gin",
            postgresql_ops={
                "title": "gin_trgm_ops",
                "url": "gin_trgm_ops",
                "domain": "gin_trgm_ops",
            },
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

    __table_args__ = (
        Index("ix_price_history_product_checked", "product_id", "checked_at"),
        # Retention deletes by age. BRIN on PostgreSQL: rows arrive in time order, so a
        # few pages of index cover billions of rows at almost no insert cost.
        Index("ix_price_history_checked_at", "checked_at", postgresql_using="brin"),
    )


# --- deals, watches and notifications ---


class Deal(Base):
    """A price at least a threshold below the product's reference price; open while
    `ended_at IS NULL`. At most one open deal per product, enforced by a partial unique index."""

    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"))
    currency: Mapped[str | None] = mapped_column(String(3))
    # What reference_price is: lowest_30d | lowest_90d | median_90d | median_180d | previous
    # (older rows: median | lowest).
    reference_kind: Mapped[str] = mapped_column(String(12))
    reference_price: Mapped[Decimal] = mapped_column(Money)  # the "original" price
    deal_price: Mapped[Decimal] = mapped_column(Money)  # lowest price seen during the deal
    discount_amount: Mapped[Decimal] = mapped_column(Money)
    # Percentages as exact decimals too (Money is NUMERIC(14,4); 4 places are plenty).
    discount_percent: Mapped[Decimal] = mapped_column(Money)
    alert_percent: Mapped[Decimal | None] = mapped_column(Money)  # discount last announced
    # NULL = not enough history to say.
    lowest_14d: Mapped[bool | None] = mapped_column(Boolean)
    lowest_30d: Mapped[bool | None] = mapped_column(Boolean)
    lowest_90d: Mapped[bool | None] = mapped_column(Boolean)
    lowest_180d: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(24))  # out_of_stock | price_rose | …

    __table_args__ = (
        # The guarantee behind "one active deal per product", also under concurrent checks.
        Index(
            "uq_deals_active_product",
            "product_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
        Index("ix_deals_product_started", "product_id", "started_at"),
    )


class Destination(Base):
    """Where alerts go: a Telegram chat or channel, or an Apprise URL (which may hold secrets).
    Permanent delivery errors disable it and record why."""

    __tablename__ = "destinations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # telegram | apprise
    target: Mapped[str] = mapped_column(Text)  # chat id / @channel, or the Apprise URL
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    __table_args__ = (Index("uq_destinations_kind_target", "kind", "target", unique=True),)


class Watch(Base):
    """A destination's interest: one product (target price, % drop, back in stock, or its
    deals), or, with `product_id` NULL, every deal matching the filter columns."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    destination_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("destinations.id", ondelete="CASCADE")
    )
    product_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE")
    )
    min_discount_percent: Mapped[Decimal | None] = mapped_column(Money)
    domain: Mapped[str | None] = mapped_column(String(255))
    category: Mapped[str | None] = mapped_column(String(120))
    target_price: Mapped[Decimal | None] = mapped_column(Money)
    drop_percent: Mapped[Decimal | None] = mapped_column(Money)
    back_in_stock: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    baseline_price: Mapped[Decimal | None] = mapped_column(Money)  # drop rule's reference
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    __table_args__ = (
        Index("ix_watches_product", "product_id"),
        Index("ix_watches_destination", "destination_id"),
    )


class Notification(Base):
    """The outbox: one row per (event, destination), written in the transaction that caused
    it. pending -> claimed -> sending -> sent | pending (retry) | failed | unknown; see
    services/notify.py and docs/notifications.md."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    destination_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("destinations.id", ondelete="CASCADE")
    )
    event_key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(24))  # deal | deal_deeper | target_price | …
    product_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="SET NULL")
    )
    deal_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("deals.id", ondelete="SET NULL"))
    payload: Mapped[str] = mapped_column(Text)  # MessageFacts as JSON, rendered at send time
    status: Mapped[str] = mapped_column(String(12), server_default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_token: Mapped[str | None] = mapped_column(String(32))
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    __table_args__ = (
        Index("uq_notifications_destination_event", "destination_id", "event_key", unique=True),
        # ON DELETE SET NULL follows these on every product or deal delete: without an index
        # each delete would scan the whole outbox.
        Index("ix_notifications_product", "product_id"),
        Index("ix_notifications_deal", "deal_id"),
        # The claim and reconcile queries: only unfinished rows, oldest due first.
        Index(
            "ix_notifications_due",
            "status",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'claimed', 'sending')"),
            sqlite_where=text("status IN ('pending', 'claimed', 'sending')"),
        ),
    )


class RenderDomain(Base):
    """Whether a domain's pages are rendered in the browser, and who decided it.

    `detected`: a script-shell page without a static price got one in the browser. `operator`:
    set by hand (CLI/API); detection never overrides it, and `render=false` also stops the
    shell re-check for the domain. No row: static fetch, with shell detection.
    """

    __tablename__ = "render_domains"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)  # host[:port]
    render: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(16))  # detected | operator
    evidence_product_id: Mapped[int | None] = mapped_column(BigId)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())


class Heartbeat(Base):
    """The last run of a singleton job (one row per job: `dispatcher`), with a JSON summary."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)
