"""Deal rules, as pure functions: reference prices, thresholds, start/deepen/end, lowest-in-N.

A deal is a price at least a threshold below a *reference price* taken from the product's own
history. `price_history` holds a row per observed change plus at most one heartbeat a day, so a
plain median over rows would be a median over *observations*: a price that flapped ten times
in an afternoon would outweigh a price held for three weeks. Every window statistic here is
therefore time-weighted: each observation counts for as long as it was the price in effect
(until the next observation, or until the current check), and out-of-stock stretches count for
nothing, because nobody could buy at that price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

# The deal record's "lowest in N days" flags (one column each in `deals`).
LOWEST_IN_DAYS = (14, 30, 90, 180)
PERCENT_STEP = Decimal("0.01")
HUNDRED = Decimal(100)


class ReferenceKind(StrEnum):
    """What a deal's discount is measured against."""

    MEDIAN = "median"  # time-weighted median of the window: "raise, then discount" stays fake
    LOWEST = "lowest"  # lowest price of the prior window: the EU Omnibus rule (Art. 6a)
    PREVIOUS = "previous"  # the price observed just before this one


class DealAction(StrEnum):
    START = "start"
    DEEPEN = "deepen"
    END = "end"


@dataclass(frozen=True, slots=True)
class Observation:
    """One price-history row (or the check being stored now)."""

    at: datetime
    price: Decimal | None
    in_stock: bool | None
    currency: str | None = None

    @property
    def buyable(self) -> bool:
        """A positive price that could be paid: not marked out of stock."""
        return self.price is not None and self.price > 0 and self.in_stock is not False


def category_key(name: str) -> str:
    """Categories match ignoring case and spacing: pages say "Coffee  Machines", config "coffee
    machines"."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class DealRules:
    """How deals are detected. Thresholds are percent off the reference price."""

    reference: ReferenceKind = ReferenceKind.MEDIAN
    window_days: int = 30
    min_discount_percent: Decimal = Decimal(15)
    domain_percent: Mapping[str, Decimal] = field(default_factory=dict)
    category_percent: Mapping[str, Decimal] = field(default_factory=dict)
    # No deal before the product's history spans this long: a week catches most launch-price
    # and first-sale-of-the-season noise without waiting a month for new products.
    min_history_days: float = 7.0
    realert_on_deeper_drop: bool = True
    realert_step_percent: Decimal = Decimal(5)

    def threshold_percent(self, domain: str, category: str | None = None) -> Decimal:
        """The most specific threshold: the product's domain, then its category, then global."""
        for host in host_candidates(domain):
            if host in self.domain_percent:
                return self.domain_percent[host]
        if category is not None:
            wanted = category_key(category)
            for name, percent in self.category_percent.items():
                if category_key(name) == wanted:
                    return percent
        return self.min_discount_percent


@dataclass(frozen=True, slots=True)
class DealFacts:
    """What a deal records when it starts or deepens."""

    currency: str | None
    reference_kind: ReferenceKind
    reference_price: Decimal
    deal_price: Decimal
    discount_amount: Decimal
    discount_percent: Decimal
    lowest: Mapping[int, bool | None]  # days -> flag; None when history is shorter than that


@dataclass(frozen=True, slots=True)
class ActiveDeal:
    """The product's open deal as stored (at most one, enforced by a partial unique index)."""

    id: int
    currency: str | None
    reference_kind: ReferenceKind
    reference_price: Decimal
    deal_price: Decimal
    alert_percent: Decimal | None  # the discount announced last; None if never announced


@dataclass(frozen=True, slots=True)
class DealDecision:
    action: DealAction
    facts: DealFacts | None = None  # START and DEEPEN
    alert: bool = False
    end_reason: str | None = None  # END: out_of_stock | price_rose | currency_changed


def host_candidates(domain: str) -> list[str]:
    """`Shop.example:8080` -> ["shop.example:8080", "shop.example"]; "www." is dropped too."""
    d = domain.strip().lower()
    host = d.rsplit(":", 1)[0] if ":" in d and not d.endswith("]") else d
    out = [d, host, host.removeprefix("www.")]
    return list(dict.fromkeys(out))


def history_days(prior: Sequence[Observation], at: datetime) -> float:
    """How far back the history reaches from `at`, in days (0 without history)."""
    return (at - prior[0].at) / timedelta(days=1) if prior else 0.0


