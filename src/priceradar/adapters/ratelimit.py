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
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import redis.asyncio as aioredis

KEY_PREFIX = "priceradar:domain:"

# KEYS: bucket, pause. ARGV: rate per second, burst. Returns ms to wait (0 = token taken now)
# or, negative, the ms left of a pause (no token taken: the caller asks again later).
_RESERVE = """
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return -pause end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 60000)
if tokens >= 0 then return 0 end
return math.ceil(-tokens * 1000 / rate)
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
    def __init__(self, url: str, rate_for: RateFor) -> None:
        self._redis: Any = aioredis.Redis.from_url(url)
        self._rate_for = rate_for
        self._reserve = self._redis.register_script(_RESERVE)
        self._pause = self._redis.register_script(_PAUSE)

    async def acquire(self, domain: str, max_wait_s: float) -> bool:
        deadline = time.monotonic() + max_wait_s
        rate, burst = self._rate_for(domain)
        keys = [f"{KEY_PREFIX}{domain}:bucket", f"{KEY_PREFIX}{domain}:pause"]
        while True:
            wait_ms = int(await self._reserve(keys=keys, args=[rate, burst]))
            wait_s = abs(wait_ms) / 1000
            if time.monotonic() + wait_s > deadline:
                return False
            await asyncio.sleep(wait_s)
            if wait_ms >= 0:
                return True

    async def pause(self, domain: str, seconds: float) -> None:
        await self._pause(keys=[f"{KEY_PREFIX}{domain}:pause"], args=[max(1, int(seconds * 1000))])

    async def close(self) -> None:
        await self._redis.aclose()


class LocalLimiter:
    """The same reservation bucket in process memory."""

    def __init__(self, rate_for: RateFor, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate_for = rate_for
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # domain -> (tokens, at)
        self._paused_until: dict[str, float] = {}

    def reserve(self, domain: str) -> float:
        """Seconds to wait for a token (taken now); negative: seconds of pause left, none taken."""
        now = self._clock()
        pause = self._paused_until.get(domain, 0.0) - now
        if pause > 0:
            return -pause
        rate, burst = self._rate_for(domain)
        tokens, at = self._buckets.get(domain, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate) - 1
        self._buckets[domain] = (tokens, now)
        return 0.0 if tokens >= 0 else -tokens / rate

    async def acquire(self, domain: str, max_wait_s: float) -> bool:
        deadline = self._clock() + max_wait_s
        while True:
            wait = self.reserve(domain)
            if self._clock() + abs(wait) > deadline:
                return False
            await asyncio.sleep(abs(wait))
            if wait >= 0:
                return True

    async def pause(self, domain: str, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused_until[domain] = max(until, self._paused_until.get(domain, 0.0))

    async def close(self) -> None:
        return None
