"""Watches and destinations: create, list, delete (the CLI's and any API's one code path)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from priceradar.adapters.db import watches as db
from priceradar.adapters.db.deals import insert_notifications
from priceradar.adapters.http.targets import HostVetter
from priceradar.adapters.notify.apprise_channel import (
    UNUSABLE_URL,
    describe,
    destination_refusal,
    is_valid_url,
)
from priceradar.domain.messages import MessageFacts

CHANNELS = ("telegram", "apprise")
# A numeric chat id (negative for groups and channels) or a public @channelname.
TELEGRAM_CHAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31}")
# Callers that do not pass their configuration get the strict rule: no private host allowed.
STRICT_HOSTS = HostVetter()


class WatchError(ValueError):
    """The watch cannot be created as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class WatchSpec:
    channel: str  # telegram | apprise
    target: str  # chat id / @channel, or an Apprise URL
    product_id: int | None = None  # None: every deal matching the filters below
    min_discount_percent: Decimal | None = None
    domain: str | None = None
    category: str | None = None
    target_price: Decimal | None = None
    drop_percent: Decimal | None = None
    back_in_stock: bool = False


def check_spec(spec: WatchSpec) -> None:
    """Raise WatchError for a spec that could never fire or never be delivered."""
    if spec.channel not in CHANNELS:
        raise WatchError(f"unknown channel {spec.channel!r} (use {' or '.join(CHANNELS)})")
    if spec.channel == "telegram" and not TELEGRAM_CHAT.fullmatch(spec.target):
        raise WatchError("a Telegram chat is a numeric id (-100… for channels) or @channelname")
    if spec.channel == "apprise" and not is_valid_url(spec.target):
        raise WatchError(UNUSABLE_URL)
    product_rules = (
        spec.target_price is not None or spec.drop_percent is not None or spec.back_in_stock
    )
    if spec.product_id is None and product_rules:
        raise WatchError("--target-price, --drop-percent and --back-in-stock need --product")
    if spec.product_id is not None and (spec.domain or spec.category):
        raise WatchError("--domain and --category filter deal watches, not product watches")
    for name in ("min_discount_percent", "drop_percent"):
        value = getattr(spec, name)
        if value is not None and not 0 < value < 100:
            raise WatchError(f"{name.replace('_', '-')} must be between 0 and 100")
    if spec.target_price is not None and spec.target_price <= 0:
        raise WatchError("target-price must be positive")


def check_destination(spec: WatchSpec, hosts: HostVetter) -> None:
    """Raise WatchError when an Apprise URL names a server alerts may not go to (SSRF)."""
    if spec.channel != "apprise":
        return
    refusal = destination_refusal(spec.target, hosts)
    if refusal is not None:
        raise WatchError(f"Apprise URL refused: {refusal.reason}")


def add_watch(
    conn: Connection, spec: WatchSpec, now: datetime, hosts: HostVetter = STRICT_HOSTS
) -> int:
    """Create the watch (and its destination, re-enabled if it was disabled); returns its id.

    `hosts` vets the servers an Apprise URL names: pass one built from the configuration's
    `allowed_private_hosts`; the default allows none.
    """
    check_spec(spec)
    check_destination(spec, hosts)
    baseline = None
    if spec.product_id is not None:
        found = db.product_price(conn, spec.product_id)
        if found is None:
            raise WatchError(f"no product with id {spec.product_id}")
        # A drop is measured from the price when the watch is created, so the first drop
        # after it counts (without a known price, the first check sets the baseline).
        if spec.drop_percent is not None and found.in_stock is not False and found.price:
            baseline = found.price
    dest_id = db.ensure_destination(conn, spec.channel, spec.target, now)
    # Adding a watch is the operator saying "this destination works now".
    db.enable_destination(conn, dest_id)
    values: dict[str, Any] = {
        "destination_id": dest_id,
        "product_id": spec.product_id,
        "min_discount_percent": spec.min_discount_percent,
        "domain": spec.domain.lower() if spec.domain else None,
        "category": spec.category,
        "target_price": spec.target_price,
        "drop_percent": spec.drop_percent,
        "back_in_stock": spec.back_in_stock,
        "baseline_price": baseline,
        "created_at": now,
    }
    return db.insert_watch(conn, values)


