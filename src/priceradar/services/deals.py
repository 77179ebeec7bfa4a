"""Deal detection and watch alerts inside the check's write transaction.

`record_results` has just locked the batch's product rows, updated them and written their
price-history rows; `after_checks` then decides deals from that same history and queues outbox
rows, all before the one commit. So a deal and its alert exist exactly when the price row that
caused them does, and two batches holding the same product serialize on the row lock (the
partial unique index on open deals is the guarantee behind it).

Only checks that wrote a `first` or `change` history row are looked at: a deal can start, end
or deepen, and a watch can fire, only when price or stock changed. Daily heartbeat rows change
nothing, which keeps a batch's history read to the products that moved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from priceradar.adapters.db import deals as db
from priceradar.adapters.db.deals import ProductInfo
from priceradar.domain.check import AppliedCheck
from priceradar.domain.deals import (
    HUNDRED,
    LOWEST_IN_DAYS,
    PERCENT_STEP,
    ActiveDeal,
    DealAction,
    DealRules,
    Observation,
    decide_deal,
    reference_label,
)
from priceradar.domain.messages import MessageFacts
from priceradar.domain.watches import (
    DEAL_EVENTS,
    Alert,
    EventKind,
    ProductChange,
    WatchRule,
    match_watches,
)

SUCCESS_OUTCOMES = ("ok", "out_of_stock")
MOVED_KINDS = ("first", "change")
# One extra day and a bit: heartbeats are daily, so the row in effect at the start of the
# longest window (180 days) is within the read.
LOOKBACK_MARGIN_DAYS = 2


@dataclass(frozen=True, slots=True)
class _Moved:
    product_id: int
    current: Observation
    prior: list[Observation]
    info: ProductInfo


def after_checks(
    conn: Connection,
    applied: Sequence[AppliedCheck],
    now: datetime,
    rules: DealRules,
) -> int:
    """Detect deals and queue alerts for these stored checks; returns new outbox rows.

    Runs in the caller's transaction and never commits. Reads: one history query, one
    products-with-open-deals query, one watches query. Writes: one statement per kind.
    """
    moved_checks = [
        a
        for a in applied
        if a.history is not None
        and a.history.kind in MOVED_KINDS
        and a.update.last_outcome in SUCCESS_OUTCOMES
    ]
    if not moved_checks:
        return 0
    ids = sorted({a.update.id for a in moved_checks})
    days = max(LOWEST_IN_DAYS[-1], rules.window_days, rules.min_history_days)
    history = db.load_history(conn, ids, now - timedelta(days=days + LOOKBACK_MARGIN_DAYS))
    infos, active = db.load_products_and_deals(conn, ids)

    moved: list[_Moved] = []
    for a in moved_checks:
        h = a.history
        assert h is not None
        if a.update.id not in infos:
            continue
        current = Observation(h.checked_at, h.price, h.in_stock, h.currency)
        prior = [o for o in history.get(h.product_id, []) if o.at < current.at]
        moved.append(_Moved(h.product_id, current, prior, infos[h.product_id]))

    changes = _apply_deals(conn, moved, active, rules, now)
    # Quiet deepenings too: a deal-filter watch's minimum may lie within one.
    any_deal = any(c.deal_id is not None for c in changes)
    watches = db.load_watches(conn, ids, deal_watches=any_deal)
    by_product: dict[int | None, list[WatchRule]] = {}
    for w in watches:
        by_product.setdefault(w.product_id, []).append(w)

    rows: list[dict[str, Any]] = []
    baselines = {}
    for change, item in zip(changes, moved, strict=True):
        candidates = by_product.get(change.product_id, []) + by_product.get(None, [])
        outcome = match_watches(change, candidates)
        baselines.update(outcome.baselines)
        watch_by_id = {w.id: w for w in candidates}
        for alert in outcome.alerts:
            facts = alert_facts(alert, change, item.info, watch_by_id[alert.watch_id])
            rows.append(_outbox_row(alert, change, facts, now))
    db.update_baselines(conn, baselines)
    return db.insert_notifications(conn, rows)


def _apply_deals(
    conn: Connection,
    moved: Sequence[_Moved],
    active: Mapping[int, ActiveDeal],
    rules: DealRules,
    now: datetime,
) -> list[ProductChange]:
    """Decide every product's deal, write starts/deepens/ends set-based, return the changes."""
    decisions = []
    for item in moved:
        decision = decide_deal(
            item.current,
            item.prior,
            active.get(item.product_id),
            rules,
            domain=item.info.domain,
            category=item.info.category,
        )
        decisions.append(decision)
    starts = [
        (m.product_id, d.facts)
        for m, d in zip(moved, decisions, strict=True)
        if d is not None and d.action is DealAction.START and d.facts is not None
    ]
    deepens = [
        (active[m.product_id], d.facts, d.alert)
        for m, d in zip(moved, decisions, strict=True)
        if d is not None and d.action is DealAction.DEEPEN and d.facts is not None
    ]
    # END, and START after a pause too long to be the same deal (it closes the paused one).
    ends = [
        (active[m.product_id].id, d.end_reason or "ended")
        for m, d in zip(moved, decisions, strict=True)
        if d is not None
        and m.product_id in active
        and (d.action is DealAction.END or d.end_reason is not None)
    ]
    db.end_deals(conn, ends, now)
    db.deepen_deals(conn, deepens, now)
    new_ids = db.insert_deals(conn, starts, now)

    changes = []
    for item, decision in zip(moved, decisions, strict=True):
        deal_id, event, before = None, None, None
        if decision is not None and decision.action is DealAction.START:
            # Missing id: a concurrent transaction opened this deal first and alerts for it.
            deal_id = new_ids.get(item.product_id)
            event = EventKind.DEAL if deal_id is not None and decision.alert else None
        elif decision is not None and decision.action is DealAction.DEEPEN:
            deal = active[item.product_id]
            deal_id, before = deal.id, deal.discount_percent
            event = EventKind.DEAL_DEEPER if decision.alert else None
        changes.append(
            ProductChange(
                product_id=item.product_id,
                domain=item.info.domain,
                category=item.info.category,
                current=item.current,
                previous=item.prior[-1] if item.prior else None,
                deal_id=deal_id,
                deal=decision.facts if decision is not None else None,
                deal_event=event,
                deal_before_percent=before,
            )
        )
    return changes


