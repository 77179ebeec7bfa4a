"""Deals to Telegram and webhooks end to end: real workers, PostgreSQL, Redis, a fake Bot API.

The shop, the Bot API and the webhook receiver are real servers on 127.0.0.1; the worker is a
real Celery process tree, killed with SIGKILL where that is the point.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update

from priceradar.adapters.db.models import Deal, Notification, PriceHistory, Product
from priceradar.adapters.db.tables import destinations, notifications
from priceradar.adapters.http.targets import HostVetter
from priceradar.demo_shop.catalog import in_stock_at, price_at
from priceradar.demo_shop.catalog import product as shop_product
from priceradar.demo_shop.server import RunningShop
from priceradar.domain.messages import MessageFacts, html_problem
from priceradar.services.watches import WatchSpec, add_watch
from tests.integration.test_pipeline import track
from tests.support.fake_telegram import TOKEN, FakeTelegram, Reply
from tests.support.stack import Stack, pool_children, wait_for
from tests.support.webhook import WebhookReceiver

CHAT = "-1001234567890"
LOOPBACK = HostVetter(("127.0.0.1",))  # as the stack's PRICERADAR_ALLOWED_PRIVATE_HOSTS


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def bot_env(tg: FakeTelegram, **extra: str) -> dict[str, str]:
    return {
        "PRICERADAR_TELEGRAM_BOT_TOKEN": TOKEN,
        "PRICERADAR_TELEGRAM_API_BASE_URL": tg.base_url,
        "PRICERADAR_TELEGRAM_BUTTON_TEXT": "Open",
        "PRICERADAR_DEAL_MIN_DISCOUNT_PERCENT": "20",
        **extra,
    }


def in_stock_hostile_id(shop: RunningShop) -> int:
    """A shop product with a title full of markup (ids divisible by 7) that is in stock now."""
    epoch = shop.epoch()
    return next(i for i in range(7, 700, 7) if in_stock_at(i, epoch) and in_stock_at(i, epoch + 1))


def remember(engine: Engine, product_id: int, price: Decimal, currency: str, days: int) -> None:
    """Pretend the product has been checked at `price` for `days` days."""
    at = datetime.now(UTC) - timedelta(days=days)
    with engine.begin() as conn:
        conn.execute(
            insert(PriceHistory).values(product_id=product_id, checked_at=at, price=price,
                                        currency=currency, in_stock=True, kind="first")
        )  # fmt: skip
        conn.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(price=price, currency=currency, in_stock=True, last_checked_at=at,
                    last_history_at=at)
        )  # fmt: skip


def table(engine: Engine, model: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(model.__table__).order_by(model.id)))


def test_deal_alert_reaches_telegram_and_webhook_once(
    make_stack: Callable[..., Stack], shop: RunningShop, tg: FakeTelegram
) -> None:
    # Given a hostile-titled product that cost twice today's price for 40 days, and one that
    # has always cost what it costs today
    stack = make_stack("redis", **bot_env(tg))
    deal_id, flat_id = in_stock_hostile_id(shop), 1
    ids = track(stack, shop, [deal_id, flat_id])
    epoch = shop.epoch()
    for shop_id, factor in ((deal_id, 2), (flat_id, 1)):
        currency = shop_product(shop.cfg, shop_id).currency
        remember(stack.engine, ids[shop_id], price_at(shop_id, epoch) * factor, currency, 40)
    # and a Telegram channel and a JSON webhook, both watching all deals
    with WebhookReceiver() as hook:
        with stack.engine.begin() as conn:
            add_watch(conn, WatchSpec("telegram", CHAT), datetime.now(UTC))
            add_watch(conn, WatchSpec("apprise", hook.url()), datetime.now(UTC), LOOPBACK)
        stack.start_worker(concurrency=2)

        # When two batches check both products at the same time on two pool processes
        batch = sorted(ids.values())
        results = [stack.app.send_task("batch_price_check", args=[batch]) for _ in range(2)]
        summaries = [r.get(timeout=60) for r in results]

        # Then one deal is open, for the discounted product only, and one alert was queued
        assert sum(s["notifications"] for s in summaries) == 2  # one per destination
        wait_for(lambda: tg.to(CHAT) and hook.posts, timeout_s=30, what=f"alerts\n{stack.logs()}")
        time.sleep(2)  # room for a duplicate to show up
        posts = list(hook.posts)
    deals = table(stack.engine, Deal)
    assert [(d.product_id, d.ended_at) for d in deals] == [(ids[deal_id], None)]
    assert deals[0].discount_percent == Decimal(50) and deals[0].lowest_30d is True

    # and Telegram got exactly one message, HTML-safe, with the title escaped
    (message,) = tg.to(CHAT)
    title = shop.truth(deal_id).title
    assert title is not None and "<" in title
    assert html_problem(message.html) is None
    assert title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in message.html
    assert message.payload["reply_markup"]["inline_keyboard"][0][0]["text"] == "Open"
    # and the webhook exactly one JSON post with the title verbatim
    assert len(posts) == 1 and title in posts[0]["message"]
    # and both outbox rows are recorded as sent
    sent = table(stack.engine, Notification)
    assert [(n.kind, n.status, n.attempts) for n in sent] == [("deal", "sent", 1)] * 2


def queue_alerts(engine: Engine, chat: str, titles: list[str]) -> list[int]:
    with engine.begin() as conn:
        dest = conn.execute(
            insert(destinations).values(kind="telegram", target=chat).returning(destinations.c.id)
        ).scalar_one()
        rows = [
            {
                "destination_id": dest,
                "event_key": f"test:{title}",
                "kind": "deal",
                "payload": json.dumps(
                    MessageFacts(
                        "deal", title, "https://shop.example/p/1", "shop.example"
                    ).to_payload()
                ),
            }
            for title in titles
        ]
        return [
            r[0] for r in conn.execute(insert(notifications).returning(notifications.c.id), rows)
        ]


def test_worker_killed_mid_send_sends_no_duplicate(
    make_stack: Callable[..., Stack], tg: FakeTelegram
) -> None:
    # Given two alerts for one channel, and a Bot API that accepts the first but answers late
    stack = make_stack(
        "redis", **bot_env(tg, PRICERADAR_NOTIFY_TIMEOUT_S="5", PRICERADAR_NOTIFY_LEASE_S="15")
    )
    tg.script(CHAT, Reply(delay_s=20))
    first, second = queue_alerts(stack.engine, CHAT, ["first alert", "second alert"])
    worker = stack.start_worker(concurrency=1)

    # When the pool process is SIGKILLed while Telegram holds the first message
    stack.app.send_task("send_notifications")
    wait_for(lambda: tg.to(CHAT), timeout_s=30, interval_s=0.02, what="first send")
    for pid in pool_children(worker.pid):
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)

    # Then, once the lease has run out, the untouched second alert is delivered
    def settled() -> bool:
        return {r.status for r in table(stack.engine, Notification)} == {"unknown", "sent"}

    wait_for(settled, timeout_s=60, what=f"lease expiry and follow-up\n{stack.logs()}")
    time.sleep(1)
    # and the first, whose fate the worker never learned, is not sent a second time
    titles = [r.html for r in tg.to(CHAT)]
    assert sum("first alert" in t for t in titles) == 1
    assert sum("second alert" in t for t in titles) == 1
    rows = {r.id: r for r in table(stack.engine, Notification)}
    assert rows[first].status == "unknown" and "not resent" in rows[first].last_error
    assert rows[second].status == "sent"
    assert "WorkerLostError" in stack.logs() or "SIGKILL" in stack.logs()


def test_fair_delivery_across_chats_with_real_workers(
    make_stack: Callable[..., Stack], tg: FakeTelegram
) -> None:
    # Given, queued first, 5 alerts for a private chat and 3 for a group, then one alert each
    # for 8 other chats; two pool processes sharing the Redis rate limits
    stack = make_stack("redis", **bot_env(tg))
    private = [f"private {i}" for i in range(5)]
    queue_alerts(stack.engine, "8000", private)
    queue_alerts(stack.engine, "-1008100", [f"group {i}" for i in range(3)])
    others = [str(8200 + i) for i in range(8)]
    for chat in others:
        queue_alerts(stack.engine, chat, [f"for {chat}"])
    stack.start_worker(concurrency=2)

    # When two delivery runs start at once
    for _ in range(2):
        stack.app.send_task("send_notifications")

    def all_sent() -> bool:
        return {r.status for r in table(stack.engine, Notification)} == {"sent"}

    wait_for(all_sent, timeout_s=60, what=f"every alert sent\n{stack.logs()}")
    # Then every other chat got its message within 3 s of the first send, not after the queue
    # of the private chat or the group
    first = min(r.at for r in tg.received)
    assert max(tg.to(chat)[0].at for chat in others) - first < 3.0
    # and each chat got its messages once, in order, evenly spaced: a group 3 s apart (20 a
    # minute without bursts), a private chat 1 s apart (granted that far apart; arrival jitters)
    for chat, count, spacing_s in (("8000", 5, 0.8), ("-1008100", 3, 2.7)):
        got = tg.to(chat)
        assert [r.html.split("\n")[1] for r in got] == [
            f"<b>{t}</b>" for t in (private if chat == "8000" else [f"group {i}" for i in range(3)])
        ]
        assert len(got) == count
        assert min(b.at - a.at for a, b in itertools.pairwise(got)) >= spacing_s
