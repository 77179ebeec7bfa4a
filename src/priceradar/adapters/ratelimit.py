"""Politeness per (domain, egress): an adaptive token bucket every worker process shares.

Celery's `rate_limit` is per worker process; 80 processes each "limited" to 100/min send 8,000
requests a minute to one marketplace. Here each lane — a domain, or a domain through one egress
route (proxy) — has a bucket in Redis and one Lua script call per request reserves a token: it
answers how long to wait (0: go now). Time comes from the Redis server clock, so machines with
skewed clocks still share one bucket correctly.

The lane's rate adapts (AIMD): 429s beyond noise (`SIGNAL_SHARE` of the requests) cut it to
`DECREASE` x the rate the lane was actually sending at (once per `CUT_INTERVAL_S`: the 429s of
requests already in flight count once), and it grows back by `INCREASE` per second, up to the
configured rate. A domain that answers 429
above some rate settles just below it. 429s beyond noise also pause the lane for their
`Retry-After` (a 403 always does), and only that lane: other egress routes to the same domain go
on with their own budget. An odd 429 among thousands of answers defers only its own product
(never re-requested before its Retry-After): pausing every worker's traffic for it would cost
a third of the capacity at one 429 in 2,000 answers and buy the shop nothing.

Without Redis (the embedded default) the same semantics run in-process: the limit then holds
per worker process, which on one machine with a couple of processes is close enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEY_PREFIX = "priceradar:domain:"
DECREASE = 0.7  # a 429 cuts the lane's rate to this share of what it was sending
INCREASE = 0.05  # then it grows back by this share per second
CUT_INTERVAL_S = 1.0
# A 429 is a rate signal only when 429s are more than noise: a cut needs a decaying count of
# them (time constant SIGNAL_TAU_S) of at least max(1.5, SIGNAL_SHARE x requests in that time).
# A shop with a limit answers most requests above it with 429 and is cut at once; a shop with
# the odd random 429 is neither slowed nor paused: that product alone waits its Retry-After.
SIGNAL_TAU_S = 10.0
SIGNAL_SHARE = 0.01
FLOOR_PER_S = 0.05  # never below one request in 20 s

# KEYS: bucket, pause. ARGV: configured rate/s, burst, budget ms, increase per s, signal time
# constant ms.
# Returns {status, ms}: 0 = token taken, go in ms; 1 = lane paused for ms more (no token);
# 2 = the wait (ms) is longer than the budget (no token taken: giving up costs nothing).
# The hash keeps tokens, ts, the adapted rate (absent: the configured one) and a one-second
# window count (ws, wn) from which `obs`, the rate actually sent, is measured.
_RESERVE = """
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {1, pause} end
local ceiling = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate', 'ws', 'wn')
local ts = tonumber(s[2]) or now
local rate = math.min(ceiling, tonumber(s[3]) or ceiling)
if rate < ceiling then
  rate = math.min(ceiling, rate * (1 + tonumber(ARGV[4]) * (now - ts) / 1000))
end
local burst = math.max(1, math.min(tonumber(ARGV[2]), math.floor(rate)))
local tokens = math.min(burst, (tonumber(s[1]) or burst) + (now - ts) * rate / 1000) - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
if wait > tonumber(ARGV[3]) then return {2, wait} end
local ws = tonumber(s[4]) or now
local wn = (tonumber(s[5]) or 0) + 1
local rq = redis.call('HMGET', KEYS[1], 'rq', 'rqt')
local tau = tonumber(ARGV[5])
local requests = (tonumber(rq[1]) or 0) * math.exp(-(now - (tonumber(rq[2]) or now)) / tau) + 1
redis.call('HSET', KEYS[1], 'rq', tostring(requests), 'rqt', now)
if now - ws >= 1000 then
  -- a window stretched by a pause or idle time would understate the rate: not measured
  if now - ws < 2000 then redis.call('HSET', KEYS[1], 'obs', tostring(wn * 1000 / (now - ws))) end
  ws = now
  wn = 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now, 'rate', tostring(rate),
  'ws', ws, 'wn', wn)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 600000)
