"""Send-rate limits shared by every worker: a sliding-window log in Redis, or in-process.

Telegram allows about 30 messages a second per bot and 20 a minute per group or channel, and
those are limits on the *bot*, whichever worker sends. Celery's `rate_limit` is per worker,
so 20 worker processes would each allow 30/s. Here one Lua script checks and records every
limit of a send atomically in Redis; without `REDIS_URL` (the embedded single-machine
default) an in-process log does the same for one worker process.

A window alone allows bursts: "20 a minute" would let 20 messages out in under a second,
which Telegram answers with 429s. So every limit also spaces its sends evenly, at least
`window_s / count` apart (3 s for a group, 1 s for a private chat, 33 ms for the bot).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

import redis

from priceradar.adapters.notify import Limit

KEY_PREFIX = "priceradar:notify:"


class RateLimiter(Protocol):
    def try_acquire(self, limits: Sequence[Limit]) -> float:
        """Take one slot under every limit and return 0.0, or take nothing and return the
        seconds until a slot may be free."""
        ...

    def penalize(self, key: str, seconds: float) -> None:
        """Block `key` for `seconds` (a 429's retry_after), for every worker."""
        ...


class LocalRateLimiter:
    """Sliding-window logs in this process (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._logs: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}

    def try_acquire(self, limits: Sequence[Limit]) -> float:
        with self._lock:
            now = self._clock()
            wait = 0.0
            for limit in limits:
                wait = max(wait, self._blocked.get(limit.key, 0.0) - now)
                log = self._logs.setdefault(limit.key, deque())
                while log and log[0] <= now - limit.window_s:
                    log.popleft()
                if len(log) >= limit.count:
                    wait = max(wait, log[0] + limit.window_s - now)
                if log:  # no bursts: evenly spaced within the window
                    wait = max(wait, log[-1] + limit.window_s / limit.count - now)
            if wait > 0:
                return wait
            for limit in limits:
                self._logs[limit.key].append(now)
            return 0.0

    def penalize(self, key: str, seconds: float) -> None:
        with self._lock:
            until = self._clock() + seconds
            self._blocked[key] = max(self._blocked.get(key, 0.0), until)


# KEYS: log1, block1, log2, block2, ...  ARGV: count1, window_ms1, count2, window_ms2, ..., id
# Uses the server's clock, so workers with skewed clocks still share one timeline.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 2
local wait = 0
for i = 1, n do
  local log, block = KEYS[2 * i - 1], KEYS[2 * i]
  local count, window = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local blocked = redis.call('PTTL', block)
  if blocked > wait then wait = blocked end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  if redis.call('ZCARD', log) >= count then
    local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
  local newest = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
  if newest[2] then
    local w = tonumber(newest[2]) + math.ceil(window / count) - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  redis.call('ZADD', KEYS[2 * i - 1], now, ARGV[#ARGV] .. ':' .. i)
  redis.call('PEXPIRE', KEYS[2 * i - 1], tonumber(ARGV[2 * i]))
end
return 0
"""


class RedisRateLimiter:
    """Sliding-window logs in Redis, checked and updated atomically by one script."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._acquire = client.register_script(_ACQUIRE)

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        return cls(redis.Redis.from_url(url, socket_timeout=5.0))

    def try_acquire(self, limits: Sequence[Limit]) -> float:
        if not limits:
            return 0.0
        keys: list[str] = []
        args: list[str | int] = []
        for limit in limits:
            keys += [f"{KEY_PREFIX}{limit.key}", f"{KEY_PREFIX}{limit.key}:block"]
            args += [limit.count, max(1, int(limit.window_s * 1000))]
        args.append(uuid.uuid4().hex)
        wait_ms = int(self._acquire(keys=keys, args=args))
        return wait_ms / 1000.0

    def penalize(self, key: str, seconds: float) -> None:
        block = f"{KEY_PREFIX}{key}:block"
        ms = max(1, int(seconds * 1000))
        # Keep the longer of an existing and the new block.
        current = self._client.pttl(block)
        if not isinstance(current, int) or current < ms:
            self._client.set(block, "1", px=ms)

    def close(self) -> None:
        self._client.close()


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    """Redis-backed when `REDIS_URL` is set (shared by all workers), else in-process."""
    return RedisRateLimiter.from_url(redis_url) if redis_url else LocalRateLimiter()
