"""Per-domain politeness: a token bucket every worker process and machine shares.

Celery's `rate_limit` is per worker process; 80 processes each "limited" to 100/min send 8,000
requests a minute to one marketplace. Here the bucket lives in Redis and one Lua script call
per request reserves a token: it answers how long to wait (0: go now). A 429 or 403 sets a
pause key for the domain that every worker sees. Time comes from the Redis server clock, so
machines with skewed clocks still share one bucket correctly.

Without Redis (the embedded default) the same semantics run in-process: the limit then holds
per worker process, which on one machine with a couple of processes is close enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEY_PREFIX = "priceradar:domain:"

# KEYS: bucket, pause. ARGV: rate per second, burst, the caller's budget in ms.
# Returns {status, ms}: 0 = token taken, go in ms; 1 = domain paused for ms more (no token);
# 2 = the wait (ms) is longer than the budget (no token taken: giving up costs nothing).
_RESERVE = """
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {1, pause} end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
if wait > tonumber(ARGV[3]) then return {2, wait} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 60000)
return {0, wait}
"""

# A caller cancelled while waiting gives its token back: KEYS bucket, ARGV burst.
_REFUND = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens == nil then return 0 end
redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1)))
return 1
"""

# Extend a pause, never shorten it: KEYS pause, ARGV ms.
_PAUSE = """
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
"""


class DomainLimiter(Protocol):
    async def acquire(self, domain: str, max_wait_s: float) -> bool:
        """Wait for the domain's turn; False if that would take longer than `max_wait_s`."""

    async def pause(self, domain: str, seconds: float) -> None:
        """Leave the domain alone for `seconds` (after 429 Retry-After or 403)."""

    async def close(self) -> None: ...


RateFor = Callable[[str], tuple[float, int]]  # domain -> (requests per second, burst)


def rate_table(default_per_s: float, burst: int, per_domain: Mapping[str, float]) -> RateFor:
    """Configured rate for a domain (host[:port], then host), else the default."""

    def rate_for(domain: str) -> tuple[float, int]:
        host = domain.rsplit(":", 1)[0]
        rate = per_domain.get(domain) or per_domain.get(host) or default_per_s
        return rate, max(1, min(burst, int(rate) or 1))

    return rate_for


class RedisLimiter:
    """The bucket in Redis. Redis errors (a restart, a failover) are retried with backoff within
    the caller's budget; past it the caller is told "not now" and its product is deferred."""

    def __init__(self, url: str, rate_for: RateFor) -> None:
        self._redis: Any = aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
        self._rate_for = rate_for
        self._reserve = self._redis.register_script(_RESERVE)
        self._refund = self._redis.register_script(_REFUND)
        self._pause = self._redis.register_script(_PAUSE)

    async def _call(self, script: Any, deadline: float, keys: list[str], args: list[Any]) -> Any:
        """Run a script; on a Redis error retry with backoff until `deadline`, then None."""
        backoff = 0.05
        while True:
            try:
                return await script(keys=keys, args=args)
            except (RedisError, OSError) as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("rate limiter: Redis unavailable, deferring", exc_info=exc)
                    return None
                await asyncio.sleep(min(backoff, left))
                backoff = min(backoff * 2, 2.0)

    async def acquire(self, domain: str, max_wait_s: float) -> bool:
        deadline = time.monotonic() + max_wait_s
        rate, burst = self._rate_for(domain)
        keys = [f"{KEY_PREFIX}{domain}:bucket", f"{KEY_PREFIX}{domain}:pause"]
        while True:
            budget_ms = max(0, int((deadline - time.monotonic()) * 1000))
            answer = await self._call(self._reserve, deadline, keys, [rate, burst, budget_ms])
            if answer is None:
                return False
            status, wait_ms = int(answer[0]), int(answer[1])
            wait_s = wait_ms / 1000
            if status == 2 or time.monotonic() + wait_s > deadline:
                return False
            if status == 0:
                try:
                    await asyncio.sleep(wait_s)
                except asyncio.CancelledError:
                    if wait_s > 0:
                        await self._give_back(keys[0], burst)
                    raise
                return True
            await asyncio.sleep(wait_s)  # paused: ask again when the pause ends

    async def _give_back(self, bucket: str, burst: int) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(
                self._call(self._refund, time.monotonic() + 1.0, [bucket], [burst])
            )

    async def pause(self, domain: str, seconds: float) -> None:
        await self._call(
            self._pause,
            time.monotonic() + 2.0,
            [f"{KEY_PREFIX}{domain}:pause"],
            [max(1, int(seconds * 1000))],
        )

    async def close(self) -> None:
        await self._redis.aclose()


class LocalLimiter:
    """The same reservation bucket in process memory."""

    def __init__(self, rate_for: RateFor, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate_for = rate_for
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # domain -> (tokens, at)
        self._paused_until: dict[str, float] = {}

    def reserve(self, domain: str, max_wait_s: float = float("inf")) -> float:
        """Seconds to wait for a token (taken now); negative: seconds of pause left, none taken.

        A wait longer than `max_wait_s` is returned without taking the token.
        """
        now = self._clock()
        pause = self._paused_until.get(domain, 0.0) - now
        if pause > 0:
            return -pause
        rate, burst = self._rate_for(domain)
        tokens, at = self._buckets.get(domain, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate) - 1
        wait = 0.0 if tokens >= 0 else -tokens / rate
        if wait <= max_wait_s:
            self._buckets[domain] = (tokens, now)
        return wait

    def _give_back(self, domain: str) -> None:
        _, burst = self._rate_for(domain)
        if domain in self._buckets:
            tokens, at = self._buckets[domain]
            self._buckets[domain] = (min(float(burst), tokens + 1), at)

    async def acquire(self, domain: str, max_wait_s: float) -> bool:
        deadline = self._clock() + max_wait_s
        while True:
            wait = self.reserve(domain, max(0.0, deadline - self._clock()))
            if self._clock() + abs(wait) > deadline:
                return False
            try:
                await asyncio.sleep(abs(wait))
            except asyncio.CancelledError:
                if wait > 0:
                    self._give_back(domain)
                raise
            if wait >= 0:
                return True

    async def pause(self, domain: str, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused_until[domain] = max(until, self._paused_until.get(domain, 0.0))

    async def close(self) -> None:
        return None
