"""The per-domain token bucket: in-process semantics, and shared through real Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from priceradar.adapters.ratelimit import LocalLimiter, RedisLimiter, effective_rates, rate_table
from tests.conftest import REDIS_STATE_DB
from tests.support.redis_server import PrivateRedis
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


def test_local_callers_that_give_up_return_their_tokens() -> None:
    # Given a bucket at 5/s that 36 callers asked for a token and gave up on (budget 0.1 s)
    limiter = LocalLimiter(rate_table(5.0, 1, {}))

    async def run() -> tuple[list[bool], float]:
        assert await limiter.acquire("shop.test", max_wait_s=1)
        gave_up = [await limiter.acquire("shop.test", max_wait_s=0.1) for _ in range(36)]
        started = time.monotonic()
        assert await limiter.acquire("shop.test", max_wait_s=30)
        return gave_up, time.monotonic() - started

    gave_up, waited = asyncio.run(run())
    # Then the next caller waits about one interval, not 36 of them
    assert gave_up == [False] * 36
    assert waited < 0.5


def test_local_caller_cancelled_while_waiting_returns_its_token() -> None:
    clock = FakeClock()
    limiter = LocalLimiter(rate_table(1.0, 1, {}), clock)
    assert limiter.reserve("shop.test") == 0.0

    async def run() -> None:
        waiter = asyncio.ensure_future(limiter.acquire("shop.test", max_wait_s=30))
        await asyncio.sleep(0.01)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)

    asyncio.run(run())
    # the cancelled caller's reservation (1 s away) is free again
    assert limiter.reserve("shop.test") == 1.0


@pytest.mark.redis
def test_redis_callers_that_give_up_return_their_tokens() -> None:
    require_redis()
    url = f"redis://{REDIS_HOST_PORT}/{REDIS_STATE_DB}"
    domain = f"shop-{uuid.uuid4().hex[:8]}.test"

    async def run() -> tuple[list[bool], float]:
        limiter = RedisLimiter(url, rate_table(1.0, 1, {}))
        assert await limiter.acquire(domain, max_wait_s=1)
        gave_up = await asyncio.gather(
            *(limiter.acquire(domain, max_wait_s=0.1) for _ in range(36))
        )
        started = time.monotonic()
        assert await limiter.acquire(domain, max_wait_s=30)
        waited = time.monotonic() - started
        await limiter.close()
        return list(gave_up), waited

    gave_up, waited = asyncio.run(run())
    assert gave_up == [False] * 36
    assert waited < 2.0  # one interval (1 s), not 37 of them


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_limiter_rides_out_a_redis_restart(private_redis: PrivateRedis) -> None:
    # Given a limiter that has talked to Redis (its pooled connection is open)
    async def run() -> tuple[bool, bool]:
        limiter = RedisLimiter(private_redis.url, rate_table(100.0, 10, {}))
        assert await limiter.acquire("shop.test", max_wait_s=5)
        # When Redis restarts (down for about a second)
        private_redis.stop()
        loop = asyncio.get_running_loop()
        restart = loop.run_in_executor(None, lambda: (time.sleep(1.0), private_redis.start()))
        # Then a caller waits through the outage instead of raising
        through = await limiter.acquire("shop.test", max_wait_s=15)
        await restart
        # and a pause (429 feedback) after the restart works too
        await limiter.pause("shop.test", 0.1)
        after = await limiter.acquire("shop.test", max_wait_s=5)
        await limiter.close()
        return through, after

    assert asyncio.run(run()) == (True, True)


def test_redis_limiter_down_for_longer_than_the_budget_defers_without_raising(
    private_redis: PrivateRedis,
) -> None:
    async def run() -> tuple[bool, float]:
        limiter = RedisLimiter(private_redis.url, rate_table(100.0, 10, {}))
        private_redis.stop()
        started = time.monotonic()
        got = await limiter.acquire("shop.test", max_wait_s=1.0)
        await limiter.pause("shop.test", 5)  # feedback is best effort: never raises
        await limiter.close()
        return got, time.monotonic() - started

    got, took = asyncio.run(run())
    assert got is False
    assert took < 5


def test_local_429s_beyond_noise_cut_the_lane_rate_once_then_it_grows_back() -> None:
    clock = FakeClock()
    limiter = LocalLimiter(rate_table(10.0, 1, {}), clock)
    lane = "proxy-a:3128"
    # an odd 429 is noise: Retry-After pauses the lane, the rate stays
    assert asyncio.run(limiter.slow_down("shop.test", lane)) == (10.0, False)
    # 429s that keep coming are a limit: the rate is cut, once per burst
    cuts = [asyncio.run(limiter.slow_down("shop.test", lane)) for _ in range(3)]
    assert cuts == [(pytest.approx(7.0), True)] * 3
    assert limiter.rate("shop.test") == 10.0  # the direct lane is untouched
    clock.now += 5
    assert limiter.rate("shop.test", lane) == pytest.approx(7.0 * 1.25)
    clock.now += 60
    assert limiter.rate("shop.test", lane) == 10.0


def test_local_random_429s_at_a_high_rate_do_not_slow_the_lane() -> None:
    # One 429 in 2,000 answers at 100 requests/s: a shop's noise, not its limit
    clock = FakeClock()
    limiter = LocalLimiter(rate_table(100.0, 100, {}), clock)
    for _ in range(120):
        for _ in range(100):
            limiter.reserve("shop.test")
            clock.now += 0.01
        if int(clock.now) % 20 == 0:
            asyncio.run(limiter.slow_down("shop.test"))
    assert limiter.rate("shop.test") == 100.0


@pytest.mark.redis
def test_redis_429_cuts_the_shared_lane_rate_and_status_reports_it() -> None:
    require_redis()
    url = f"redis://{REDIS_HOST_PORT}/{REDIS_STATE_DB}"
    domain = f"shop-{uuid.uuid4().hex[:8]}.test"

    async def run() -> tuple[float, float]:
        first, second = (RedisLimiter(url, rate_table(10.0, 5, {})) for _ in range(2))
        for _ in range(5):
            assert await first.acquire(domain, max_wait_s=5, egress="proxy-a:3128")
        noise = await first.slow_down(domain, "proxy-a:3128")  # an odd 429: no cut
        assert noise == (10.0, False)
        cut = await first.slow_down(domain, "proxy-a:3128")
        again = await second.slow_down(domain, "proxy-a:3128")  # another process, same burst
        await first.close()
        await second.close()
        return cut, again

    cut, again = asyncio.run(run())
    rates = effective_rates(url, limit=100_000)
    assert cut == again == (pytest.approx(7.0), True)
    assert rates[f"{domain}|proxy-a:3128"] == pytest.approx(7.0)