def delete_watch(conn: Connection, watch_id: int) -> bool:
    return db.delete_watch(conn, watch_id)


def enable_destination(conn: Connection, destination_id: int) -> bool:
    return db.enable_destination(conn, destination_id)


@dataclass(frozen=True, slots=True)
class WatchView:
    id: int
    destination_id: int
    destination: str  # "telegram:-100123" or the masked Apprise URL
    enabled: bool
    disabled_reason: str | None
    rule: str


def list_watches(conn: Connection) -> list[WatchView]:
    out = []
    for r in db.watch_rows(conn):
        shown = describe(r.target) if r.kind == "apprise" else r.target
        out.append(
            WatchView(
                r.id, r.destination_id, f"{r.kind}:{shown}", r.enabled, r.disabled_reason, _rule(r)
            )
        )
    return out


def _rule(r: Any) -> str:
    parts = [f"product {r.product_id}" if r.product_id is not None else "all deals"]
    if r.min_discount_percent is not None:
        parts.append(f"discount >= {r.min_discount_percent.normalize():f}%")
    if r.domain:
        parts.append(f"domain {r.domain}")
    if r.category:
        parts.append(f"category {r.category}")
    if r.target_price is not None:
        parts.append(f"price <= {r.target_price.normalize():f}")
    if r.drop_percent is not None:
        parts.append(f"drop >= {r.drop_percent.normalize():f}%")
    if r.back_in_stock:
        parts.append("back in stock")
    return ", ".join(parts)


def list_deals(conn: Connection, active_only: bool = True, limit: int = 50) -> list[Any]:
    """Newest deals first, with the product's title and URL."""
    return db.recent_deals(conn, active_only, limit)


def get_watch(conn: Connection, watch_id: int) -> WatchSpec | None:
    """A stored watch as the spec that would create it (for editing)."""
    row = db.watch_row(conn, watch_id)
    if row is None:
        return None
    return WatchSpec(
        channel=row.kind,
        target=row.target,
        product_id=row.product_id,
        min_discount_percent=row.min_discount_percent,
        domain=row.domain,
        category=row.category,
        target_price=row.target_price,
        drop_percent=row.drop_percent,
        back_in_stock=bool(row.back_in_stock),
    )


def replace_watch(
    conn: Connection,
    watch_id: int,
    spec: WatchSpec,
    now: datetime,
    hosts: HostVetter = STRICT_HOSTS,
) -> int:
    """Edit a watch: it is replaced by one made from `spec` (a new id, judged from now on,
    like a new watch). Everything is checked before the old one is deleted."""
    check_spec(spec)
    check_destination(spec, hosts)
    if spec.product_id is not None and db.product_price(conn, spec.product_id) is None:
        raise WatchError(f"no product with id {spec.product_id}")
    if not delete_watch(conn, watch_id):
        raise WatchError(f"no watch {watch_id}")
    return add_watch(conn, spec, now, hosts)


def queue_test_message(conn: Connection, watch_id: int, link: str, now: datetime) -> bool:
    """Queue a test message to the watch's destination through the outbox (delivered by the
    notification worker like any alert). False when the watch does not exist."""
    dest = db.watch_destination(conn, watch_id)
    if dest is None:
        return False
    facts = MessageFacts(
        kind="test",
        title="priceradar test message: this destination works",
        url=link,
        domain="priceradar",
    )
    insert_notifications(
        conn,
        [
            {
                "destination_id": dest,
                "event_key": f"test:{uuid.uuid4().hex}",
                "kind": "test",
                "payload": json.dumps(facts.to_payload()),
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    return True
