"""Leasing and dispatch: priority order, never-checked first, leases, two dispatchers at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from priceradar.adapters.db.schedule import Leased
from priceradar.services.schedule import (
    Batch,
    DispatchLimits,
    dispatch_due,
    group_batches,
    lease_batches,
)
from tests.support.factories import NOW, column, make_products, set_columns

LIMITS = DispatchLimits(lease_s=600, batch_size=3, max_per_tick=1000, max_in_flight=1000)


def test_most_urgent_band_first_then_most_overdue(engine: Engine) -> None:
    # Given due products in three bands, with different lateness
    low = make_products(engine, 2, priority_band=4, next_check_at=NOW - timedelta(hours=5))
    high = make_products(
        engine, 2, start=10, priority_band=0, next_check_at=NOW - timedelta(minutes=1)
    )
    mid_late = make_products(
        engine, 1, start=20, priority_band=2, next_check_at=NOW - timedelta(hours=2)
    )
    mid_early = make_products(
        engine, 1, start=30, priority_band=2, next_check_at=NOW - timedelta(minutes=5)
    )
    # When three are leased
    batches, _ = lease_batches(engine, LIMITS, NOW, limit=3)
    leased = [i for b in batches for i in b.product_ids]
    # Then the high band comes first, then the most overdue of the middle band
    assert leased == [*high, *mid_late]
    assert [b.priority for b in batches] == [10, 6]
    assert not set(leased) & set(low + mid_early)


def test_never_checked_products_are_due_at_once(engine: Engine) -> None:
    fresh = make_products(engine, 3)  # inserted with next_check_at = NOW, never checked
    later = make_products(engine, 2, start=10, next_check_at=NOW + timedelta(minutes=1))
    batches, _ = lease_batches(engine, LIMITS, NOW)
    assert sorted(i for b in batches for i in b.product_ids) == fresh
    assert column(engine, "lease_until", later) == dict.fromkeys(later)


def test_leased_products_are_not_dispatched_again_until_the_lease_expires(engine: Engine) -> None:
    ids = make_products(engine, 4)
    first, _ = lease_batches(engine, LIMITS, NOW)
    assert sorted(i for b in first for i in b.product_ids) == ids
    # Within the lease: nothing is due
    again, in_flight = lease_batches(engine, LIMITS, NOW + timedelta(seconds=599))
    assert again == [] and in_flight == 4
    # After it (the worker died): everything is dispatched again
    expired, in_flight = lease_batches(engine, LIMITS, NOW + timedelta(seconds=601))
    assert sorted(i for b in expired for i in b.product_ids) == ids
    assert in_flight == 0


def test_a_lease_keeps_the_due_time(engine: Engine) -> None:
    # Given a due product that is leased
    (pid,) = make_products(engine, 1, next_check_at=NOW - timedelta(minutes=3))
    lease_batches(engine, LIMITS, NOW)
    # Then it is in flight but its due time did not move
    assert column(engine, "next_check_at", [pid]) == {pid: NOW - timedelta(minutes=3)}
    assert column(engine, "lease_until", [pid]) == {pid: NOW + timedelta(seconds=600)}


def test_an_expired_lease_is_due_at_its_original_time_ahead_of_newer_work(
    engine: Engine,
) -> None:
    # Given products leased to a worker that died, and a backlog that came due later
    orphans = make_products(engine, 3, next_check_at=NOW - timedelta(minutes=1))
    lease_batches(engine, LIMITS, NOW)
    backlog = make_products(
        engine, 20, start=100, next_check_at=NOW + timedelta(seconds=LIMITS.lease_s - 30)
    )
    # When the lease has run out and the dispatcher has room for three
    later = NOW + timedelta(seconds=LIMITS.lease_s + 1)
    batches, _ = lease_batches(engine, LIMITS, later, limit=3)
    # Then the orphans go first: they were due before any of the backlog
    assert sorted(i for b in batches for i in b.product_ids) == orphans
    assert not set(backlog) & {i for b in batches for i in b.product_ids}


def test_orphans_go_first_even_when_the_backlog_was_due_at_the_same_time(
    engine: Engine,
) -> None:
    # Given a backlog due at one moment (an import), of which the last few were leased and lost
    backlog = make_products(engine, 30, next_check_at=NOW - timedelta(minutes=1))
    orphans = backlog[-3:]
    set_columns(engine, orphans, lease_until=NOW + timedelta(seconds=5), lease_token="x" * 32)
    # When their lease has run out and the dispatcher has room for three
    batches, _ = lease_batches(engine, LIMITS, NOW + timedelta(seconds=6), limit=3)
    # Then the orphans go first, not the rows that happen to sort before them
    assert sorted(i for b in batches for i in b.product_ids) == orphans


def test_every_lease_carries_a_fresh_token(engine: Engine) -> None:
    ids = make_products(engine, 4)
    first, _ = lease_batches(engine, LIMITS, NOW)
    again, _ = lease_batches(engine, LIMITS, NOW + timedelta(seconds=LIMITS.lease_s + 1))
    tokens = {b.lease_token for b in first}
    assert len(tokens) == 1 and None not in tokens
    assert {b.lease_token for b in again} & tokens == set()
    assert set(column(engine, "lease_token", ids).values()) == {b.lease_token for b in again}


def test_in_flight_budget_is_backpressure(engine: Engine) -> None:
    make_products(engine, 10)
    limits = DispatchLimits(lease_s=600, batch_size=100, max_per_tick=1000, max_in_flight=6)
    first, _ = lease_batches(engine, limits, NOW)
    second, in_flight = lease_batches(engine, limits, NOW)
    assert sum(len(b.product_ids) for b in first) == 6
    assert second == [] and in_flight == 6


def test_inactive_products_are_never_dispatched(engine: Engine) -> None:
    ids = make_products(engine, 3)
    set_columns(engine, ids[:1], status="inactive")
    batches, _ = lease_batches(engine, LIMITS, NOW)
    assert sorted(i for b in batches for i in b.product_ids) == ids[1:]


def test_batches_group_by_domain_and_respect_size() -> None:
    leased = [Leased(i, "a.test" if i % 2 else "b.test", 1) for i in range(1, 11)]
    batches = group_batches(leased, batch_size=2)
    assert all(len({b.domain}) == 1 and len(b.product_ids) <= 2 for b in batches)
    assert sorted(i for b in batches for i in b.product_ids) == list(range(1, 11))
    assert {b.priority for b in batches} == {8}


def test_enqueue_failure_gives_the_leases_back_at_once(engine: Engine) -> None:
    ids = make_products(engine, 6)
    limits = DispatchLimits(lease_s=600, batch_size=2, max_per_tick=1000, max_in_flight=1000)
    sent: list[Batch] = []

    def flaky(batch: Batch) -> None:
        if sent:
            raise ConnectionError("broker down")
        sent.append(batch)

    with pytest.raises(ConnectionError):
        dispatch_due(engine, flaky, limits, NOW)
    # Nothing is lost, nothing waits out a lease: what was not enqueued is due again now
    batches, in_flight = lease_batches(engine, limits, NOW)
    assert in_flight == 2
    assert sorted(i for b in batches for i in b.product_ids) == sorted(
        set(ids) - set(sent[0].product_ids)
    )


def test_two_dispatchers_at_once_never_lease_the_same_product(engine: Engine) -> None:
    # Given many due products and two dispatchers racing (two beats started by mistake)
    ids = make_products(engine, 600)
    results: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def run(slot: int) -> None:
        barrier.wait()
        for _ in range(10):
            batches, _ = lease_batches(engine, LIMITS, NOW, limit=50)
            results[slot].extend(i for b in batches for i in b.product_ids)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then every product was leased exactly once between them
    assert not set(results[0]) & set(results[1])
    assert sorted(results[0] + results[1]) == ids
