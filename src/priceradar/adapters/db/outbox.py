"""The notifications outbox as SQL: claim, transition, reconcile. Callers own the transaction.

Every transition names the state it leaves and the attempt token of the claim, so a worker
that lost its lease (and maybe its life) can never overwrite what another worker decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, literal, select, update

from priceradar.adapters.db.tables import destinations, notifications

n, d = notifications.c, destinations.c

PENDING, CLAIMED, SENDING = "pending", "claimed", "sending"
SENT, FAILED, UNKNOWN = "sent", "failed", "unknown"
UNFINISHED = (PENDING, CLAIMED, SENDING)


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    id: int
    destination_id: int
    channel: str  # destination kind: telegram | apprise
    target: str
    payload: str
    attempts: int


def _in_flight() -> Select[tuple[int]]:
    """Destinations with a message claimed or being sent."""
    return select(n.destination_id).where(n.status.in_((CLAIMED, SENDING)))


def claim(
    conn: Connection, token: str, now: datetime, lease_s: float, limit: int
) -> list[ClaimedRow]:
    """Claim up to `limit` due rows of enabled destinations, at most one per destination (the
    oldest due one), oldest first, in one statement.

    One per destination makes every destination a queue of its own: a run sends one message
    to each chat with something due before a second to any, so a chat that is rate-limited
    or slow never holds back the others' messages, and a destination's rows keep their order.
    PostgreSQL skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`, the status
    re-checked on the locked row); SQLite has one writer at a time (`BEGIN IMMEDIATE`).
    A destination with a message in flight waits for its answer (one sender per chat).
    """
    in_flight = _in_flight()
    ranked = (
        select(
            n.id,
            func.row_number()
            .over(partition_by=n.destination_id, order_by=(n.next_attempt_at, n.id))
            .label("pos"),
        )
        .join(destinations, d.id == n.destination_id)
        .where(
            n.status == PENDING,
            n.next_attempt_at <= now,
            d.enabled.is_(True),
            n.destination_id.not_in(in_flight),
        )
        .subquery()
    )
    heads = select(ranked.c.id).where(ranked.c.pos == 1)
    due = (
        select(n.id)
        .where(n.id.in_(heads), n.status == PENDING)
        .order_by(n.next_attempt_at, n.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=notifications)
    )
    stmt = (
        update(notifications)
        .where(n.id.in_(due.scalar_subquery()))
        .values(
            status=CLAIMED,
            attempt_token=token,
            lease_until=now + timedelta(seconds=lease_s),
            updated_at=now,
        )
        .returning(n.id, n.destination_id, n.payload, n.attempts)
    )
    rows = sorted(conn.execute(stmt).all(), key=lambda r: r.id)
    if not rows:
        return []
    dest = {
        r.id: (r.kind, r.target)
        for r in conn.execute(
            select(d.id, d.kind, d.target).where(d.id.in_({r.destination_id for r in rows}))
        )
    }
    return [
        ClaimedRow(r.id, r.destination_id, *dest[r.destination_id], r.payload, r.attempts)
        for r in rows
    ]


def _transition(
    conn: Connection,
    row_id: int,
    token: str,
    from_states: tuple[str, ...],
    *conditions: ColumnElement[bool],
    **values: Any,
) -> bool:
    stmt = (
        update(notifications)
        .where(n.id == row_id, n.attempt_token == token, n.status.in_(from_states), *conditions)
        .values(**values)
    )
    return bool(conn.execute(stmt).rowcount)


def start_sending(conn: Connection, row_id: int, token: str, now: datetime, lease_s: float) -> bool:
    """claimed -> sending, committed *before* the request: the crash-safety line. False when
    the claim was lost or the destination was disabled since (another row's answer)."""
    enabled = select(d.id).where(d.enabled.is_(True))
    return _transition(
        conn,
        row_id,
        token,
        (CLAIMED,),
        n.destination_id.in_(enabled),
        status=SENDING,
        attempts=n.attempts + 1,
        sending_at=now,
        lease_until=now + timedelta(seconds=lease_s),
        updated_at=now,
    )


def mark_sent(
    conn: Connection, row_id: int, token: str, now: datetime, message_id: str | None
) -> bool:
    """sending (or unknown, when the answer came after the lease ran out) -> sent."""
    return _transition(
        conn,
        row_id,
        token,
        (SENDING, UNKNOWN),
        status=SENT,
        sent_at=now,
        provider_message_id=message_id,
        lease_until=None,
        last_error=None,
        updated_at=now,
    )


def mark_pending(
    conn: Connection,
    row_id: int,
    token: str,
    now: datetime,
    next_at: datetime,
    error: str | None,
    *,
    refund_attempt: bool = False,
) -> bool:
    """Back to pending until `next_at` (a retry, a deferral, a 429)."""
    values: dict[str, Any] = {
        "status": PENDING,
        "next_attempt_at": next_at,
        "lease_until": None,
        "attempt_token": None,
        "updated_at": now,
    }
    if error is not None:
        values["last_error"] = error
    if refund_attempt:
        values["attempts"] = n.attempts - 1  # a 429 is Telegram's pacing, not a failure
    return _transition(conn, row_id, token, (CLAIMED, SENDING), **values)


def mark_final(
    conn: Connection, row_id: int, token: str, now: datetime, status: str, error: str
) -> bool:
    """sending -> failed | unknown, with the reason."""
    return _transition(
        conn,
        row_id,
        token,
        (SENDING,),
        status=status,
        lease_until=None,
        last_error=error,
        updated_at=now,
    )


def hold_destination(conn: Connection, destination_id: int, until: datetime) -> int:
    """Nothing more to this destination before `until` (its rate limit or a 429): its
    pending rows wait, in their order, instead of being claimed only to be put back."""
    stmt = (
        update(notifications)
        .where(
            n.destination_id == destination_id,
            n.status == PENDING,
            n.next_attempt_at < until,
        )
        .values(next_attempt_at=until)
    )
    return int(conn.execute(stmt).rowcount)


def disable_destination(conn: Connection, destination_id: int, reason: str, now: datetime) -> bool:
    stmt = (
        update(destinations)
        .where(d.id == destination_id, d.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason, disabled_at=now)
    )
    return bool(conn.execute(stmt).rowcount)


@dataclass(frozen=True, slots=True)
class Reconciled:
    returned: int  # claimed, never attempted, lease expired -> pending
    unknown: int  # lease expired mid-send -> unknown (or pending when resending)
    cancelled: int  # queued for a disabled destination -> failed


def reconcile(conn: Connection, now: datetime, resend_unknown: bool) -> Reconciled:
    """Settle rows whose worker vanished, and rows for destinations that were disabled."""
    returned = conn.execute(
        update(notifications)
        .where(n.status == CLAIMED, n.lease_until < now)
        .values(status=PENDING, attempt_token=None, lease_until=None, updated_at=now)
    ).rowcount
    lost = "lease expired mid-send: the service may or may not have delivered it"
    unknown = conn.execute(
        update(notifications)
        .where(n.status == SENDING, n.lease_until < now)
        .values(
            status=PENDING if resend_unknown else UNKNOWN,
            lease_until=None,
            next_attempt_at=now,
            last_error=lost + ("; resending" if resend_unknown else "; not resent"),
            updated_at=now,
        )
    ).rowcount
    reason = (
        select(literal("destination disabled: ") + func.coalesce(d.disabled_reason, ""))
        .where(d.id == n.destination_id)
        .scalar_subquery()
    )
    disabled = select(d.id).where(d.enabled.is_(False))
    cancelled = conn.execute(
        update(notifications)
        .where(n.status == PENDING, n.destination_id.in_(disabled))
        .values(status=FAILED, last_error=reason, updated_at=now)
    ).rowcount
    return Reconciled(returned, unknown, cancelled)


def next_wakeup_at(conn: Connection) -> datetime | None:
    """When the next row becomes due or the next lease runs out (None: nothing unfinished).
    A row waiting behind its destination's message in flight is due when that one settles."""
    pending = select(func.min(n.next_attempt_at)).where(
        n.status == PENDING, n.destination_id.not_in(_in_flight())
    )
    leased = select(func.min(n.lease_until)).where(n.status.in_((CLAIMED, SENDING)))
    times = [conn.execute(pending).scalar(), conn.execute(leased).scalar()]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def status_counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(n.status, func.count()).group_by(n.status))
    return {str(status): int(count) for status, count in rows}