return {0, wait}
"""

# A 429: KEYS bucket. ARGV configured rate, decrease, floor, cut interval ms, signal share,
# signal time constant ms. Returns {rate, 1 if 429s are beyond noise (a limit) else 0}.
_SLOW_DOWN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'rate', 'obs', 'cut', 'score', 'sts', 'rq', 'rqt')
local rate = math.min(tonumber(ARGV[1]), tonumber(s[1]) or tonumber(ARGV[1]))
local tau = tonumber(ARGV[6])
local score = (tonumber(s[4]) or 0) * math.exp(-(now - (tonumber(s[5]) or now)) / tau) + 1
redis.call('HSET', KEYS[1], 'score', tostring(score), 'sts', now)
redis.call('PEXPIRE', KEYS[1], 600000)
local requests = (tonumber(s[6]) or 0) * math.exp(-(now - (tonumber(s[7]) or now)) / tau)
if score < math.max(1.5, tonumber(ARGV[5]) * requests) then return {tostring(rate), 0} end
if s[3] and now - tonumber(s[3]) < tonumber(ARGV[4]) then return {tostring(rate), 1} end
local sent = math.min(rate, tonumber(s[2]) or rate)
rate = math.max(tonumber(ARGV[3]), sent * tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'cut', now)
return {tostring(rate), 1}
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
    async def acquire(self, domain: str, max_wait_s: float, egress: str = "") -> bool:
        """Wait for the lane's turn; False if that would take longer than `max_wait_s`."""

    async def pause(self, domain: str, seconds: float, egress: str = "") -> None:
        """Leave the lane alone for `seconds` (after 429 Retry-After or 403)."""

    async def slow_down(self, domain: str, egress: str = "") -> tuple[float, bool]:
        """A 429: cut the lane's rate (AIMD) when 429s are beyond noise. Returns the lane's rate
        and whether they are (then the caller pauses the lane for Retry-After)."""

    async def close(self) -> None: ...


RateFor = Callable[[str], tuple[float, int]]  # domain -> (requests per second, burst)


def rate_table(default_per_s: float, burst: int, per_domain: Mapping[str, float]) -> RateFor:
    """Configured rate for a domain (host[:port], then host), else the default."""

    def rate_for(domain: str) -> tuple[float, int]:
        host = domain.rsplit(":", 1)[0]
        rate = per_domain.get(domain) or per_domain.get(host) or default_per_s
        return rate, max(1, min(burst, int(rate) or 1))

    return rate_for


def lane(domain: str, egress: str = "") -> str:
    """The key of a (domain, egress) lane: the domain alone when there is no egress route."""
    return f"{domain}|{egress}" if egress else domain


class RedisLimiter:
    """The buckets in Redis. Redis errors (a restart, a failover) are retried with backoff
    within the caller's budget; past it the caller is told "not now" and its product is
    deferred (never an exception that fails the batch)."""

    def __init__(self, url: str, rate_for: RateFor) -> None:
        self._redis: Any = aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
        self._rate_for = rate_for
        self._reserve = self._redis.register_script(_RESERVE)
        self._slow = self._redis.register_script(_SLOW_DOWN)
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

    async def acquire(self, domain: str, max_wait_s: float, egress: str = "") -> bool:
        deadline = time.monotonic() + max_wait_s
        rate, burst = self._rate_for(domain)
        key = f"{KEY_PREFIX}{lane(domain, egress)}"
        keys = [f"{key}:bucket", f"{key}:pause"]
        while True:
            budget_ms = max(0, int((deadline - time.monotonic()) * 1000))
            answer = await self._call(
                self._reserve,
                deadline,
                keys,
                [rate, burst, budget_ms, INCREASE, int(SIGNAL_TAU_S * 1000)],
            )
            if answer is None:
                return False
            status, wait_ms = int(answer[0]), int(answer[1])
            wait_s = wait_ms / 1000
            if status == 2 or (status == 1 and time.monotonic() + wait_s > deadline):
                return False  # (a token taken was already checked against the budget)
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

    async def pause(self, domain: str, seconds: float, egress: str = "") -> None:
        await self._call(
            self._pause,
            time.monotonic() + 2.0,
            [f"{KEY_PREFIX}{lane(domain, egress)}:pause"],
            [max(1, int(seconds * 1000))],
        )

    async def slow_down(self, domain: str, egress: str = "") -> tuple[float, bool]:
        rate, _ = self._rate_for(domain)
        answer = await self._call(
            self._slow,
            time.monotonic() + 2.0,
            [f"{KEY_PREFIX}{lane(domain, egress)}:bucket"],
            [
                rate,
                DECREASE,
                FLOOR_PER_S,
                int(CUT_INTERVAL_S * 1000),
                SIGNAL_SHARE,
                int(SIGNAL_TAU_S * 1000),
            ],
        )
        if answer is None:
            return rate, True  # Redis unreachable: err on the polite side
        return float(answer[0]), bool(int(answer[1]))

    async def close(self) -> None:
        await self._redis.aclose()


def effective_rates(url: str, limit: int = 200) -> dict[str, float]:
    """Each lane's current rate (requests/s) as the limiter holds it in Redis (adapted after
    429s, else the configured one), lowest first. For `priceradar status` and the metrics."""
    client: Any = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    rates: dict[str, float] = {}
    try:
        for key in client.scan_iter(match=f"{KEY_PREFIX}*:bucket", count=1000):
            rate = client.hget(key, "rate")
            if rate is not None:
                rates[key.decode()[len(KEY_PREFIX) : -len(":bucket")]] = round(float(rate), 2)
    finally:
        client.close()
    return dict(sorted(rates.items(), key=lambda kv: (kv[1], kv[0]))[:limit])


