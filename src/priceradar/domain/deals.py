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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

# The deal record's "lowest in N days" flags (one column each in `deals`).
LOWEST_IN_DAYS = (14, 30, 90, 180)
PERCENT_STEP = Decimal("0.01")
HUNDRED = Decimal(100)


class ReferenceKind(StrEnum):
    """What a deal's discount is measured against."""

    # The lowest of: the lowest price held for at least a day in the window (30 days), the
    # lowest held for at least 3 days in 90 days, and the time-weighted medians of 90 and 180
    # days. A price counts only if the product really sold at it for a while: "raise, then
    # discount" stays fake up to ~90 days, high-low pricing (a low phase every few weeks or
    # months) is its own reference, and a one-hour glitch is no reference.
    ESTABLISHED = "established"
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

    reference: ReferenceKind = ReferenceKind.ESTABLISHED
    window_days: int = 30
    min_discount_percent: Decimal = Decimal(15)
    domain_percent: Mapping[str, Decimal] = field(default_factory=dict)
    category_percent: Mapping[str, Decimal] = field(default_factory=dict)
    # No deal before the product's history spans this long: a week catches most launch-price
    # and first-sale-of-the-season noise without waiting a month for new products.
    min_history_days: float = 7.0
    realert_on_deeper_drop: bool = True
    realert_step_percent: Decimal = Decimal(5)
    # An open deal survives an out-of-stock stretch this long (a "flicker"): back at the same
    # price it is the same deal, not a new announcement. Longer, and it is judged afresh.
    pause_max_days: float = 7.0

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
    reference_basis: str  # which price it was measured against: "lowest_30d", "median_90d", …
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
    reference_basis: str  # which price it was measured against: "lowest_30d", "median_90d", …
    reference_price: Decimal
    deal_price: Decimal
    alert_percent: Decimal | None  # the discount announced last; None if never announced

    @property
    def discount_percent(self) -> Decimal:
        """The deal's discount so far (at its lowest price)."""
        if self.reference_price <= 0:
            return Decimal(0)
        amount = self.reference_price - self.deal_price
        return (amount / self.reference_price * HUNDRED).quantize(PERCENT_STEP)


@dataclass(frozen=True, slots=True)
class DealDecision:
    action: DealAction
    facts: DealFacts | None = None  # START and DEEPEN
    alert: bool = False
    # END: out_of_stock | price_rose | currency_changed. On START: end the open deal with this
    # reason first (it was paused longer than `pause_max_days`), then open the new one.
    end_reason: str | None = None


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


def held_lowest(weighted: Sequence[tuple[Decimal, float]], min_hold_s: float) -> Decimal | None:
    """The lowest price the product sold at, or below, for at least `min_hold_s` in total:
    prices held only briefly (a glitch, an hour-long flash price) do not count."""
    running = 0.0
    for price, weight in sorted(weighted):
        running += weight
        if running >= min_hold_s:
            return price
    return None


@dataclass(frozen=True, slots=True)
class Reference:
    price: Decimal
    basis: str  # "lowest_30d", "median_90d", "median_180d", "previous"


# ESTABLISHED: the lowest price held for a day in `window_days`, and these medians.
ESTABLISHED_MEDIAN_DAYS = (90, 180)
MIN_HOLD_S = 86_400.0
# ... and the lowest price held for 3 days in total in 90 days: a low phase that recurs less
# than monthly (high-low pricing on a longer cycle, a sale of a few days last month) is a
# price the product sells at, not a new deal. A one-day flash sale does not count.
LONG_LOWEST_DAYS, LONG_HOLD_S = 90, 3 * 86_400.0


