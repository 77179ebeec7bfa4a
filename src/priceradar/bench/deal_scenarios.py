"""Labelled synthetic price histories for the deal-quality benchmark.

Each scenario is one product's sequence of observed changes (what the checks store) and the
deals a person would call real, each with the discount that is true for it: measured against
the price the product normally sold at before the event. The kinds are the patterns deal
channels are judged by:

- `genuine_drop`: a price held for 1-5 months, then cut 20-50 % for 3-20 days;
  (regular prices move within ±2 % every 2-5 days in every kind but `high_low`,
  `slow_decline` and `noise`, which has ±3 %);
- `fake_discount`: raised 30-80 % and held 3-60 days, then "discounted" back to (about) the
  old price: no deal;
- `sale_after_raise`: the same raise, then a real sale 20-40 % below the *old* price;
- `high_low`: a high price for 7-40 days, a low one (15-40 % below) for 2-7 days, repeated:
  no deal once the pattern has been seen (`scored_from_day`: the first low phases of a
  product nobody tracked before are indistinguishable from a genuine sale);
- `stock_flicker`: a genuine drop during which the product goes out of stock 1-4 times for
  2-36 hours and comes back at the same price: one deal;
- `seasonal_sale`: a year at one price with two sales (20-40 %, 3-14 days, 150 days apart);
- `noise`: the price moves ±3 % every 1-3 days for half a year: no deal;
- `slow_decline`: the price falls 0.2-0.5 % every two days for half a year: no deal.

All but `seasonal_sale` span at most 175 days, so the database path (whose history read
reaches 182 days back from the wall clock) sees the same history as the pure one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal("0.01")
# Real deals in the scenarios are cut by at least 20 % (the default threshold is 15 %), and the
# fake ones move by at most 3 %: the labels are unambiguous at the default threshold.
GENUINE_MIN_DROP = 0.18
JITTER = 0.02


@dataclass(frozen=True, slots=True)
class Change:
    day: float  # days since the product was first checked
    price: Decimal
    in_stock: bool = True


@dataclass(frozen=True, slots=True)
class Event:
    """A real deal: an alert between `start_day` and `end_day` is right, with this discount."""

    start_day: float
    end_day: float
    discount_percent: Decimal


@dataclass(frozen=True, slots=True)
class Scenario:
    kind: str
    index: int
    changes: list[Change]
    events: list[Event] = field(default_factory=list)
    scored_from_day: float = 0.0

    @property
    def span_days(self) -> float:
        return self.changes[-1].day if self.changes else 0.0


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _pct(regular: Decimal, price: Decimal) -> Decimal:
    return ((regular - price) / regular * 100).quantize(CENT)


def jitter(rng: random.Random, price: Decimal, start: float, end: float) -> list[Change]:
    """A regular price as shops show it: moving within ±2 % every 2-5 days."""
    out, day = [], start
    while day < end:
        out.append(Change(day, _money(float(price) * (1 + rng.uniform(-JITTER, JITTER)))))
        day += rng.uniform(2, 5)
    return out


def genuine_drop(rng: random.Random, i: int) -> Scenario:
    base, held = _money(rng.uniform(20, 500)), rng.uniform(30, 150)
    price = _money(float(base) * (1 - rng.uniform(GENUINE_MIN_DROP, 0.5)))
    length = rng.uniform(3, 20)
    changes = [*jitter(rng, base, 0, held), Change(held, price)]
    changes += jitter(rng, base, held + length, held + length + 10)
    return Scenario("genuine_drop", i, changes, [Event(held, held + length, _pct(base, price))])


def _raised(rng: random.Random) -> tuple[Decimal, Decimal, float, float]:
    base = _money(rng.uniform(20, 500))
    high = _money(float(base) * rng.uniform(1.3, 1.8))
    return base, high, 100.0, float(rng.randint(3, 60))


def fake_discount(rng: random.Random, i: int) -> Scenario:
    base, high, before, held = _raised(rng)
    end = before + held
    changes = [*jitter(rng, base, 0, before), *jitter(rng, high, before, end)]
    changes += jitter(rng, base, end, end + 10)
    return Scenario("fake_discount", i, changes)


def sale_after_raise(rng: random.Random, i: int) -> Scenario:
    base, high, before, held = _raised(rng)
    sale = _money(float(base) * (1 - rng.uniform(GENUINE_MIN_DROP, 0.4)))
    end = before + held
    changes = [*jitter(rng, base, 0, before), *jitter(rng, high, before, end)]
    changes += [Change(end, sale), Change(end + 10, sale)]
    return Scenario("sale_after_raise", i, changes, [Event(end, end + 10, _pct(base, sale))])


def high_low(rng: random.Random, i: int) -> Scenario:
    high = _money(rng.uniform(20, 500))
    low = _money(float(high) * (1 - rng.uniform(0.15, 0.4)))
    high_days, low_days = rng.uniform(7, 40), rng.uniform(2, 7)
    changes, day = [], 0.0
    while day < 170:
        changes += [Change(day, high), Change(day + high_days, low)]
        day += high_days + low_days
    changes.append(Change(day, high))
    return Scenario("high_low", i, changes, scored_from_day=60.0)


def stock_flicker(rng: random.Random, i: int) -> Scenario:
    base, held = _money(rng.uniform(20, 500)), rng.uniform(30, 120)
    price = _money(float(base) * (1 - rng.uniform(GENUINE_MIN_DROP, 0.4)))
    length = rng.uniform(10, 20)
    changes, day = [*jitter(rng, base, 0, held), Change(held, price)], held
    for _ in range(rng.randint(1, 4)):
        day += rng.uniform(1, 3)
        away = rng.uniform(2, 36) / 24
        changes += [Change(day, price, in_stock=False), Change(day + away, price)]
        day += away
    end = max(day + 1, held + length)
    changes += jitter(rng, base, end, end + 10)
    return Scenario("stock_flicker", i, changes, [Event(held, end, _pct(base, price))])


def seasonal_sale(rng: random.Random, i: int) -> Scenario:
    base = _money(rng.uniform(20, 500))
    changes, events, day = [], [], 0.0
    for start in (rng.uniform(120, 160), rng.uniform(290, 320)):
        sale = _money(float(base) * (1 - rng.uniform(GENUINE_MIN_DROP, 0.4)))
        length = rng.uniform(3, 14)
        changes += [*jitter(rng, base, day, start), Change(start, sale)]
        events.append(Event(start, start + length, _pct(base, sale)))
        day = start + length
    changes += jitter(rng, base, day, 365)
    return Scenario("seasonal_sale", i, changes, events)


def noise(rng: random.Random, i: int) -> Scenario:
    base = rng.uniform(20, 500)
    changes, day = [], 0.0
    while day < 175:
        changes.append(Change(day, _money(base * (1 + rng.uniform(-0.03, 0.03)))))
        day += rng.uniform(1, 3)
    return Scenario("noise", i, changes)


def slow_decline(rng: random.Random, i: int) -> Scenario:
    price, step = rng.uniform(20, 500), rng.uniform(0.002, 0.005)
    changes, day = [], 0.0
    while day < 175:
        changes.append(Change(day, _money(price)))
        price *= 1 - step
        day += 2
    return Scenario("slow_decline", i, changes)


KINDS: dict[str, Callable[[random.Random, int], Scenario]] = {
    "genuine_drop": genuine_drop,
    "fake_discount": fake_discount,
    "sale_after_raise": sale_after_raise,
    "high_low": high_low,
    "stock_flicker": stock_flicker,
    "seasonal_sale": seasonal_sale,
    "noise": noise,
    "slow_decline": slow_decline,
}


def scenarios(per_kind: int, seed: int = 1) -> list[Scenario]:
    """`per_kind` histories of every kind, the same for the same seed."""
    rng = random.Random(seed)
    return [make(rng, i) for name, make in KINDS.items() for i in range(per_kind)]
