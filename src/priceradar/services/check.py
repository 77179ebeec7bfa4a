"""Checking a batch of products: read targets, fetch concurrently, write results as they arrive.

No database connection or row lock is held while pages download. Pages are classified as they
arrive (`services.stream`) and results written in small set-based transactions — every
`WritePlan.group_size` results, or once the oldest unwritten one has waited
`WritePlan.max_age_s` — so one slow page no longer holds 99 finished results. A dispatched
(leased) batch also returns before its slowest pages arrive: they finish in the background.
Each write locks its rows in id order, so a redelivered or concurrent copy of the same batch
waits, then sees the stored state and writes no duplicate history (see `apply_check`). A crash
between two writes loses nothing: written products are done, the rest keep their lease.

A row the database still refuses after sanitizing is isolated by bisecting its group and
stored as its own `unstorable` outcome with the reason: one bad row never sinks a batch.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, StatementError

from priceradar.adapters.db.products import apply_updates, insert_history, load_targets, lock_states
from priceradar.adapters.db.schedule import still_leased
from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import CheckPolicy, CheckResult, apply_check
from priceradar.domain.extraction import SiteRule
from priceradar.domain.outcome import OutcomeKind
from priceradar.domain.sanitize import clean_text
from priceradar.services.deals import after_checks
from priceradar.services.stream import (
    HandOff,
    WritePlan,
    classify_page,
    drain_background,
    rule_for,
    stream_results,
)

__all__ = [
    "BatchSummary",
    "HandOff",
    "Runner",
    "WritePlan",
    "check_products",
    "classify_page",
    "drain_background",
    "record_results",
    "rule_for",
]

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch did; returned by the Celery task (JSON-serializable via `as_dict`)."""

    requested: int
    checked: int
    history_rows: int
    notifications: int = 0  # outbox rows queued by deals and watches in the same transaction
    outcomes: dict[str, int] = field(default_factory=dict)
    writes: int = 0  # write transactions that committed
    handed_off: int = 0  # sent to the browser_fetch queue instead (still leased, checked there)
    background: int = 0  # pages still loading when the task returned (written when they arrive)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "checked": self.checked,
            "history_rows": self.history_rows,
            "notifications": self.notifications,
            "outcomes": self.outcomes,
            "writes": self.writes,
            "handed_off": self.handed_off,
            "background": self.background,
        }


@dataclass
class _Tally:
    history_rows: int = 0
    notifications: int = 0
    writes: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def record_results(
    conn: Connection,
    results: Sequence[CheckResult],
    policy: CheckPolicy,
    jitter: Callable[[], float] = random.random,
    lease_token: str | None = None,
) -> tuple[int, int]:
    """Apply results to their locked rows, then detect deals in the same transaction.

    With a `lease_token`, results of products whose lease went to another dispatch meanwhile
    are dropped (that dispatch checks them). Returns (history rows written, notification rows).
    """
    states = lock_states(conn, [r.product_id for r in results], lease_token)
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


def unstorable(result: CheckResult, exc: Exception) -> CheckResult:
    """The outcome stored in place of a result the database refused, with the reason."""
    reason = (
        str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    )
    return CheckResult(
        result.product_id,
        result.checked_at,
        OutcomeKind.UNSTORABLE,
        error=clean_text(f"could not store the result: {reason}", 500),
        http_status=result.http_status,
        elapsed_ms=result.elapsed_ms,
    )


def write_isolated(
    engine: Engine,
    results: Sequence[CheckResult],
    policy: CheckPolicy,
    tally: _Tally,
    lease_token: str | None = None,
) -> None:
    """Write a group in one transaction; a refused group is bisected down to the bad rows.

    Infrastructure errors (connection lost, database down) are not row problems: they raise,
    and the task is retried with backoff.
    """
    try:
        with engine.begin() as conn:
            history_rows, notifications = record_results(
                conn, results, policy, lease_token=lease_token
            )
    except OperationalError:
        raise
    except StatementError as exc:
        if len(results) > 1:
            middle = len(results) // 2
            write_isolated(engine, results[:middle], policy, tally, lease_token)
            write_isolated(engine, results[middle:], policy, tally, lease_token)
            return
        log.warning(
            "a check result was refused by the database",
            extra={"product_id": results[0].product_id, "error": str(exc)[:300]},
        )
        if results[0].outcome is OutcomeKind.UNSTORABLE:
            raise
        write_isolated(engine, [unstorable(results[0], exc)], policy, tally, lease_token)
        return
    tally.history_rows += history_rows
    tally.notifications += notifications
    tally.writes += 1
    tally.outcomes.update(r.outcome.value for r in results)


def check_products(
    product_ids: Sequence[int],
    *,
    engine: Engine,
    fetcher: Fetcher,
    run: Runner[Any],
    policy: CheckPolicy,
    rules: Mapping[str, SiteRule],
    deadline_s: float | None = None,
    plan: WritePlan | None = None,
    hand_off: HandOff | None = None,
    lease_token: str | None = None,
    notify: Callable[[], None] | None = None,
) -> BatchSummary:
    """Check these products now. Unknown or inactive ids are skipped.

    With `hand_off`, products of rendered domains and script shells without a static price
    go to the browser queue (after this batch's writes) instead of being recorded here.

    A batch from the dispatcher carries its `lease_token`: only products whose lease is still
    that token's and still running are fetched, and each write stores only rows still leased
    to it, so a message redelivered after its lease ran out or went to another dispatch checks
    nothing. Without a token (an operator's `check --product`) the products are checked
    unconditionally.

    Only a batch with a lease token may return before its slowest pages arrive
    (`plan.detach_pending`): its message is acked on return, and if the process dies the lease
    brings those products back. `notify` is called when such a later write queued
    notifications.
    """
    requested = ids = sorted(set(product_ids))
    with engine.begin() as conn:
        if lease_token is not None:
            ids = still_leased(conn, ids, lease_token, datetime.now(UTC))
        loaded = load_targets(conn, ids) if ids else []
        if hand_off is not None and loaded:
            loaded = hand_off.route(conn, loaded)
        targets = [(t.id, t.url, t.domain) for t in loaded]
    tally = _Tally()
    plan = plan or WritePlan()
    if lease_token is None:
        plan = replace(plan, detach_pending=0)
    returned = False

    def write(results: list[CheckResult]) -> None:
        before = tally.notifications
        write_isolated(engine, results, policy, tally, lease_token)
        if returned and notify is not None and tally.notifications > before:
            notify()

    left = 0
    if targets:
        left = int(run(stream_results(targets, fetcher, rules, deadline_s, plan, write, hand_off)))
    returned = True
    handed_off = hand_off.send() if hand_off is not None else 0
    outcomes = dict(sorted(tally.outcomes.items()))
    return BatchSummary(
        len(requested),
        sum(outcomes.values()),
        tally.history_rows,
        tally.notifications,
        outcomes,
        tally.writes,
        handed_off,
        left,
    )
