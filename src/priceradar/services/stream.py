"""One batch's pages in flight: each page is classified the moment it arrives, its body
dropped, and results are handed to the writer in small groups (by count or age).

A batch may return to its caller before its slowest pages arrive; those go on in the
background of the event loop (the worker runs its loop in a thread of its own) and are written
when they arrive. Every task started here is awaited or cancelled and reaped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection

from priceradar.adapters.db import products as product_rows
from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import CheckResult, FetchedPage, classify
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct, ExtractionFailure, OutcomeKind
from priceradar.domain.sanitize import sanitize_result

Target = tuple[int, str, str]  # product id, url, domain

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WritePlan:
    """When arrived results are written: every `group_size` of them, or once the oldest
    unwritten one has waited `max_age_s`."""

    group_size: int = 25
    max_age_s: float = 0.5
    # Return to the caller once at most this many pages (and half of the batch) are still
    # loading; the rest finish in the background (0: wait for all). At most `max_background`
    # batches per event loop. Only batches with a lease token are detached.
    detach_pending: int = 0
    max_background: int = 100


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

    With `plan.detach_pending` > 0 this returns once at most that many pages (and half of
    the batch) are still loading; they go on in the background on this event loop (which must
    keep running, as the worker's loop thread does) and are written when they arrive. Returns
    how many pages were left to the background.
    """
    stream = _Stream(targets, fetcher, rules, deadline_s, plan, write, hand_off)
    detach = min(plan.detach_pending, len(targets) // 2)
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