def reference_for(
    kind: ReferenceKind, prior: Sequence[Observation], at: datetime, window_days: int
) -> Reference | None:
    """The price a discount at `at` is measured against, and which one it is."""
    if kind is ReferenceKind.PREVIOUS:
        for obs in reversed(prior):
            if obs.buyable and obs.price is not None:
                return Reference(obs.price, "previous")
        return None

    def window(days: int) -> list[tuple[Decimal, float]]:
        return segments(prior, at - timedelta(days=days), at)

    if kind is ReferenceKind.LOWEST:
        candidates = [(min((p for p, _ in window(window_days)), default=None), "lowest")]
    elif kind is ReferenceKind.MEDIAN:
        candidates = [(weighted_median(window(window_days)), "median")]
    else:
        candidates = [
            (held_lowest(window(window_days), MIN_HOLD_S), "lowest"),
            (held_lowest(window(LONG_LOWEST_DAYS), LONG_HOLD_S), f"lowest_{LONG_LOWEST_DAYS}d"),
        ]
        candidates += [
            (weighted_median(window(n)), f"median_{n}d") for n in ESTABLISHED_MEDIAN_DAYS
        ]
    found = [
        Reference(price, basis if basis.endswith("d") else f"{basis}_{window_days}d")
        for price, basis in candidates
        if price is not None
    ]
    # The lowest wins; on a tie the first (the shortest window) names it.
    return min(found, key=lambda r: r.price) if found else None


def reference_price(
    kind: ReferenceKind, prior: Sequence[Observation], at: datetime, window_days: int
) -> Decimal | None:
    """The reference price alone (see `reference_for`); None when history has none."""
    ref = reference_for(kind, prior, at, window_days)
    return None if ref is None else ref.price


def reference_label(basis: str) -> str:
    """What the message says the discount is measured against."""
    name, _, days = basis.removesuffix("d").partition("_")
    if name == "lowest":
        return f"lowest price in {days} days" if days.isdigit() else "lowest price"
    if name == "median":
        return f"{days}-day median price" if days.isdigit() else "median price"
    return "previous price" if name == "previous" else basis


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
    reference: Reference, current: Observation, prior: Sequence[Observation]
) -> DealFacts:
    assert current.price is not None
    amount = reference.price - current.price
    return DealFacts(
        currency=current.currency,
        reference_basis=reference.basis,
        reference_price=reference.price,
        deal_price=current.price,
        discount_amount=amount,
        discount_percent=(amount / reference.price * HUNDRED).quantize(PERCENT_STEP),
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
    return _start(current, same_currency, rules, threshold)


def _start(
    current: Observation, prior: Sequence[Observation], rules: DealRules, threshold: Decimal
) -> DealDecision | None:
    if not current.buyable or current.price is None or not prior:
        return None
    if history_days(prior, current.at) < rules.min_history_days:
        return None
    reference = reference_for(rules.reference, prior, current.at, rules.window_days)
    if reference is None or not is_deal_price(current.price, reference.price, threshold):
        return None
    return DealDecision(DealAction.START, facts_for(reference, current, prior), alert=True)


def paused_since(prior: Sequence[Observation]) -> datetime | None:
    """When the product went out of stock, if it is out of stock at the end of `prior`."""
    since = None
    for obs in reversed(prior):
        if obs.in_stock is not False:
            break
        since = obs.at
    return since


def _follow(
    current: Observation,
    prior: Sequence[Observation],
    active: ActiveDeal,
    rules: DealRules,
    threshold: Decimal,
) -> DealDecision | None:
    if current.in_stock is False or current.price is None:
        return None  # paused: the deal stays open through a stock flicker
    paused = paused_since(prior)
    if paused is not None and current.at - paused > timedelta(days=rules.pause_max_days):
        # Gone too long to be the same deal: close it and judge the return afresh.
        fresh = _start(current, prior, rules, threshold)
        if fresh is None:
            return DealDecision(DealAction.END, end_reason="out_of_stock")
        return replace(fresh, end_reason="out_of_stock")
    if current.currency != active.currency:
        return DealDecision(DealAction.END, end_reason="currency_changed")
    if not is_deal_price(current.price, active.reference_price, threshold):
        return DealDecision(DealAction.END, end_reason="price_rose")
    if current.price >= active.deal_price:
        return None  # still a deal (maybe back in stock), not a deeper one
    reference = Reference(active.reference_price, active.reference_basis)
    facts = facts_for(reference, current, prior)
    announced = active.alert_percent
    alert = rules.realert_on_deeper_drop and (
        announced is None or facts.discount_percent - announced >= rules.realert_step_percent
    )
    return DealDecision(DealAction.DEEPEN, facts, alert=alert)
