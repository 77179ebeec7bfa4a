"""Checking a batch of products: read targets, fetch concurrently, write results as they arrive.

No database connection or row lock is held while pages download. Each page is classified
(extracted) the moment it arrives and its body dropped; results are written in small
set-based transactions — every `WritePlan.group_size` results, or once the oldest unwritten
result has waited `WritePlan.max_age_s` — so one slow page no longer holds 99 finished
results, and memory holds at most the pages still in flight. A dispatched (leased) batch also
returns before its slowest pages arrive: they finish in the background of the process. Each write transaction locks its
rows in id order, so a redelivered or concurrent copy of the same batch waits, then sees the
stored state and writes no duplicate history (see `apply_check`). A crash between two writes
loses nothing: written products are done, the rest keep their lease and are checked again.

A row the database still refuses after sanitizing is isolated by bisecting its group and
stored as its own `unstorable` outcome with the reason: one bad row never sinks a batch.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, StatementError

from priceradar.adapters.db import products as product_rows
from priceradar.adapters.db.products import apply_updates, insert_history, load_targets, lock_states
from priceradar.adapters.db.schedule import still_leased
from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import CheckPolicy, CheckResult, FetchedPage, apply_check, classify
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure, OutcomeKind
from priceradar.domain.sanitize import clean_text, sanitize_result
from priceradar.services.deals import after_checks

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]
Target = tuple[int, str, str]  # product id, url, domain

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WritePlan:
    """When arrived results are written: every `group_size` of them, or once the oldest
    unwritten one has waited `max_age_s`."""

    group_size: int = 25
    max_age_s: float = 0.5
    # Return to the caller once at most this many pages (and a tenth of the batch) are still
    # loading; the rest finish in the background (0: wait for all). At most `max_background`
    # batches per event loop. Only batches with a lease token are detached.
    detach_pending: int = 0
    max_background: int = 8


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


class HandOff(Protocol):
    """Which products the browser checks instead of the static path (`services.render`)."""

    def route(
        self, conn: Connection, targets: list[product_rows.Target]
    ) -> list[product_rows.Target]:
        """The targets left for the static fetch; the rest go to the browser."""

    def take(self, product_id: int, domain: str, page: FetchedPage, result: CheckResult) -> bool:
        """True when this static result is dropped and the page re-checked in the browser."""

    def send(self) -> int:
        """Enqueue what was taken (after the writes committed); returns products sent."""


@dataclass
class _Tally:
    history_rows: int = 0
    notifications: int = 0
    writes: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def rule_for(domain: str, rules: Mapping[str, SiteRule]) -> SiteRule | None:
    """Site rules are keyed by host[:port], by host, or by host without "www."."""
    host = domain.rsplit(":", 1)[0] if not domain.endswith("]") else domain
    return rules.get(domain) or rules.get(host) or rules.get(host.removeprefix("www."))


def classify_page(
    product_id: int, page: FetchedPage, domain: str, rules: Mapping[str, SiteRule]
) -> CheckResult:
    """Extract and classify one fetched page; the result is sanitized for storage."""
    rule = rule_for(domain, rules)

    def extract(body: bytes, url: str) -> ExtractedProduct | ExtractionFailure:
        return extract_product(body, url, rule)

    return sanitize_result(classify(product_id, page, datetime.now(UTC), extract))


async def _fetch_safely(fetcher: Fetcher, url: str, deadline_at: float | None) -> FetchedPage:
    """`Fetcher.fetch` never raises by contract; a bug must still not lose the batch."""
    try:
        return await fetcher.fetch(url, deadline_at)
    except Exception as exc:
        log.exception("fetch failed unexpectedly", extra={"url": url})
        return FetchedPage(
            url, error=OutcomeKind.NETWORK_ERROR, error_detail=f"{type(exc).__name__}: {exc}"
        )


class _Stream:
    """The pages of one batch in flight; results go to `write` in groups as they arrive."""

    def __init__(
        self,
        targets: Sequence[Target],
        fetcher: Fetcher,
        rules: Mapping[str, SiteRule],
        deadline_s: float | None,
        plan: WritePlan,
        write: Callable[[list[CheckResult]], None],
        hand_off: HandOff | None,
    ) -> None:
        self.rules = rules
        self.plan = plan
        self.write = write
        self.hand_off = hand_off
        self.deadline_at = time.monotonic() + deadline_s if deadline_s is not None else None
        self.tasks = {
            asyncio.ensure_future(_fetch_safely(fetcher, url, self.deadline_at)): (pid, url, domain)
            for pid, url, domain in targets
        }
        self.ready: list[CheckResult] = []
        self.oldest = 0.0

    async def run(self, until_pending: int = 0) -> None:
        """Collect and write results until at most `until_pending` pages are still loading
        (everything unwritten is written before returning). Pages unfinished at the deadline
        come back as timeouts. On error or cancellation every task is reaped (no "exception
        was never retrieved")."""
        try:
            while len(self.tasks) > until_pending:
                await self._step()
            if self.ready:
                self._flush()
        except BaseException:
            await self.abandon()
            raise

    async def _step(self) -> None:
        now = time.monotonic()
        timeout = self.oldest + self.plan.max_age_s - now if self.ready else None
        if self.deadline_at is not None:
            left = self.deadline_at - now
            timeout = left if timeout is None else min(timeout, left)
        done, _ = await asyncio.wait(
            self.tasks,
            timeout=None if timeout is None else max(0.0, timeout),
            return_when=asyncio.FIRST_COMPLETED,
        )
        for task in done:
            pid, _url, domain = self.tasks.pop(task)
            page = task.result()
            result = classify_page(pid, page, domain, self.rules)
            if self.hand_off is None or not self.hand_off.take(pid, domain, page, result):
                self._add(result)
        if self.deadline_at is not None and time.monotonic() >= self.deadline_at and self.tasks:
            for pid, url, domain in self.tasks.values():
                page = FetchedPage(
                    url, error=OutcomeKind.TIMEOUT, error_detail="batch deadline reached"
                )
                self._add(classify_page(pid, page, domain, self.rules))
            await self.abandon()
        if self.ready and (
            not self.tasks
            or len(self.ready) >= self.plan.group_size
            or time.monotonic() - self.oldest >= self.plan.max_age_s
        ):
            self._flush()

    def _add(self, result: CheckResult) -> None:
        if not self.ready:
            self.oldest = time.monotonic()
        self.ready.append(result)

    def _flush(self) -> None:
        ready, self.ready = self.ready, []
        self.write(ready)

    async def abandon(self) -> None:
        """Cancel and reap every page still loading (their products keep their lease)."""
        tasks, self.tasks = list(self.tasks), {}
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def finish(self) -> None:
        """The rest of the batch, in the background: written, and handed off, as it arrives."""
        await self.run()
        if self.hand_off is not None:
            self.hand_off.send()


# Batches whose last pages still load after their task returned (see `check_products`).
_background: set[asyncio.Task[None]] = set()


def _finished(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        # The products keep their lease and are checked again when it runs out.
        log.error("background check writes failed", exc_info=task.exception())


async def stream_results(
    targets: Sequence[Target],
    fetcher: Fetcher,
    rules: Mapping[str, SiteRule],
    deadline_s: float | None,
    plan: WritePlan,
    write: Callable[[list[CheckResult]], None],
    hand_off: HandOff | None = None,
) -> int:
    """Fetch every target, writing results in groups as their pages arrive.

    With `plan.detach_pending` > 0 this returns once at most that many pages (and a tenth of
    the batch) are still loading; they go on in the background on this event loop (which must
    keep running, as the worker's loop thread does) and are written when they arrive. Returns
    how many pages were left to the background.
    """
    stream = _Stream(targets, fetcher, rules, deadline_s, plan, write, hand_off)
    detach = min(plan.detach_pending, len(targets) // 10)
    if len(_background) >= plan.max_background:
        detach = 0
    await stream.run(until_pending=detach)
    left = len(stream.tasks)
    if left:
        task = asyncio.ensure_future(stream.finish())
        _background.add(task)
        task.add_done_callback(_finished)
    return left


async def drain_background(timeout_s: float) -> None:
    """Wait for background batches to finish (at shutdown); cancel what is left after that."""
    if not _background:
        return
    _done, pending = await asyncio.wait(set(_background), timeout=timeout_s)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


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
    run: Runner[int],
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
        left = run(stream_results(targets, fetcher, rules, deadline_s, plan, write, hand_off))
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
