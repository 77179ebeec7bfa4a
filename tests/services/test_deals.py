"""Deals and alerts written in the check's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from priceradar.adapters.db.models import Deal, Destination, Notification
from priceradar.adapters.db.products import insert_history
from priceradar.adapters.db.tables import history, products
from priceradar.adapters.http.targets import HostVetter
from priceradar.domain.check import CheckPolicy, CheckResult, ProductState, apply_check
from priceradar.domain.deals import DealRules
from priceradar.domain.outcome import OutcomeKind
from priceradar.services import deals as deal_service
from priceradar.services.check import record_results
from priceradar.services.watches import WatchSpec, add_watch
from tests.support.factories import make_products

D = Decimal
RULES = DealRules(min_discount_percent=D(20), min_history_days=7, realert_step_percent=D(5))


def product_with_history(engine: Engine, price: str = "100", days: int = 40) -> int:
    """A product checked at `price` for `days` days (one stored observation, as in life)."""
    (pid,) = make_products(engine, 1, domain="shop.example", start=int(time.time() * 1e6))
    at = datetime.now(UTC) - timedelta(days=days)
    with engine.begin() as conn:
        conn.execute(
            insert(history).values(product_id=pid, checked_at=at, price=D(price),
                                   currency="USD", in_stock=True, kind="first")
        )  # fmt: skip
        conn.execute(
            products.update()
            .where(products.c.id == pid)
            .values(price=D(price), currency="USD", in_stock=True, title="<b>Acme</b> & Sons",
                    last_checked_at=at, last_history_at=at)
        )  # fmt: skip
    return pid


def check(engine: Engine, pid: int, price: str, in_stock: bool = True) -> int:
    """Store one successful check now; returns outbox rows queued in its transaction."""
    result = CheckResult(
        pid,
        datetime.now(UTC),
        OutcomeKind.OK if in_stock else OutcomeKind.OUT_OF_STOCK,
        price=D(price),
        currency="USD",
        in_stock=in_stock,
        title=None,
    )
    with engine.begin() as conn:
        return record_results(conn, [result], CheckPolicy(deal_rules=RULES))[1]


def rows(engine: Engine, model: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(model.__table__).order_by(model.id)))


def test_deal_lifecycle_and_alerts(engine: Engine) -> None:
    # Given a product at 100 for 40 days, a Telegram chat watching all deals, and a webhook
    # watching the same product for back-in-stock only
    pid = product_with_history(engine)
    with engine.begin() as conn:
        now = datetime.now(UTC)
        add_watch(conn, WatchSpec("telegram", "-100777"), now)
        hook = WatchSpec("apprise", "json://127.0.0.1:9/x", pid, back_in_stock=True)
        add_watch(conn, hook, now, HostVetter(("127.0.0.1",)))

    # When the price drops 20%: a deal starts and the chat is told, once
    assert check(engine, pid, "80") == 1
    # When it drops a little more: the deal deepens quietly (less than 5 points deeper)
    assert check(engine, pid, "78") == 0
    # When it drops much more: the deal deepens and alerts again
    assert check(engine, pid, "70") == 1
    # When the price rises back above the threshold: the deal ends
    assert check(engine, pid, "95") == 0
    # When it sells out and comes back: the webhook hears "back in stock"
    assert check(engine, pid, "95", in_stock=False) == 0
    assert check(engine, pid, "95") == 1
    # When it drops again: a new deal, a new alert
    assert check(engine, pid, "75") == 1

    deals = rows(engine, Deal)
    assert [(d.deal_price, d.end_reason, d.ended_at is None) for d in deals] == [
        (D("70"), "price_rose", False),
        (D("75"), None, True),
    ]
    first = deals[0]
    assert (first.reference_price, first.discount_amount, first.discount_percent) == (
        D("100"), D("30"), D("30"))  # fmt: skip
    assert (first.lowest_14d, first.lowest_30d, first.lowest_90d) == (True, True, None)
    sent = rows(engine, Notification)
    assert [n.kind for n in sent] == ["deal", "deal_deeper", "back_in_stock", "deal"]
    assert [n.event_key for n in sent][:2] == [f"deal:{first.id}", f"deal:{first.id}:70.0000"]
    payload = json.loads(sent[0].payload)
    assert payload["title"] == "<b>Acme</b> & Sons"
    assert (D(payload["old_price"]), D(payload["price"])) == (D(100), D(80))
    assert payload["reference"] == "lowest price in 30 days"
    assert all(n.status == "pending" for n in sent)


def test_stock_flicker_pauses_the_deal_and_resumes_it_without_a_new_alert(engine: Engine) -> None:
    # Given a deal at 80 (reference 100) announced to a chat watching all deals
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-100777"), datetime.now(UTC))
    assert check(engine, pid, "80") == 1
    # When the product flickers out of stock and back at the same price, three times
    for _ in range(3):
        assert check(engine, pid, "80", in_stock=False) == 0
        assert check(engine, pid, "80") == 0
    # Then it is one deal, still open, announced once
    deals = rows(engine, Deal)
    assert [(d.deal_price, d.ended_at) for d in deals] == [(D("80"), None)]
    # And when it comes back deeper (26% against the announced 20%), that is announced
    assert check(engine, pid, "80", in_stock=False) == 0
    assert check(engine, pid, "74") == 1
    assert [n.kind for n in rows(engine, Notification)] == ["deal", "deal_deeper"]
    assert len(rows(engine, Deal)) == 1


def test_category_thresholds_work_and_the_docs_say_so(engine: Engine) -> None:
    # Given a product whose page says "Coffee  Machines", and 40% needed for that category
    pid = product_with_history(engine)
    with engine.begin() as conn:
        conn.execute(
            products.update().where(products.c.id == pid).values(category="Coffee  Machines")
        )
        add_watch(conn, WatchSpec("telegram", "-100777"), datetime.now(UTC))
    rules = replace(RULES, category_percent={"coffee machines": D(40)})

    def store(price: str) -> int:
        result = CheckResult(pid, datetime.now(UTC), OutcomeKind.OK, D(price), "USD", True)
        with engine.begin() as conn:
            return record_results(conn, [result], CheckPolicy(deal_rules=rules))[1]

    # When the price drops 30% (a deal by the global 20%), then the category's 40% holds it back
    assert store("70") == 0
    # When it drops 45%, then it is a deal
    assert store("55") == 1
    # And the documentation does not say the opposite
    docs = (Path(__file__).parents[2] / "docs" / "notifications.md").read_text()
    assert "match nothing" not in docs and '"category:<name>"' in docs


def test_redelivered_check_queues_nothing_twice(engine: Engine) -> None:
    # Given a deal-starting result stored once
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-1"), datetime.now(UTC))
    result = CheckResult(pid, datetime.now(UTC), OutcomeKind.OK, D("50"), "USD", True)
    with engine.begin() as conn:
        assert record_results(conn, [result], CheckPolicy(deal_rules=RULES))[1] == 1
    # When the same result is applied again (a redelivered batch), then nothing is added
    with engine.begin() as conn:
        assert record_results(conn, [result], CheckPolicy(deal_rules=RULES))[1] == 0
    assert len(rows(engine, Deal)) == 1 and len(rows(engine, Notification)) == 1


def test_no_deal_without_enough_history(engine: Engine) -> None:
    pid = product_with_history(engine, days=3)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-1"), datetime.now(UTC))
    assert check(engine, pid, "10") == 0
    assert rows(engine, Deal) == []


def test_concurrent_writers_open_one_deal(engine: Engine) -> None:
    # Given two transactions deciding a deal for the same product at the same time, without
    # the row lock `record_results` normally takes: only the unique index stands between them
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-1"), datetime.now(UTC))
    state = ProductState(pid, D(100), "USD", True, "active", 0, None, None,
                         datetime.now(UTC) - timedelta(days=40), 1, 0, 0, 0)  # fmt: skip
    start = threading.Barrier(2)
    queued: list[int] = []

    def writer(offset_s: float) -> None:
        at = datetime.now(UTC) + timedelta(seconds=offset_s)
        applied = apply_check(state, CheckResult(pid, at, OutcomeKind.OK, D(60), "USD", True),
                              CheckPolicy(deal_rules=RULES))  # fmt: skip
        assert applied is not None and applied.history is not None
        start.wait()
        with engine.begin() as conn:
            insert_history(conn, [applied.history])
            queued.append(deal_service.after_checks(conn, [applied], datetime.now(UTC), RULES))
            time.sleep(0.5)  # both have read "no open deal" before either commits

    threads = [threading.Thread(target=writer, args=(i / 1000,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # Then exactly one deal is open and one alert queued
    assert sum(1 for d in rows(engine, Deal) if d.ended_at is None) == 1
    assert sorted(queued) == [0, 1]
    assert len(rows(engine, Notification)) == 1


def watch_alerts(engine: Engine, target: str) -> list[tuple[str, Decimal]]:
    """(kind, discount percent in the message) of the alerts queued for this chat."""
    with engine.connect() as conn:
        found = conn.execute(
            select(Notification.__table__.c.kind, Notification.__table__.c.payload)
            .join(Destination.__table__)
            .where(Destination.__table__.c.target == target)
            .order_by(Notification.__table__.c.id)
        ).all()
    return [(kind, D(json.loads(payload)["discount_percent"])) for kind, payload in found]


def test_drop_watch_is_judged_from_the_price_when_it_was_created(engine: Engine) -> None:
    # Given a product at 100 and a watch for a 10% drop created now
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(
            conn, WatchSpec("telegram", "-100555", pid, drop_percent=D(10)), datetime.now(UTC)
        )
    # When the first check after that finds 89, then the watch fires (11% below 100)
    assert check(engine, pid, "89") == 1
    # And the next drop is measured from the alerted price: 81 is 9% below 89, 80 is 10%
    assert check(engine, pid, "81") == 0
    assert check(engine, pid, "80.10") == 1
    assert [kind for kind, _ in watch_alerts(engine, "-100555")] == ["price_drop"] * 2


def test_min_discount_watch_fires_when_a_deepening_deal_crosses_its_minimum(
    engine: Engine,
) -> None:
    # Given a product at 100, one chat watching all deals and one only deals of 40% or more
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-100001"), datetime.now(UTC))
        add_watch(conn, WatchSpec("telegram", "-100040", min_discount_percent=D(40)),
                  datetime.now(UTC))  # fmt: skip
    # When a deal deepens from 20% to 44% in 3-point steps (each too small to announce alone)
    for price in ("80", "77", "74", "71", "68", "65", "62", "59", "56"):
        check(engine, pid, price)
    # Then the chat of all deals hears the start and every 5-point deepening
    assert watch_alerts(engine, "-100001") == [
        ("deal", D(20)), ("deal_deeper", D(26)), ("deal_deeper", D(32)), ("deal_deeper", D(38)),
        ("deal_deeper", D(44)),
    ]  # fmt: skip
    # and the 40% chat hears the deal when it crossed 40%, then the announced deepening
    assert watch_alerts(engine, "-100040") == [("deal_deeper", D(41)), ("deal_deeper", D(44))]


def test_history_read_returns_change_points_only(engine: Engine) -> None:
    # Given 100 days of daily heartbeats at 100, a change to 90, a day out of stock, 90 again
    pid = product_with_history(engine, days=100)
    start = datetime.now(UTC) - timedelta(days=100)
    rows = [(d, "100", True) for d in range(1, 50)] + [(50, "90", True), (51, "90", True)]
    rows += [(60, "90", False), (61, "90", True), *((d, "90", True) for d in range(62, 99))]
    with engine.begin() as conn:
        conn.execute(
            insert(history),
            [{"product_id": pid, "checked_at": start + timedelta(days=d), "price": D(p),
              "currency": "USD", "in_stock": s, "kind": "heartbeat"} for d, p, s in rows],
        )  # fmt: skip
        got = deal_service.db.load_history(conn, [pid], start - timedelta(days=1))[pid]
    # When the deal rules read it back, then only the rows that changed something come back
    assert [(round((o.at - start) / timedelta(days=1)), str(o.price), o.in_stock) for o in got] == [
        (0, "100.0000", True), (50, "90.0000", True), (60, "90.0000", False), (61, "90.0000", True)
    ]  # fmt: skip


def test_a_deal_out_of_stock_too_long_is_closed_and_a_new_one_announced(engine: Engine) -> None:
    # Given a deal at 80 that sold out half a day after it started
    pid = product_with_history(engine)
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("telegram", "-100777"), datetime.now(UTC))
    start = datetime.now(UTC)

    def store(days: float, in_stock: bool) -> int:
        kind = OutcomeKind.OK if in_stock else OutcomeKind.OUT_OF_STOCK
        result = CheckResult(pid, start + timedelta(days=days), kind, D(80), "USD", in_stock)
        with engine.begin() as conn:
            return record_results(conn, [result], CheckPolicy(deal_rules=RULES))[1]

    assert store(0, True) == 1
    assert store(0.5, False) == 0
    # When it comes back at 80 nine days later (longer than a flicker)
    assert store(9, True) == 1
    # Then the old deal is closed as out of stock and a new one is open, announced once
    deals = rows(engine, Deal)
    assert [(d.end_reason, d.ended_at is None) for d in deals] == [("out_of_stock", False),
                                                                   (None, True)]  # fmt: skip
    assert [n.event_key for n in rows(engine, Notification)] == [f"deal:{d.id}" for d in deals]