def segments(
    prior: Sequence[Observation], since: datetime, until: datetime
) -> list[tuple[Decimal, float]]:
    """(price, seconds in effect within [since, until)) for each buyable observation."""
    out = []
    for i, obs in enumerate(prior):
        end = prior[i + 1].at if i + 1 < len(prior) else until
        start = max(obs.at, since)
        end = min(end, until)
        if end > start and obs.buyable and obs.price is not None:
            out.append((obs.price, (end - start).total_seconds()))
    return out


def weighted_median(weighted: Sequence[tuple[Decimal, float]]) -> Decimal | None:
    """The lower weighted median: the smallest price held for at least half of the time."""
    total = sum(w for _, w in weighted)
    if total <= 0:
        return None
    running = 0.0
    for price, weight in sorted(weighted):
        running += weight
        if running * 2 >= total:
            return price
    return None  # unreachable: running ends at total


def reference_price(
    kind: ReferenceKind, prior: Sequence[Observation], at: datetime, window_days: int
) -> Decimal | None:
    """The price a discount at `at` is measured against; None when history has none."""
    if kind is ReferenceKind.PREVIOUS:
        for obs in reversed(prior):
            if obs.buyable:
                return obs.price
        return None
    weighted = segments(prior, at - timedelta(days=window_days), at)
    if kind is ReferenceKind.LOWEST:
        return min((p for p, _ in weighted), default=None)
    return weighted_median(weighted)


def lowest_flags(
    price: Decimal, prior: Sequence[Observation], at: datetime, days: Sequence[int] = LOWEST_IN_DAYS
) -> dict[int, bool | None]:
    """For each N: is `price` the lowest of the last N days? None when history is shorter."""
    span = history_days(prior, at)
    flags: dict[int, bool | None] = {}
    for n in days:
        window = segments(prior, at - timedelta(days=n), at)
        flags[n] = None if span < n or not window else all(price <= p for p, _ in window)
    return flags


def facts_for(
    kind: ReferenceKind,
    reference: Decimal,
    current: Observation,
    prior: Sequence[Observation],
) -> DealFacts:
    assert current.price is not None
    amount = reference - current.price
    return DealFacts(
        currency=current.currency,
        reference_kind=kind,
        reference_price=reference,
        deal_price=current.price,
        discount_amount=amount,
        discount_percent=(amount / reference * HUNDRED).quantize(PERCENT_STEP),
        lowest=lowest_flags(current.price, prior, current.at),
    )


def is_deal_price(price: Decimal, reference: Decimal, threshold_percent: Decimal) -> bool:
    """Exact in Decimal: a price exactly at the threshold counts."""
    return reference > 0 and price <= reference * (HUNDRED - threshold_percent) / HUNDRED


def decide_deal(
    current: Observation,
    prior: Sequence[Observation],
    active: ActiveDeal | None,
    rules: DealRules,
    *,
    domain: str,
    category: str | None = None,
) -> DealDecision | None:
    """What the check just stored means for the product's deal; None = nothing changes.

    `prior` is the product's history before `current`, oldest first. An open deal is judged
    against the reference stored when it started, so a long sale cannot end merely because
    its own prices pulled the moving median down.
    """
    threshold = rules.threshold_percent(domain, category)
    same_currency = [o for o in prior if o.currency == current.currency]
    if active is not None:
        return _follow(current, same_currency, active, rules, threshold)
    if not current.buyable or current.price is None or not same_currency:
        return None
    if history_days(same_currency, current.at) < rules.min_history_days:
        return None
    reference = reference_price(rules.reference, same_currency, current.at, rules.window_days)
    if reference is None or not is_deal_price(current.price, reference, threshold):
        return None
    facts = facts_for(rules.reference, reference, current, same_currency)
    return DealDecision(DealAction.START, facts, alert=True)


def _follow(
    current: Observation,
    prior: Sequence[Observation],
    active: ActiveDeal,
    rules: DealRules,
    threshold: Decimal,
) -> DealDecision | None:
    if current.in_stock is False:
        return DealDecision(DealAction.END, end_reason="out_of_stock")
    if current.price is None:
        return None
    if current.currency != active.currency:
        return DealDecision(DealAction.END, end_reason="currency_changed")
    if not is_deal_price(current.price, active.reference_price, threshold):
        return DealDecision(DealAction.END, end_reason="price_rose")
    if current.price >= active.deal_price:
        return None  # still a deal, not a deeper one
    facts = facts_for(active.reference_kind, active.reference_price, current, prior)
    announced = active.alert_percent
    alert = rules.realert_on_deeper_drop and (
        announced is None or facts.discount_percent - announced >= rules.realert_step_percent
    )
    return DealDecision(DealAction.DEEPEN, facts, alert=alert)
