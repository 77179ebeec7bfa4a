"""Deal rules: reference prices, thresholds, minimum history, start/deepen/end, lowest-in-N."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from priceradar.domain.deals import (
    ActiveDeal,
    DealAction,
    DealDecision,
    DealRules,
    Observation,
    Reference,
    ReferenceKind,
    decide_deal,
    host_candidates,
    is_deal_price,
    lowest_flags,
    reference_for,
    reference_label,
    reference_price,
    weighted_median,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
D = Decimal


def obs(days_ago: float, price: str | None, in_stock: bool = True, cur: str = "USD") -> Observation:
    return Observation(NOW - timedelta(days=days_ago), D(price) if price else None, in_stock, cur)


def now(price: str, in_stock: bool = True, cur: str = "USD") -> Observation:
    return obs(0, price, in_stock, cur)


STABLE = [obs(40, "100")]
# 100 for weeks, raised to 150 three days ago: a later "30% off 150" is no deal.
RAISED = [obs(40, "100"), obs(3, "150")]
# One check at 60 ten days ago (an hour long), otherwise 100.
DIP = [obs(40, "100"), obs(10, "60"), obs(10 - 1 / 24, "100")]
# An afternoon of flapping between 80 and 120 (9 rows) inside weeks at 100.
FLAP = [
    obs(40, "100"),
    *[obs(5 - i / 100, "80" if i % 2 else "120") for i in range(9)],
    obs(4.9, "100"),
]
# A cheap price nobody could buy (out of stock for 20 days) does not lower the reference.
SOLD_OUT_CHEAP = [obs(40, "100"), obs(25, "50", in_stock=False), obs(5, "100")]
OLD_HIGH = [obs(60, "200"), obs(31, "100")]


@pytest.mark.parametrize(
    ("history", "median", "lowest", "previous"),
    [
        (STABLE, "100", "100", "100"),
        (RAISED, "100", "100", "150"),
        (DIP, "100", "60", "100"),
        (FLAP, "100", "80", "100"),
        (SOLD_OUT_CHEAP, "100", "100", "100"),
        (OLD_HIGH, "100", "100", "100"),
        ([], None, None, None),
        ([obs(5, "90", in_stock=False)], None, None, None),
    ],
)
def test_reference_price_strategies(
    history: list[Observation], median: str | None, lowest: str | None, previous: str | None
) -> None:
    # Given a history, when each reference is taken over the last 30 days,
    # then time weighting and stock status decide it, not row counts
    for kind, expected in (
        (ReferenceKind.MEDIAN, median),
        (ReferenceKind.LOWEST, lowest),
        (ReferenceKind.PREVIOUS, previous),
    ):
        got = reference_price(kind, history, NOW, 30)
        assert got == (D(expected) if expected else None), kind


def test_flapping_rows_do_not_outvote_a_price_held_for_weeks() -> None:
    # Given more rows at 120 in one afternoon than rows at 100 in a month
    rows_at = [o.price for o in FLAP]
    assert rows_at.count(D("100")) < rows_at.count(D("120"))
    # When the median is time-weighted, then the long-held price wins
    assert reference_price(ReferenceKind.MEDIAN, FLAP, NOW, 30) == D("100")


@pytest.mark.parametrize(
    ("weighted", "expected"),
    [
        ([(D(1), 1.0)], D(1)),
        ([(D(1), 1.0), (D(2), 1.0)], D(1)),  # lower median on an exact tie
        ([(D(1), 1.0), (D(2), 1.1)], D(2)),
        ([(D(3), 5.0), (D(1), 1.0), (D(2), 1.0)], D(3)),
        ([], None),
        ([(D(1), 0.0)], None),
    ],
)
def test_weighted_median(weighted: list[tuple[Decimal, float]], expected: Decimal | None) -> None:
    assert weighted_median(weighted) == expected


RULES = DealRules(min_discount_percent=D(20), min_history_days=7)
OMNIBUS = DealRules(reference=ReferenceKind.LOWEST, min_discount_percent=D(20))


def decide(
    current: Observation,
    history: list[Observation],
    rules: DealRules = RULES,
    active: ActiveDeal | None = None,
    domain: str = "shop.example",
    category: str | None = None,
) -> DealDecision | None:
    return decide_deal(current, history, active, rules, domain=domain, category=category)


def action(decision: DealDecision | None) -> str | None:
    return decision.action.value if decision else None


@pytest.mark.parametrize(
    ("label", "current", "history", "rules", "expected"),
    [
        ("real drop", now("80"), STABLE, RULES, "start"),
        ("exactly at the threshold", now("80.00"), STABLE, RULES, "start"),
        ("a cent above the threshold", now("80.01"), STABLE, RULES, None),
        ("price went up", now("120"), STABLE, RULES, None),
        ("raise-then-discount, median", now("105"), RAISED, RULES, None),
        ("raise-then-discount, omnibus", now("105"), RAISED, OMNIBUS, None),
        ("raise-then-discount, previous price", now("105"), RAISED, DealRules(
            reference=ReferenceKind.PREVIOUS, min_discount_percent=D(20)), "start"),
        ("the one-check dip itself", now("60"), STABLE, RULES, "start"),
        ("after a dip, median ignores it", now("80"), DIP, RULES, "start"),
        ("after a dip, omnibus counts it", now("80"), DIP, OMNIBUS, None),
        ("too little history", now("50"), [obs(6.9, "100")], RULES, None),
        ("just enough history", now("50"), [obs(7, "100")], RULES, "start"),
        ("no history", now("50"), [], RULES, None),
        ("out of stock", now("50", in_stock=False), STABLE, RULES, None),
        ("other currency history", now("50", cur="EUR"), STABLE, RULES, None),
        ("min history 0, one earlier check", now("50"), [obs(0.01, "100")],
         DealRules(min_history_days=0), "start"),
    ],
)  # fmt: skip
def test_deal_start_table(
    label: str,
    current: Observation,
    history: list[Observation],
    rules: DealRules,
    expected: str | None,
) -> None:
    # Given a product's history, when a check stores `current`, then a deal starts or not
    assert action(decide(current, history, rules)) == expected, label


def test_start_records_reference_discount_and_flags() -> None:
    # Given 100 held for 40 days, when the price drops to 79.99
    decision = decide(now("79.99"), STABLE)
    # Then the deal records original and deal price, amount and percent, and the flags that
    # the history is long enough for
    assert decision is not None and decision.facts is not None and decision.alert
    facts = decision.facts
    assert (facts.reference_price, facts.deal_price) == (D("100"), D("79.99"))
    assert (facts.discount_amount, facts.discount_percent) == (D("20.01"), D("20.01"))
    assert facts.reference_basis == "lowest_30d"
    assert dict(facts.lowest) == {14: True, 30: True, 90: None, 180: None}


@pytest.mark.parametrize(
    ("domain", "category", "price", "expected"),
    [
        ("shop.example", None, "75", None),  # 30% needed on shop.example
        ("www.shop.example:8443", None, "70", "start"),
        ("other.example", None, "75", "start"),  # global 20%
        ("other.example", "books", "75", None),  # 40% needed for books
        ("other.example", "books", "60", "start"),
        ("shop.example", "books", "69", "start"),  # the domain wins over the category
    ],
)
def test_thresholds_per_domain_and_category(
    domain: str, category: str | None, price: str, expected: str | None
) -> None:
    rules = DealRules(
        min_discount_percent=D(20),
        domain_percent={"shop.example": D(30)},
        category_percent={"books": D(40)},
    )
    got = decide(now(price), STABLE, rules, domain=domain, category=category)
    assert action(got) == expected


def active(deal_price: str = "80", alert_percent: str | None = "20") -> ActiveDeal:
    return ActiveDeal(
        id=7,
        currency="USD",
        reference_basis="median_30d",
        reference_price=D("100"),
        deal_price=D(deal_price),
        alert_percent=D(alert_percent) if alert_percent else None,
    )


@pytest.mark.parametrize(
    ("label", "current", "deal", "rules", "expected", "alert", "reason"),
    [
        ("out of stock pauses it", now("70", in_stock=False), active(), RULES, None, False,
         None),
        ("price back above the threshold", now("80.01"), active(), RULES, "end", False,
         "price_rose"),
        ("back at the reference", now("100"), active(), RULES, "end", False, "price_rose"),
        ("up a bit, still a deal", now("79"), active("75"), RULES, None, False, None),
        ("same price", now("80"), active(), RULES, None, False, None),
        ("deeper by 5 points alerts", now("75"), active(), RULES, "deepen", True, None),
        ("deeper by 1 point is quiet", now("79"), active(), RULES, "deepen", False, None),
        ("re-alert switched off", now("50"), active(),
         DealRules(min_discount_percent=D(20), realert_on_deeper_drop=False), "deepen", False,
         None),
        ("currency changed", now("70", cur="EUR"), active(), RULES, "end", False,
         "currency_changed"),
    ],
)  # fmt: skip
def test_active_deal_table(
    label: str,
    current: Observation,
    deal: ActiveDeal,
    rules: DealRules,
    expected: str | None,
    alert: bool,
    reason: str | None,
) -> None:
    # Given an open deal (reference 100, deal price 80), when a check stores `current`
    got = decide(current, STABLE, rules, active=deal)
    # Then it continues, deepens (alerting only by a big enough step) or ends with a reason
    assert action(got) == expected, label
    assert (got.alert if got else False) == alert, label
    assert (got.end_reason if got else None) == reason, label


def test_long_sale_is_judged_against_its_stored_reference() -> None:
    # Given a deal at 80 that has lasted 25 days, so the moving median is 80 by now
    history = [obs(60, "100"), obs(25, "80")]
    assert reference_price(ReferenceKind.ESTABLISHED, history, NOW, 30) == D("80")
    assert reference_price(ReferenceKind.MEDIAN, history, NOW, 30) == D("80")
    # When the price stays at 80, then the deal goes on (it is measured against 100)
    assert decide(now("80"), history, active=active()) is None


def test_deal_ends_then_triggers_again() -> None:
    # Given a dip that started a deal and a check back at the normal price that ended it
    started = decide(now("60"), STABLE)
    assert action(started) == "start"
    ended = decide(obs(-0.1, "100"), [*STABLE, now("60")], active=active("60"))
    assert ended is not None and ended.action is DealAction.END
    # When the price drops again a day later, then a new deal starts (no open deal any more)
    later = Observation(NOW + timedelta(days=1), D("70"), True, "USD")
    again = decide(later, [*STABLE, now("60"), obs(-0.1, "100")])
    assert action(again) == "start"


def test_lowest_flags_need_that_much_history() -> None:
    # Given 100 days of history with a 75 forty days ago
    history = [obs(100, "100"), obs(40, "75"), obs(39, "100")]
    # When the price is 80, then it is the lowest of 14 and 30 days but not of 90; 180 unknown
    assert lowest_flags(D("80"), history, NOW) == {14: True, 30: True, 90: False, 180: None}
    # and an equal price still counts as the lowest
    assert lowest_flags(D("75"), history, NOW)[90] is True


@pytest.mark.parametrize(
    ("price", "reference", "threshold", "expected"),
    [
        ("80", "100", "20", True),
        ("80.0001", "100", "20", False),
        ("66.66", "99.99", "33.33", True),
        ("1", "0", "20", False),
    ],
)
def test_is_deal_price_is_exact(price: str, reference: str, threshold: str, expected: bool) -> None:
    assert is_deal_price(D(price), D(reference), D(threshold)) is expected


def test_host_candidates() -> None:
    assert host_candidates("WWW.Shop.example:8080") == [
        "www.shop.example:8080",
        "www.shop.example",
        "shop.example",
    ]


def test_category_thresholds_ignore_case_and_spacing() -> None:
    rules = DealRules(category_percent={"coffee machines": Decimal(30)})
    assert rules.threshold_percent("shop.test", "Coffee  Machines") == Decimal(30)
    assert rules.threshold_percent("shop.test", "Coffee") == rules.min_discount_percent
    assert rules.threshold_percent("shop.test", None) == rules.min_discount_percent


DEFAULT = DealRules()  # the established reference, 15 %


def raised_then_back(held_days: float, back_to: str) -> tuple[Observation, list[Observation]]:
    """100 for 120 days, raised to 150 and held `held_days`, then "discounted" to `back_to`."""
    return now(back_to), [obs(120 + held_days, "100"), obs(held_days, "150")]


@pytest.mark.parametrize("held_days", [3, 15, 22, 29, 31, 45, 60])
def test_fake_discount_after_a_raise_is_no_deal(held_days: int) -> None:
    # Given a price raised 50% and held for 3 to 60 days, when it "drops" back to its old level
    current, history = raised_then_back(held_days, "100")
    # Then that is no deal: the product really sold at 100 for months before
    assert decide(current, history, DEFAULT) is None


@pytest.mark.parametrize("held_days", [3, 15, 29, 45, 60])
def test_real_sale_after_a_raise_is_measured_against_the_old_price(held_days: int) -> None:
    # Given the same raise, when the price drops to 85: a real 15% sale
    current, history = raised_then_back(held_days, "85")
    decision = decide(current, history, DEFAULT)
    # Then it is announced as -15% against 100, not -43% against the inflated 150
    assert decision is not None and decision.facts is not None
    assert decision.facts.reference_price == D("100")
    assert decision.facts.discount_percent == D("15.00")


def high_low(days: int, high_days: int = 14, low_days: int = 5) -> list[Observation]:
    """High-low pricing: 100 for `high_days`, 70 for `low_days`, repeated, ending high."""
    out, t = [], float(days)
    while t > 0:
        out.append(obs(t, "100"))
        if t - high_days > 0:
            out.append(obs(t - high_days, "70"))
        t -= high_days + low_days
    return out


def test_high_low_pricing_does_not_alert_every_cycle() -> None:
    # Given 200 days of 100 for two weeks, 70 for five days
    history = high_low(200)
    assert history[-1].price == D("100")
    # When the next low phase starts, then it is no deal: 70 is the product's regular low
    assert decide(now("70"), history, DEFAULT) is None
    # and the reference says so: the lowest price held for a day in 30 days
    ref = reference_for(ReferenceKind.ESTABLISHED, history, NOW, 30)
    assert ref == Reference(D("70"), "lowest_30d")


def test_high_low_pricing_with_a_low_phase_less_than_monthly_does_not_alert_either() -> None:
    # Given 195 days of 100 for 35 days, 70 for 5 (the last low phase ended 35 days ago)
    history = high_low(195, high_days=35, low_days=5)
    assert history[-1] == obs(35, "100")
    # When the next low phase starts, then it is no deal: it sold at 70 for 10 days in 90
    assert decide(now("70"), history, DEFAULT) is None
    ref = reference_for(ReferenceKind.ESTABLISHED, history, NOW, 30)
    assert ref == Reference(D("70"), "lowest_90d")


def test_a_sale_of_a_few_days_is_not_announced_again_within_90_days() -> None:
    # Given 100 for months, a 20% sale 60 days ago that lasted a day, and one that lasted 3
    short = [obs(150, "100"), obs(60, "80"), obs(59, "100")]
    long = [obs(150, "100"), obs(60, "80"), obs(57, "100")]
    # When the price drops to 80 again, then a one-day flash sale was no established price,
    # a 3-day sale was
    assert action(decide(now("80"), short, DEFAULT)) == "start"
    assert decide(now("80"), long, DEFAULT) is None


def test_an_hour_long_glitch_is_no_reference() -> None:
    # Given 100 for 40 days with one hour at 60 ten days ago
    ref = reference_for(ReferenceKind.ESTABLISHED, DIP, NOW, 30)
    # Then the reference is 100: nobody could count on buying at 60
    assert ref == Reference(D("100"), "lowest_30d")
    assert action(decide(now("80"), DIP, DEFAULT)) == "start"


def test_a_price_cut_for_good_becomes_the_reference() -> None:
    # Given 200 for long, then 100 for the last 80 days (the 180-day median is still 200)
    history = [obs(200, "200"), obs(80, "100")]
    ref = reference_for(ReferenceKind.ESTABLISHED, history, NOW, 30)
    # Then a drop to 80 is -20% against 100, not -60% against 200
    assert ref == Reference(D("100"), "lowest_30d")


@pytest.mark.parametrize(
    ("basis", "label"),
    [
        ("lowest_30d", "lowest price in 30 days"),
        ("lowest_90d", "lowest price in 90 days"),
        ("median_90d", "90-day median price"),
        ("median_180d", "180-day median price"),
        ("previous", "previous price"),
        ("median", "median price"),  # deals stored before the basis had a window
    ],
)
def test_reference_labels(basis: str, label: str) -> None:
    assert reference_label(basis) == label


@pytest.mark.parametrize(
    ("away_days", "expected", "end_reason"),
    [(2, None, None), (9.5, "start", "out_of_stock")],
)
def test_a_paused_deal_resumes_after_a_flicker_and_is_judged_afresh_after_a_long_absence(
    away_days: float, expected: str | None, end_reason: str | None
) -> None:
    # Given a deal at 80 that went out of stock half a day after it started
    history = [obs(40, "100"), obs(away_days + 0.5, "80"), obs(away_days, "80", in_stock=False)]
    # When it comes back at 80
    got = decide(now("80"), history, DEFAULT, active=active())
    # Then after 2 days it is the same deal (nothing to say); after 9.5 days (longer than
    # `pause_max_days`) the old deal closes and a new one starts, announced
    assert action(got) == expected
    assert (got.end_reason if got else None) == end_reason
    assert (got.alert if got else False) is (expected == "start")