class LocalLimiter:
    """The same adaptive reservation buckets in process memory."""

    def __init__(self, rate_for: RateFor, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate_for = rate_for
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # lane -> (tokens, at)
        self._rates: dict[str, tuple[float, float]] = {}  # lane -> (adapted rate, cut at)
        self._paused_until: dict[str, float] = {}
        self._windows: dict[str, tuple[float, int, float]] = {}  # lane -> (start, n, sent/s)
        self._scores: dict[str, tuple[float, float]] = {}  # lane -> (decaying 429 count, at)
        self._requests: dict[str, tuple[float, float]] = {}  # lane -> (decaying requests, at)

    def rate(self, domain: str, egress: str = "") -> float:
        """The lane's current rate (adapted after 429s, growing back to the configured one)."""
        ceiling, _ = self._rate_for(domain)
        key = lane(domain, egress)
        if key not in self._rates:
            return ceiling
        rate, at = self._rates[key]
        grown = min(ceiling, rate * (1 + INCREASE * (self._clock() - at)))
        if grown >= ceiling:
            del self._rates[key]
        return grown

    def reserve(self, domain: str, max_wait_s: float = float("inf"), egress: str = "") -> float:
        """Seconds to wait for a token (taken now); negative: seconds of pause left, none taken.

        A wait longer than `max_wait_s` is returned without taking the token.
        """
        key = lane(domain, egress)
        now = self._clock()
        pause = self._paused_until.get(key, 0.0) - now
        if pause > 0:
            return -pause
        _, configured_burst = self._rate_for(domain)
        rate = self.rate(domain, egress)
        burst = max(1, min(configured_burst, int(rate)))
        tokens, at = self._buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate) - 1
        wait = 0.0 if tokens >= 0 else -tokens / rate
        if wait <= max_wait_s:
            self._buckets[key] = (tokens, now)
            self._count(key, now)
        return wait

    def _give_back(self, key: str, burst: int) -> None:
        if key in self._buckets:
            tokens, at = self._buckets[key]
            self._buckets[key] = (min(float(burst), tokens + 1), at)

    async def acquire(self, domain: str, max_wait_s: float, egress: str = "") -> bool:
        deadline = self._clock() + max_wait_s
        while True:
            wait = self.reserve(domain, max(0.0, deadline - self._clock()), egress)
            if wait != 0 and self._clock() + abs(wait) > deadline:
                return False  # a token free now is taken even with no time left to wait
            try:
                await asyncio.sleep(abs(wait))
            except asyncio.CancelledError:
                if wait > 0:
                    self._give_back(lane(domain, egress), self._rate_for(domain)[1])
                raise
            if wait >= 0:
                return True

    async def pause(self, domain: str, seconds: float, egress: str = "") -> None:
        key = lane(domain, egress)
        until = self._clock() + seconds
        self._paused_until[key] = max(until, self._paused_until.get(key, 0.0))

    async def slow_down(self, domain: str, egress: str = "") -> tuple[float, bool]:
        key = lane(domain, egress)
        now = self._clock()
        current = self.rate(domain, egress)
        score, at = self._scores.get(key, (0.0, now))
        score = score * math.exp(-(now - at) / SIGNAL_TAU_S) + 1
        self._scores[key] = (score, now)
        requests, at = self._requests.get(key, (0.0, now))
        if score < max(1.5, SIGNAL_SHARE * requests * math.exp(-(now - at) / SIGNAL_TAU_S)):
            return current, False  # an odd 429 is noise, not a limit
        if key in self._rates and now - self._rates[key][1] < CUT_INTERVAL_S:
            return current, True
        cut = max(FLOOR_PER_S, min(current, self._sent_rate(key, current)) * DECREASE)
        self._rates[key] = (cut, now)
        return cut, True

    def _sent_rate(self, key: str, current: float) -> float:
        """Requests/s the lane actually sent over its last full one-second window."""
        return self._windows.get(key, (0.0, 0, current))[2]

    def _count(self, key: str, now: float) -> None:
        requests, at = self._requests.get(key, (0.0, now))
        self._requests[key] = (requests * math.exp(-(now - at) / SIGNAL_TAU_S) + 1, now)
        start, n, sent = self._windows.get(key, (now, 0, float("inf")))
        n += 1
        if now - start >= 1.0:
            # a window stretched by a pause or idle time would understate the rate
            start, n, sent = now, 0, (n / (now - start) if now - start < 2.0 else sent)
        self._windows[key] = (start, n, sent)

    async def close(self) -> None:
        return None
