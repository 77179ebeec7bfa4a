"""Deal quality on labelled histories (bench/deal_scenarios.py): `evaluate(...)`, `render(...)`.

Every scenario is replayed check by check through the real deal code: the pure rules
(`decide_deal`, as the check transaction calls them) for all of them, and for a subset the
whole database path (`record_results` on a migrated database, with a Telegram watch on every
deal, counting the outbox rows it queues), whose alerts must be the same.

Scoring, per alert (a `deal` or `deal_deeper` announcement) from the scenario's
`scored_from_day` on:
- an alert inside a real deal's window, the first for that deal, is right; any other alert
  (a fake discount, a high-low cycle, noise, a second announcement of one deal) is wrong;
- alert precision = right alerts / alerts; alert recall = real deals announced / real deals;
- the advertised discount is right when within `tolerance` points of the true one (measured
  against the price the product normally sold at); discount precision = right alerts with a
  right discount / alerts, discount recall = real deals announced with a right discount /
  real deals.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from priceradar.bench.deal_scenarios import Scenario, scenarios
from priceradar.domain.deals import (
    ActiveDeal,
    DealAction,
    DealDecision,
    DealRules,
    Observation,
    ReferenceKind,
    decide_deal,
)

DOMAIN = "bench-deals.example"
CURRENCY = "USD"
DB_SPAN_LIMIT_DAYS = 180  # the database path reads 182 days of history back from now


@dataclass(frozen=True, slots=True)
class Alert:
    day: float
    kind: str  # deal | deal_deeper
    discount_percent: Decimal


def follow(
    active: ActiveDeal | None, decision: DealDecision | None, deal_id: int
) -> ActiveDeal | None:
    """The open deal after a decision, as the check transaction stores it."""
    if decision is None:
        return active
    facts = decision.facts
    if decision.action is DealAction.END or facts is None:
        return None
    if decision.action is DealAction.START:
        return ActiveDeal(
            deal_id, facts.currency, facts.reference_basis, facts.reference_price,
            facts.deal_price, facts.discount_percent,
        )  # fmt: skip
    assert active is not None
    announced = facts.discount_percent if decision.alert else active.alert_percent
    return replace(active, deal_price=facts.deal_price, alert_percent=announced)


def replay(scenario: Scenario, rules: DealRules, t0: datetime) -> list[Alert]:
    """The alerts the pure deal rules give, check by check."""
    prior: list[Observation] = []
    active: ActiveDeal | None = None
    alerts = []
    for n, change in enumerate(scenario.changes):
        current = Observation(
            t0 + timedelta(days=change.day), change.price, change.in_stock, CURRENCY
        )
        decision = decide_deal(current, prior, active, rules, domain=DOMAIN)
        if decision is not None and decision.alert and decision.facts is not None:
            kind = "deal" if decision.action is DealAction.START else "deal_deeper"
            alerts.append(Alert(change.day, kind, decision.facts.discount_percent))
        active = follow(active, decision, n)
        prior.append(current)
    return alerts


@dataclass
class Score:
    scenarios: int = 0
    events: int = 0
    alerts: int = 0
    right_alerts: int = 0
    right_discounts: int = 0

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    @property
    def figures(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 1.0

        return {
            **vars(self),
            "alert_precision": ratio(self.right_alerts, self.alerts),
            "alert_recall": ratio(self.right_alerts, self.events),
            "discount_precision": ratio(self.right_discounts, self.alerts),
            "discount_recall": ratio(self.right_discounts, self.events),
        }


def score(scenario: Scenario, alerts: Sequence[Alert], tolerance: Decimal) -> Score:
    out = Score(scenarios=1, events=len(scenario.events))
    unmatched = list(scenario.events)
    for alert in alerts:
        if alert.day < scenario.scored_from_day:
            continue
        out.alerts += 1
        event = next((e for e in unmatched if e.start_day <= alert.day <= e.end_day), None)
        if event is None:
            continue
        unmatched.remove(event)
        out.right_alerts += 1
        if abs(alert.discount_percent - event.discount_percent) <= tolerance:
            out.right_discounts += 1
    return out


@dataclass
class Report:
    per_kind: int
    seed: int
    tolerance: Decimal
    by_reference: dict[str, dict[str, Score]] = field(default_factory=dict)  # ref -> kind
    db_checked: int = 0
    db_agreeing: int = 0
    db_url: str = ""

    def total(self, reference: str) -> Score:
        out = Score()
        for s in self.by_reference[reference].values():
            out.add(s)
        return out


def evaluate(
    per_kind: int = 100,
    seed: int = 1,
    tolerance: Decimal = Decimal(3),
    references: Sequence[ReferenceKind] = tuple(ReferenceKind),
    db_per_kind: int = 5,
    database_url: str | None = None,
) -> Report:
    """Replay every scenario under each reference kind; the default rules also through the
    database for `db_per_kind` scenarios of each kind that fits its history read."""
    report = Report(per_kind, seed, tolerance)
    histories = scenarios(per_kind, seed)
    t0 = datetime.now(UTC) - timedelta(days=400)
    for reference in references:
        rules = DealRules(reference=reference)
        kinds: dict[str, Score] = defaultdict(Score)
        for scenario in histories:
            kinds[scenario.kind].add(score(scenario, replay(scenario, rules, t0), tolerance))
        report.by_reference[reference.value] = dict(kinds)
    if db_per_kind:
        subset = _db_subset(histories, db_per_kind)
        report.db_checked, report.db_agreeing, report.db_url = _check_db(subset, database_url)
    return report


def _db_subset(histories: Sequence[Scenario], per_kind: int) -> list[Scenario]:
    taken: dict[str, int] = defaultdict(int)
    out = []
    for scenario in histories:
        if scenario.span_days <= DB_SPAN_LIMIT_DAYS and taken[scenario.kind] < per_kind:
            taken[scenario.kind] += 1
            out.append(scenario)
    return out


def _check_db(subset: Sequence[Scenario], database_url: str | None) -> tuple[int, int, str]:
    from priceradar.bench.deals_db import replay_through_database

    rules = DealRules()
    with tempfile.TemporaryDirectory(prefix="priceradar-bench-deals-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'deals.sqlite3'}"
        db_alerts = replay_through_database(url, subset, rules)
    agreeing = 0
    for scenario, got in zip(subset, db_alerts, strict=True):
        now = datetime.now(UTC)
        t0 = now - timedelta(days=scenario.span_days + 1)
        agreeing += got == replay(scenario, rules, t0)
    return len(subset), agreeing, url.split("@")[-1] if database_url else "sqlite (temporary)"


def render(report: Report) -> str:
    """A Markdown summary: one table per reference kind, the default first."""
    lines = [
        f"{report.per_kind} histories per kind, seed {report.seed}; a discount is right within "
        f"{report.tolerance} points.",
        "",
        "| reference | alerts | alert precision | alert recall | discount precision "
        "| discount recall |",
        "|---|---|---|---|---|---|",
    ]
    for reference in report.by_reference:
        f = report.total(reference).figures
        lines.append(
            f"| {reference} | {f['alerts']} | {f['alert_precision']:.3f} | "
            f"{f['alert_recall']:.3f} | {f['discount_precision']:.3f} | "
            f"{f['discount_recall']:.3f} |"
        )
    for reference in report.by_reference:
        lines += [
            "",
            f"`{reference}` by kind:",
            "",
            "| kind | real deals | alerts | right alerts | right discounts |",
            "|---|---|---|---|---|",
        ]
        for kind, s in report.by_reference[reference].items():
            lines.append(
                f"| {kind} | {s.events} | {s.alerts} | {s.right_alerts} | {s.right_discounts} |"
            )
    if report.db_checked:
        lines += [
            "",
            f"Database path ({report.db_url}): {report.db_agreeing} of {report.db_checked} "
            "histories gave exactly the alerts of the pure rules.",
        ]
    return "\n".join(lines)
