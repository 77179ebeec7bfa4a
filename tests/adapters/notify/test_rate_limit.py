"""Send-rate limiters: in-process, and Redis-backed shared by several workers."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

import pytest
import redis

from priceradar.adapters.notify import Limit
from priceradar.adapters.notify.rate_limit import LocalRateLimiter, RedisRateLimiter
from tests.support.services import REDIS_HOST_PORT, require_redis

REDIS_TEST_DB = 12  # not used by the stacks' broker/result/state databases (15, 14, 13)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_local_limiter_sliding_window_and_penalty() -> None:
    # Given 2 sends per 10 s under one key and 5 per second for the bot
    clock = Clock()
    limiter = LocalRateLimiter(clock)
    limits = [Limit("bot", 5, 1.0), Limit("chat", 2, 10.0)]
    assert limiter.try_acquire(limits) == 0.0
    clock.now += 5
    assert limiter.try_acquire(limits) == 0.0
    # When a third send tries, then it waits until the first leaves the window
    clock.now += 1
    assert limiter.try_acquire(limits) == pytest.approx(4.0)
    clock.now += 4.01
    assert limiter.try_acquire(limits) == 0.0
    # and a refused attempt took no slot from the other limit
    clock.now += 0.2
    assert limiter.try_acquire([Limit("chat", 2, 10.0)]) > 0
    assert limiter.try_acquire([Limit("bot", 5, 1.0)]) == 0.0
    # When a 429 says "retry after 30", then the key is blocked that long
    limiter.penalize("chat", 30)
    assert limiter.try_acquire([Limit("chat", 100, 1.0)]) == pytest.approx(30.0)


def test_limits_have_no_bursts() -> None:
    # Given Telegram's 20 messages a minute for a group
    clock = Clock()
    limiter = LocalRateLimiter(clock)
    group = [Limit("group", 20, 60.0)]
    # When messages try to go out as fast as possible, then they leave 3 s apart, not 20 at once
    sent = []
    while clock.now < 1060:
        wait = limiter.try_acquire(group)
        if wait == 0.0:
            sent.append(clock.now)
        clock.now += max(wait, 0.01)
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert len(sent) == 20 and min(gaps) == pytest.approx(3.0, abs=0.02)


@pytest.fixture
def redis_url() -> Iterator[str]:
    require_redis()
    url = f"redis://{REDIS_HOST_PORT}/{REDIS_TEST_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_redis_limiter_is_shared_by_workers(redis_url: str) -> None:
    # Given two workers' limiters on one Redis and a limit of 10 sends per second
    workers = [RedisRateLimiter.from_url(redis_url) for _ in range(2)]
    limits = [Limit("tg:1:all", 10, 1.0)]
    granted: list[float] = []
    lock = threading.Lock()

    def hammer(limiter: RedisRateLimiter) -> None:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            if limiter.try_acquire(limits) == 0.0:
                with lock:
                    granted.append(time.monotonic())

    # When both try to send as fast as they can for 1.5 s
    threads = [threading.Thread(target=hammer, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then no one-second window ever saw more than 10 sends between them
    granted.sort()
    for i, at in enumerate(granted):
        in_window = [g for g in granted[i:] if g < at + 0.95]
        assert len(in_window) <= 10
    assert 10 <= len(granted) <= 20


def test_redis_limiter_reports_wait_and_honours_penalty(redis_url: str) -> None:
    a, b = RedisRateLimiter.from_url(redis_url), RedisRateLimiter.from_url(redis_url)
    per_min = [Limit("tg:1:chat:-100", 2, 60.0)]
    assert a.try_acquire(per_min) == 0.0
    # Sends are spaced evenly: the second of 2 a minute waits 30 s, on every worker
    assert 29.0 < b.try_acquire(per_min) <= 30.0
    assert 29.0 < a.try_acquire(per_min) <= 30.0
    # A 429 seen by one worker blocks the key for the other
    a.penalize("tg:1:chat:-5", 20)
    assert 19.0 < b.try_acquire([Limit("tg:1:chat:-5", 100, 1.0)]) <= 20.0
    assert b.try_acquire([]) == 0.0
