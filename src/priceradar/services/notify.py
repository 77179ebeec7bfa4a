"""Delivering the outbox: claim due rows, send each once, record the outcome right after.

State machine of a `notifications` row (every arrow is one short committed transaction):

    pending --claim--> claimed --start_sending--> sending --answer--> sent
       ^                  |                          |--retryable, attempts left--> pending
       |                  | rate limit busy          |--429 (attempt refunded)-----> pending
       +------------------+ (no attempt counted)     |--permanent / out of attempts-> failed
                                                     `--ambiguous answer-----------> unknown
    lease expired:  claimed -> pending (nothing was sent)
                    sending -> unknown (default) | pending (NOTIFY_RESEND_UNKNOWN=true)

The remaining duplicate window, honestly: `sending` is committed before the HTTP request and
`sent` right after the answer. A worker killed (or a database that fails) between Telegram
accepting a message and the `sent` commit leaves the row in `sending`; when its lease runs
out it becomes `unknown` and is *not* resent, because the Bot API cannot be asked whether the
message exists. So by default a crash in that window (milliseconds per message) can lose a
message but never duplicate it: at-most-once. With `resend_unknown` it is at-least-once
instead. A read timeout or a dropped connection after the request went out is treated the
same way. Apprise reports only success or failure, so a failed Apprise send is retried and may
duplicate if the service had accepted it. See docs/notifications.md.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from priceradar.adapters.db import outbox
from priceradar.adapters.db.outbox import ClaimedRow
from priceradar.adapters.notify import Channel, SendOutcome, SendResult
from priceradar.adapters.notify.rate_limit import RateLimiter
from priceradar.domain.messages import MessageFacts

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    batch_size: int = 50
    lease_s: float = 120.0
    max_attempts: int = 5
    retry_base_s: float = 30.0
    retry_max_s: float = 3600.0
    resend_unknown: bool = False
    # Waits up to this long for a rate-limit slot in place when the row is the only one of its
    # run (holding back nobody); longer waits put the row back and hold its destination.
    max_inline_wait_s: float = 2.0
    # With other destinations' rows in the run, only this long: the bot-wide spacing (33 ms
    # at 30/s), never a chat's own limit, so one chat never delays another.
    shared_wait_s: float = 0.25
    budget_s: float = 60.0  # one run stops claiming after this long


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    deferred: int = 0
    failed: int = 0
    unknown: int = 0
    disabled: int = 0
    reconciled: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def backoff_s(attempts: int, options: DeliveryOptions) -> float:
    """30 s, 60 s, 120 s, … capped at `retry_max_s`, after the n-th failed attempt."""
    return float(min(options.retry_max_s, options.retry_base_s * 2 ** max(0, attempts - 1)))


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deliverer:
    """Delivers due outbox rows through `channels` (keyed by destination kind)."""

    engine: Engine
    channels: Mapping[str, Channel]
    limiter: RateLimiter
    run: Callable[[Coroutine[Any, Any, Any]], Any]
    options: DeliveryOptions = DeliveryOptions()
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep

    def reconcile(self) -> outbox.Reconciled:
        with self.engine.begin() as conn:
            return outbox.reconcile(conn, self.clock(), self.options.resend_unknown)

    def deliver_due(self) -> DeliveryStats:
        """Claim and send until nothing is due or the time budget is spent."""
        stats = DeliveryStats()
        deadline = time.monotonic() + self.options.budget_s
        while time.monotonic() < deadline:
            token = uuid.uuid4().hex
            with self.engine.begin() as conn:
                settled = outbox.reconcile(conn, self.clock(), self.options.resend_unknown)
                stats.reconciled += settled.returned + settled.unknown + settled.cancelled
                rows = outbox.claim(
                    conn, token, self.clock(), self.options.lease_s, self.options.batch_size
                )
            if not rows:
                break
            stats.claimed += len(rows)
            alone = len(rows) == 1
            for i, row in enumerate(rows):
                if time.monotonic() >= deadline:
                    self._release(rows[i:], token)
                    break
                self._deliver(row, token, stats, alone)
        return stats

    def next_wakeup_s(self) -> float | None:
        """Seconds until a row becomes due or a lease runs out; None when all is settled."""
        with self.engine.connect() as conn:
            at = outbox.next_wakeup_at(conn)
        return None if at is None else max(0.0, (at - self.clock()).total_seconds())

    def _release(self, rows: list[ClaimedRow], token: str) -> None:
        with self.engine.begin() as conn:
            for row in rows:
                outbox.mark_pending(conn, row.id, token, self.clock(), self.clock(), None)

    def _deliver(self, row: ClaimedRow, token: str, stats: DeliveryStats, alone: bool) -> None:
        channel = self.channels.get(row.channel)
        limits = channel.limits(row.target) if channel else []
        inline_s = self.options.max_inline_wait_s if alone else self.options.shared_wait_s
        wait = self.limiter.try_acquire(limits)
        while 0 < wait <= inline_s:
            self.sleep(wait)
            wait = self.limiter.try_acquire(limits)
        if wait > 0:
            stats.deferred += 1
            with self.engine.begin() as conn:
                now = self.clock()
                until = now + timedelta(seconds=wait)
                outbox.mark_pending(conn, row.id, token, now, until, None)
                outbox.hold_destination(conn, row.destination_id, until)
            return
        with self.engine.begin() as conn:
            now = self.clock()
            if not outbox.start_sending(conn, row.id, token, now, self.options.lease_s):
                # Destination disabled meanwhile: hand it back for reconcile to cancel. (If
                # the lease ran out instead, another worker owns the row and this is a no-op.)
                outbox.mark_pending(conn, row.id, token, now, now, None)
                return
        result = self._send(channel, row)
        with self.engine.begin() as conn:
            self._record(conn, row, token, result, channel, stats)

    def _send(self, channel: Channel | None, row: ClaimedRow) -> SendResult:
        if channel is None:
            return SendResult(SendOutcome.RETRY, f"no {row.channel} channel is configured")
        try:
            facts = MessageFacts.from_payload(json.loads(row.payload))
        except (ValueError, TypeError) as exc:
            return SendResult(SendOutcome.BAD_MESSAGE, f"unreadable payload: {exc}")
        try:
            result: SendResult = self.run(channel.send(row.target, facts))
            return result
        except Exception as exc:  # a bug mid-send must not look like "not delivered"
            log.exception("notification send crashed", extra={"notification_id": row.id})
            return SendResult(SendOutcome.AMBIGUOUS, f"send crashed: {type(exc).__name__}")

    def _record(
        self,
        conn: Connection,
        row: ClaimedRow,
        token: str,
        result: SendResult,
        channel: Channel | None,
        stats: DeliveryStats,
    ) -> None:
        now, attempts = self.clock(), row.attempts + 1
        outcome = result.outcome
        if outcome is SendOutcome.SENT:
            outbox.mark_sent(conn, row.id, token, now, result.message_id)
            stats.sent += 1
        elif outcome is SendOutcome.RATE_LIMITED:
            wait = result.retry_after_s or 1.0
            if channel is not None and channel.limits(row.target):
                self.limiter.penalize(channel.limits(row.target)[-1].key, wait)
            next_at = now + timedelta(seconds=wait)
            outbox.mark_pending(
                conn, row.id, token, now, next_at, result.detail, refund_attempt=True
            )
            outbox.hold_destination(conn, row.destination_id, next_at)
            stats.deferred += 1
        elif outcome is SendOutcome.RETRY and attempts < self.options.max_attempts:
            next_at = now + timedelta(seconds=backoff_s(attempts, self.options))
            outbox.mark_pending(conn, row.id, token, now, next_at, result.detail)
            stats.retried += 1
        elif outcome is SendOutcome.AMBIGUOUS:
            if self.options.resend_unknown and attempts < self.options.max_attempts:
                outbox.mark_pending(conn, row.id, token, now, now, result.detail)
                stats.retried += 1
            else:
                outbox.mark_final(conn, row.id, token, now, outbox.UNKNOWN, result.detail)
                stats.unknown += 1
        else:
            reason = result.detail
            if outcome is SendOutcome.RETRY:
                reason = f"gave up after {attempts} attempts: {reason}"
            outbox.mark_final(conn, row.id, token, now, outbox.FAILED, reason)
            stats.failed += 1
            bad_destination = outcome is SendOutcome.BAD_DESTINATION
            if bad_destination and outbox.disable_destination(
                conn, row.destination_id, result.detail, now
            ):
                stats.disabled += 1
                log.warning(
                    "destination disabled: %s",
                    result.detail,
                    extra={"destination_id": row.destination_id, "channel": row.channel},
                )
