"""The per-domain token bucket: in-process semantics, and shared through real Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from priceradar.adapters.ratelimit import LocalLimiter, RedisLimiter, rate_table
from tests.conftest import REDIS_STATE_DB
from tests.support.services import REDIS_HOST_PORT, require_redis


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_local_bucket_allows_a_burst_then_spaces_requests() -> None:
    clock = FakeClock()
    limiter = LocalLimiter(rate_table(2.0, 2, {}), clock)
    waits = [limiter.reserve("shop.test") for _ in range(5)]
    assert waits == [0.0, 0.0, 0.5, 1.0, 1.5]
    clock.now += 10  # refilled, but never above the burst
    assert [limiter.reserve("shop.test") for _ in range(3)] == [0.0, 0.0, 0.5]


def test_local_pause_holds_the_domain_without_taking_tokens() -> None:
    clock = FakeClock()
    limiter = LocalLimiter(rate_table(1.0, 1, {}), clock)
    asyncio.run(limiter.pause("shop.test", 7))
    assert limiter.reserve("shop.test") == -7.0
    assert limiter.reserve("other.test") == 0.0
    clock.now += 7.5
    assert limiter.reserve("shop.test") == 0.0


def test_per_domain_rates_override_the_default() -> None:
    rate_for = rate_table(10.0, 5, {"slow.test": 0.5, "api.test:8080": 3.0})
    assert rate_for("slow.test") == (0.5, 1)
    assert rate_for("slow.test:443") == (0.5, 1)
    assert rate_for("api.test:8080") == (3.0, 3)
    assert rate_for("fast.test") == (10.0, 5)


def test_acquire_gives_up_when_the_wait_exceeds_the_budget() -> None:
    limiter = LocalLimiter(rate_table(1.0, 1, {}))

    async def run() -> list[bool]:
        return [await limiter.acquire("shop.test", max_wait_s=0.2) for _ in range(3)]

    assert asyncio.run(run()) == [True, False, False]


@pytest.mark.redis
def test_two_processes_share_one_redis_bucket() -> None:
    # Given two limiters (as in two worker processes) on one Redis, 5 requests/s, burst 1
    require_redis()
    url = f"redis://{REDIS_HOST_PORT}/{REDIS_STATE_DB}"
    domain = f"shop-{uuid.uuid4().hex[:8]}.test"

    async def run() -> tuple[list[float], float]:
        limiters = [RedisLimiter(url, rate_table(5.0, 1, {})) for _ in range(2)]
        stamps: list[float] = []

        async def take(limiter: RedisLimiter) -> None:
            for _ in range(6):
                assert await limiter.acquire(domain, max_wait_s=30)
                stamps.append(time.monotonic())

        started = time.monotonic()
        await asyncio.gather(*(take(lim) for lim in limiters))
        for lim in limiters:
            await lim.close()
        return sorted(stamps), started

    stamps, started = asyncio.run(run())
    # Then 12 requests took at least 11 intervals of 0.2 s: the limit held across both
    assert stamps[-1] - started >= 11 * 0.2 - 0.05
    # and no one-second window saw more than rate + burst requests
    assert max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps) <= 6


@pytest.mark.redis
def test_redis_pause_is_seen_by_every_process() -> None:
    require_redis()
    url = f"redis://{REDIS_HOST_PORT}/{REDIS_STATE_DB}"
    domain = f"shop-{uuid.uuid4().hex[:8]}.test"

    async def run() -> tuple[bool, bool]:
        first, second = (RedisLimiter(url, rate_table(100.0, 10, {})) for _ in range(2))
        await first.pause(domain, 5)
        blocked = await second.acquire(domain, max_wait_s=0.5)
        other = await second.acquire(domain + "x", max_wait_s=0.5)
        await first.close()
        await second.close()
        return blocked, other

    assert asyncio.run(run()) == (False, True)
