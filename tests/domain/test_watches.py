"""Watch rules: deal filters, target price, percent drop, back in stock, one alert per chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from priceradar.domain.deals import DealFacts, Observation
from priceradar.domain.watches import (
    EventKind,
    ProductChange,
    WatchRule,
    domain_matches,
    event_key,
    match_watches,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
D = Decimal


def seen(price: str | None, in_stock: bool = True, hours_ago: float = 0) -> Observation:
    return Observation(NOW - timedelta(hours=hours_ago), D(price) if price else None, in_stock)


def deal(percent: str = "30") -> DealFacts:
    return DealFacts("USD", "median_30d", D(100), D(100) - D(percent), D(percent),
                     D(percent), {14: True})  # fmt: skip


def change(
    price: str = "70",
    before: str | None = "100",
    in_stock: bool = True,
    was_in_stock: bool = True,
    event: EventKind | None = EventKind.DEAL,
    percent: str = "30",
    domain: str = "www.shop.example:8080",
    category: str | None = "books",
) -> ProductChange:
    return ProductChange(
        product_id=1,
        domain=domain,
        category=category,
        current=seen(price, in_stock),
        previous=seen(before, was_in_stock, hours_ago=2) if before else None,
        deal_id=9 if event else None,
        deal=deal(percent) if event else None,
        deal_event=event,
    )


def w(watch_id: int = 1, dest: int = 1, **kw: object) -> WatchRule:
    return WatchRule(id=watch_id, destination_id=dest, **kw)  # type: ignore[arg-type]


def kinds(c: ProductChange, *watches: WatchRule) -> list[str]:
    return [a.kind.value for a in match_watches(c, watches).alerts]


@pytest.mark.parametrize(
    ("label", "watch", "the_change", "expected"),
    [
        ("deal watch, any deal", w(), change(), ["deal"]),
        ("deal watch, no deal", w(), change(event=None), []),
        ("deal watch, deeper drop", w(), change(event=EventKind.DEAL_DEEPER), ["deal_deeper"]),
        ("min discount met", w(min_discount_percent=D(30)), change(), ["deal"]),
        ("min discount missed", w(min_discount_percent=D(31)), change(), []),
        ("domain matches www and port", w(domain="shop.example"), change(), ["deal"]),
        ("subdomain matches", w(domain="example"), change(domain="shop.example"), ["deal"]),
        ("other domain", w(domain="other.example"), change(), []),
        ("category matches", w(category="books"), change(), ["deal"]),
        ("other category", w(category="toys"), change(), []),
        ("unknown category", w(category="books"), change(category=None), []),
        ("product watch, no rules: its deals", w(product_id=1), change(), ["deal"]),
        ("another product's watch", w(product_id=2), change(), []),
        ("target reached", w(product_id=1, target_price=D(75)), change(event=None),
         ["target_price"]),
        ("target reached exactly", w(product_id=1, target_price=D(70)), change(event=None),
         ["target_price"]),
        ("target already met before", w(product_id=1, target_price=D(75)),
         change(before="74", event=None), []),
        ("target not reached", w(product_id=1, target_price=D(69)), change(event=None), []),
        ("target met on the first check", w(product_id=1, target_price=D(75)),
         change(before=None, event=None), ["target_price"]),
        ("target but out of stock", w(product_id=1, target_price=D(75)),
         change(in_stock=False, event=None), []),
        ("drop from baseline", w(product_id=1, drop_percent=D(30), baseline_price=D(100)),
         change(event=None), ["price_drop"]),
        ("drop too small", w(product_id=1, drop_percent=D(31), baseline_price=D(100)),
         change(event=None), []),
        ("drop without baseline", w(product_id=1, drop_percent=D(10)), change(event=None), []),
        ("back in stock", w(product_id=1, back_in_stock=True),
         change(price="100", was_in_stock=False, event=None), ["back_in_stock"]),
        ("still in stock", w(product_id=1, back_in_stock=True), change(event=None), []),
        ("rules silence deal alerts", w(product_id=1, back_in_stock=True), change(), []),
    ],
)  # fmt: skip
def test_watch_rule_table(
    label: str, watch: WatchRule, the_change: ProductChange, expected: list[str]
) -> None:
    # Given one watch, when a check stores this change, then these alerts are queued
    assert kinds(the_change, watch) == expected, label


def test_one_alert_per_destination_the_most_significant() -> None:
    # Given a chat watching all deals and, separately, this product's target price
    watches = [w(1, dest=5), w(2, dest=5, product_id=1, target_price=D(80)), w(3, dest=6)]
    # When one check is both a deal and reaches the target
    out = match_watches(change(), watches)
    # Then each destination gets one alert: the deal
    assert [(a.destination_id, a.kind, a.watch_id) for a in out.alerts] == [
        (5, EventKind.DEAL, 1),
        (6, EventKind.DEAL, 3),
    ]
    assert {a.event_key for a in out.alerts} == {"deal:9"}


def test_drop_baseline_is_set_then_moves_on_alert() -> None:
    # Given a drop watch with no baseline yet, when the first price arrives, then it becomes
    # the baseline without an alert
    first = match_watches(change(event=None), [w(product_id=1, drop_percent=D(10))])
    assert first.alerts == [] and first.baselines == {1: D(70)}
    # When a later price is 10% lower, then it alerts and the baseline moves down
    watch = w(product_id=1, drop_percent=D(10), baseline_price=D(70))
    later = match_watches(change(price="63", event=None), [watch])
    assert [a.kind for a in later.alerts] == [EventKind.PRICE_DROP]
    assert later.baselines == {1: D(63)}
    # When the price only rises, then neither alert nor baseline change
    assert match_watches(change(price="90", event=None), [watch]).baselines == {}


def test_event_keys_are_stable_and_distinct() -> None:
    c = change()
    assert event_key(EventKind.DEAL, c) == "deal:9"
    assert event_key(EventKind.DEAL_DEEPER, c) == "deal:9:70.0000"
    assert event_key(EventKind.BACK_IN_STOCK, c) == "back_in_stock:1:20261121T120000000000"


@pytest.mark.parametrize(
    ("wanted", "domain", "expected"),
    [
        ("shop.example", "shop.example", True),
        ("www.shop.example", "shop.example:443", True),
        ("example", "shop.example", True),
        ("hop.example", "shop.example", False),
        ("shop.example", "other.example", False),
    ],
)
def test_domain_matches(wanted: str, domain: str, expected: bool) -> None:
    assert domain_matches(wanted, domain) is expected


@pytest.mark.parametrize("unread", [True, None], ids=["stored-in-stock", "stored-unknown"])
def test_an_unread_stock_alerts_as_in_stock_whatever_the_check_stores(unread: bool | None) -> None:
    """Why `classify` keeps storing a stock the page did not state as in stock
    (tests/domain/test_check.py): a product read sold out on one check and unread on the next
    fires back-in-stock whether the check stores True or None, because an unknown stock is
    buyable (`Observation.buyable`). Storing None alone would not stop that alert; reading the
    sold-out page (domain/extraction/stock.py) does."""
    after_sold_out = ProductChange(
        product_id=1,
        domain="shop.example",
        category=None,
        current=Observation(NOW, D("100"), unread),
        previous=seen("100", in_stock=False, hours_ago=2),
    )

    assert kinds(after_sold_out, w(product_id=1, back_in_stock=True)) == ["back_in_stock"]
