"""Checking a batch of products: read targets, fetch concurrently, write results set-based.

Two short transactions around the network work, so no database connection or row lock is held
while pages download. The write transaction locks the batch's rows in id order, so a
redelivered or concurrent copy of the same batch waits, then sees the stored state and writes
no duplicate history (see `apply_check`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from priceradar.adapters.db.products import apply_updates, insert_history, load_targets, lock_states
from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import CheckPolicy, CheckResult, apply_check, classify
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure
from priceradar.services.deals import after_checks

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch did; returned by the Celery task (JSON-serializable via `as_dict`)."""

    requested: int
    checked: int
    history_rows: int
    notifications: int = 0  # outbox rows queued by deals and watches in the same transaction
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "checked": self.checked,
            "history_rows": self.history_rows,
            "notifications": self.notifications,
            "outcomes": self.outcomes,
        }


def rule_for(domain: str, rules: Mapping[str, SiteRule]) -> SiteRule | None:
    """Site rules are keyed by host[:port], by host, or by host without "www."."""
    host = domain.rsplit(":", 1)[0] if not domain.endswith("]") else domain
    return rules.get(domain) or rules.get(host) or rules.get(host.removeprefix("www."))


async def fetch_results(
    targets: Sequence[tuple[int, str, str]],
    fetcher: Fetcher,
    rules: Mapping[str, SiteRule],
    deadline_s: float | None,
) -> list[CheckResult]:
    """Fetch every target and classify the pages; results carry their own check time."""
    pages = await fetcher.fetch_many([url for _, url, _ in targets], deadline_s)
    results = []
    for (product_id, _url, domain), page in zip(targets, pages, strict=True):
        rule = rule_for(domain, rules)

        def extract(
            body: bytes, url: str, rule: SiteRule | None = rule
        ) -> ExtractedProduct | ExtractionFailure:
            return extract_product(body, url, rule)

        results.append(classify(product_id, page, datetime.now(UTC), extract))
    return results


def record_results(
    conn: Connection,
    results: Sequence[CheckResult],
    policy: CheckPolicy,
    jitter: Callable[[], float] = random.random,
) -> tuple[int, int]:
    """Apply results to their locked rows, then detect deals in the same transaction.

    Returns (history rows written, notification rows queued).
    """
    states = lock_states(conn, [r.product_id for r in results])
    applied = []
    for result in results:
        state = states.get(result.product_id)
        if state is None:
            continue  # deleted while being checked
        outcome = apply_check(state, result, policy, jitter())
        if outcome is not None:
            applied.append(outcome)
    apply_updates(conn, [a.update for a in applied])
    rows = [a.history for a in applied if a.history is not None]
    insert_history(conn, rows)
    # Same transaction: a deal and its alert exist exactly when the price row that caused them does.
    notifications = after_checks(conn, applied, datetime.now(UTC), policy.deal_rules)
    return len(rows), notifications


def check_products(
    product_ids: Sequence[int],
    *,
    engine: Engine,
    fetcher: Fetcher,
    run: Runner[list[CheckResult]],
    policy: CheckPolicy,
    rules: Mapping[str, SiteRule],
    deadline_s: float | None = None,
) -> BatchSummary:
    """Check these products now. Unknown or inactive ids are skipped."""
    ids = sorted(set(product_ids))
    with engine.begin() as conn:
        targets = [(t.id, t.url, t.domain) for t in load_targets(conn, ids)]
    results = run(fetch_results(targets, fetcher, rules, deadline_s)) if targets else []
    with engine.begin() as conn:
        history_rows, notifications = record_results(conn, results, policy)
    outcomes = Counter(r.outcome.value for r in results)
    return BatchSummary(
        len(ids), len(results), history_rows, notifications, dict(sorted(outcomes.items()))
    )
