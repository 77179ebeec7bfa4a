"""The schedule's vocabulary, in one place: what due, in flight, orphaned and overdue mean.

A product row carries three schedule columns:

- `next_check_at`: when the product is next due. Only a stored check result moves it (and an
  operator or the priority sweep, for a product not in flight). A lease never moves it, so a
  product whose worker died is due at its ORIGINAL time again and goes ahead of newer work.
- `lease_until`: while in the future the product is in flight (queued or being checked);
  the dispatcher does not hand it out again.
- `lease_token`: which dispatch holds the lease. The batch message carries it; a copy of the
  message redelivered after its lease was lost or handed to another dispatch checks nothing.

Definitions (the SQL twins live in `adapters/db/schedule.py`; both must agree):

- in flight: `lease_until > now`
- orphaned:  `lease_until <= now` (a lease ran out before its check was stored: the worker died
  or the message was lost); an orphaned product is due again at its original time
- due:       active, `next_check_at <= now`, and not in flight
- overdue_s: for a due product, `now - next_check_at`
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ScheduleState:
    status: str
    next_check_at: datetime
    lease_until: datetime | None


def in_flight(state: ScheduleState, now: datetime) -> bool:
    return state.lease_until is not None and state.lease_until > now


def orphaned(state: ScheduleState, now: datetime) -> bool:
    return state.lease_until is not None and state.lease_until <= now


def due(state: ScheduleState, now: datetime) -> bool:
    return state.status == "active" and state.next_check_at <= now and not in_flight(state, now)


def overdue_s(state: ScheduleState, now: datetime) -> float:
    """Seconds a due product has waited past its due time; 0 when it is not due."""
    return (now - state.next_check_at).total_seconds() if due(state, now) else 0.0


# -- when a product is next due (every writer of next_check_at asks here) --


def due_after_check(checked_at: datetime, interval_s: float, retry_in_s: float | None) -> datetime:
    """After a check: one interval later; after a transient failure, the retry if sooner."""
    normal = checked_at + timedelta(seconds=interval_s)
    return normal if retry_in_s is None else min(normal, checked_at + timedelta(seconds=retry_in_s))


def due_after_new_interval(
    now: datetime, last_checked_at: datetime | None, planned: datetime, interval_s: float
) -> datetime:
    """A new interval counts from the last check, never later than already planned nor in
    the past (a product not in flight; a running check reschedules itself)."""
    restart = (last_checked_at or now) + timedelta(seconds=interval_s)
    return max(now, min(planned, restart))


def lease_expiry(now: datetime, lease_s: float) -> datetime:
    return now + timedelta(seconds=lease_s)


def new_lease_token() -> str:
    """A token naming one dispatch's leases (32 hex characters)."""
    return secrets.token_hex(16)
