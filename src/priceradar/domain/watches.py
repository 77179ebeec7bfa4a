"""Watch rules, as pure functions: which destinations a stored check alerts, and why.

A watch ties a destination to one product (target price, percent drop, back in stock, or, with
none of those, that product's deals) or to every deal matching a filter (minimum discount,
domain, category). One check sends a destination at most one message: when several rules
fire, the most significant event wins, and its key makes the outbox row unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from priceradar.domain.deals import (
    HUNDRED,
    DealFacts,
    Observation,
    category_key,
    host_candidates,
)


class EventKind(StrEnum):
    DEAL = "deal"
    DEAL_DEEPER = "deal_deeper"
    TARGET_PRICE = "target_price"
    PRICE_DROP = "price_drop"
    BACK_IN_STOCK = "back_in_stock"


# Most significant first: the one a destination hears about when several fire at once.
SIGNIFICANCE: tuple[EventKind, ...] = tuple(EventKind)
DEAL_EVENTS = frozenset({EventKind.DEAL, EventKind.DEAL_DEEPER})
KEY_PRICE_STEP = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class WatchRule:
    """A stored watch. `product_id=None` means "all deals matching the filter"."""

    id: int
    destination_id: int
    product_id: int | None = None
    min_discount_percent: Decimal | None = None
    domain: str | None = None
    category: str | None = None
    target_price: Decimal | None = None
    drop_percent: Decimal | None = None
    back_in_stock: bool = False
    baseline_price: Decimal | None = None  # drop rule: price at creation or at the last alert

    @property
    def has_product_rules(self) -> bool:
        return self.target_price is not None or self.drop_percent is not None or self.back_in_stock


@dataclass(frozen=True, slots=True)
class ProductChange:
    """What one stored check changed, as watch rules see it."""

    product_id: int
    domain: str
    current: Observation
    previous: Observation | None  # the last observation before this one
    category: str | None = None
    deal_id: int | None = None
    deal: DealFacts | None = None
    deal_event: EventKind | None = None  # DEAL or DEAL_DEEPER when the deal decision alerts
    # A deepened deal's discount before this check (announced or not): a watch whose minimum
    # lies between the two hears about it even when the deepening was too small to announce.
    deal_before_percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    destination_id: int
    watch_id: int
    kind: EventKind
    event_key: str  # unique per (event, destination) in the outbox


@dataclass(frozen=True, slots=True)
class WatchOutcome:
    alerts: list[Alert] = field(default_factory=list)
    baselines: dict[int, Decimal] = field(default_factory=dict)  # watch id -> new baseline


def event_key(kind: EventKind, change: ProductChange) -> str:
    """Stable across redelivery: a deal's alerts by deal id, others by the check's time."""
    if kind is EventKind.DEAL:
        return f"deal:{change.deal_id}"
    if kind is EventKind.DEAL_DEEPER and change.deal is not None:
        # Quantized like the stored Money column: "70", "70.00" and "70.0000" are one event.
        return f"deal:{change.deal_id}:{change.deal.deal_price.quantize(KEY_PRICE_STEP)}"
    return f"{kind.value}:{change.product_id}:{change.current.at:%Y%m%dT%H%M%S%f}"


def domain_matches(wanted: str, domain: str) -> bool:
    """`example.com` matches example.com, www.example.com:8080 and shop.example.com."""
    want = host_candidates(wanted)[-1]
    return any(h == want or h.endswith("." + want) for h in host_candidates(domain))


def _deal_event(watch: WatchRule, change: ProductChange) -> EventKind | None:
    """The deal event this watch hears: every announced one, or with a minimum, the first one
    at or past it (a deal that deepens in small steps crosses it without an announcement)."""
    deal, minimum = change.deal, watch.min_discount_percent
    if deal is None or change.deal_id is None:
        return None
    if minimum is None:
        return change.deal_event
    if deal.discount_percent < minimum:
        return None
    before = change.deal_before_percent
    if before is not None and before < minimum:
        return EventKind.DEAL_DEEPER
    return change.deal_event


def _fired(watch: WatchRule, change: ProductChange) -> list[EventKind]:
    """Events this watch fires for this change (before the one-per-destination cut)."""
    if watch.product_id is None:
        if watch.domain is not None and not domain_matches(watch.domain, change.domain):
            return []
        if watch.category is not None and (
            change.category is None or category_key(watch.category) != category_key(change.category)
        ):
            return []
        event = _deal_event(watch, change)
        return [event] if event else []
    if watch.product_id != change.product_id:
        return []
    if not watch.has_product_rules:
        event = _deal_event(watch, change)
        return [event] if event else []
    now, before = change.current, change.previous
    fired = []
    target = watch.target_price
    if target is not None and _at_most(now, target) and not _at_most(before, target):
        fired.append(EventKind.TARGET_PRICE)
    if _dropped(watch, now):
        fired.append(EventKind.PRICE_DROP)
    if watch.back_in_stock and now.buyable and before is not None and before.in_stock is False:
        fired.append(EventKind.BACK_IN_STOCK)
    return fired


def _at_most(obs: Observation | None, target: Decimal) -> bool:
    return obs is not None and obs.buyable and obs.price is not None and obs.price <= target


def _dropped(watch: WatchRule, now: Observation) -> bool:
    base, percent = watch.baseline_price, watch.drop_percent
    if percent is None or base is None or not now.buyable or now.price is None:
        return False
    return now.price <= base * (HUNDRED - percent) / HUNDRED


def match_watches(change: ProductChange, watches: Sequence[WatchRule]) -> WatchOutcome:
    """Alerts for this change (one per destination, most significant) and baseline updates."""
    best: dict[int, Alert] = {}
    baselines: dict[int, Decimal] = {}
    rank = {kind: i for i, kind in enumerate(SIGNIFICANCE)}
    for watch in watches:
        fired = _fired(watch, change)
        price = change.current.price
        # A drop is measured from the price when watching began, then from the last alert.
        rebase = watch.baseline_price is None or EventKind.PRICE_DROP in fired
        if watch.drop_percent is not None and change.current.buyable and price and rebase:
            baselines[watch.id] = price
        if not fired:
            continue
        kind = min(fired, key=rank.__getitem__)
        held = best.get(watch.destination_id)
        if held is None or rank[kind] < rank[held.kind]:
            best[watch.destination_id] = Alert(
                watch.destination_id, watch.id, kind, event_key(kind, change)
            )
    return WatchOutcome(sorted(best.values(), key=lambda a: a.destination_id), baselines)