def alert_facts(
    alert: Alert, change: ProductChange, info: ProductInfo, watch: WatchRule
) -> MessageFacts:
    """What the message says: deals against their reference, drops against the baseline."""
    now, deal = change.current, change.deal
    old = discount = percent = reference = None
    lowest: dict[int, bool | None] = {}
    if alert.kind in DEAL_EVENTS and deal is not None:
        old, discount, percent = deal.reference_price, deal.discount_amount, deal.discount_percent
        lowest = dict(deal.lowest)
        reference = reference_label(deal.reference_basis)
    elif alert.kind is EventKind.PRICE_DROP:
        old = watch.baseline_price
    elif alert.kind is EventKind.TARGET_PRICE and change.previous is not None:
        old = change.previous.price
    if old is not None and now.price is not None and percent is None:
        if old > now.price:
            discount = old - now.price
            percent = (discount / old * HUNDRED).quantize(PERCENT_STEP)
        else:
            old = None
    return MessageFacts(
        kind=alert.kind.value,
        title=info.title or info.url,
        url=info.url,
        domain=info.domain,
        currency=now.currency,
        price=now.price,
        old_price=old,
        discount_amount=discount,
        discount_percent=percent,
        lowest=lowest,
        image_url=info.image_url,
        reference=reference,
    )


def _outbox_row(
    alert: Alert, change: ProductChange, facts: MessageFacts, now: datetime
) -> dict[str, Any]:
    return {
        "destination_id": alert.destination_id,
        "event_key": alert.event_key,
        "kind": alert.kind.value,
        "product_id": change.product_id,
        "deal_id": change.deal_id if alert.kind in DEAL_EVENTS else None,
        "payload": json.dumps(facts.to_payload(), ensure_ascii=False),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }
