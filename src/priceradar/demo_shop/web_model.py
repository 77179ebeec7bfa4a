"""How the real web behaves, drawn per request: long-tail latency, hangs, 5xx, 429s with
Retry-After, malformed pages. The clean model (all zero) serves every page at once.

`REALISTIC` is what `priceradar bench` measures next to the clean figure: a log-normal latency
with median 80 ms and p99 2 s, 0.2 % of requests hanging past any client timeout, 1 % HTTP 500,
0.05 % HTTP 429 with `Retry-After: 1`, 0.2 % malformed pages (HTTP 200, no product on them).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import StrEnum

Z_99 = 2.3263478740408408  # the standard normal's 99th percentile


class Mishap(StrEnum):
    HANG = "hang"
    SERVER_ERROR = "server_error"
    RATE_LIMITED = "rate_limited"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class WebModel:
    latency_median_s: float = 0.0
    latency_p99_s: float = 0.0
    hang_rate: float = 0.0
    hang_s: float = 60.0  # longer than the client's timeout: the client gives up first
    server_error_rate: float = 0.0
    rate_limited_rate: float = 0.0
    retry_after_s: int = 1
    malformed_rate: float = 0.0

    def __post_init__(self) -> None:
        rates = (self.hang_rate, self.server_error_rate, self.rate_limited_rate)
        if any(not 0.0 <= r <= 1.0 for r in (*rates, self.malformed_rate)) or sum(rates) > 1:
            raise ValueError("rates must be within [0, 1] and sum to at most 1")
        if self.latency_median_s < 0 or self.latency_p99_s < self.latency_median_s:
            raise ValueError("latency: 0 <= median <= p99")

    @property
    def is_clean(self) -> bool:
        return self == CLEAN

    def draw(self, rng: random.Random) -> tuple[float, Mishap | None]:
        """(seconds to wait before answering, what goes wrong or None)."""
        delay = 0.0
        if self.latency_median_s > 0:
            sigma = math.log(self.latency_p99_s / self.latency_median_s) / Z_99
            delay = rng.lognormvariate(math.log(self.latency_median_s), sigma)
        roll = rng.random()
        for rate, mishap in (
            (self.hang_rate, Mishap.HANG),
            (self.server_error_rate, Mishap.SERVER_ERROR),
            (self.rate_limited_rate, Mishap.RATE_LIMITED),
        ):
            if roll < rate:
                return (self.hang_s if mishap is Mishap.HANG else delay), mishap
            roll -= rate
        if rng.random() < self.malformed_rate:
            return delay, Mishap.MALFORMED
        return delay, None


CLEAN = WebModel()
REALISTIC = WebModel(
    latency_median_s=0.08,
    latency_p99_s=2.0,
    hang_rate=0.002,
    server_error_rate=0.01,
    rate_limited_rate=0.0005,
    retry_after_s=1,
    malformed_rate=0.002,
)
MODELS = {"clean": CLEAN, "realistic": REALISTIC}

MALFORMED_BODY = (
    b"<!DOCTYPE html><html><head><title>Temporarily unavailable</title></head><body><div class="
    b'"product"><h1>\xff\xfe\x00 <span class="price">'
)
