"""The demo shop's memory: request counters and what it last served (the truth oracle)."""

from __future__ import annotations

import struct
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from priceradar.demo_shop.catalog import ShopConfig, fault_of, in_stock_at, price_at, product

Clock = Callable[[], float]
_COUNT_MASK = (1 << 30) - 1


@dataclass(frozen=True, slots=True)
class ProductTruth:
    """What the shop last served for one id. Price fields describe the last page that carried a
    usable price (`served_at` = its epoch); they are None if no such page was served yet."""

    id: int
    served_count: int  # every response for /p/{id}, errors included
    last_status: int | None
    served_at: int | None
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    title: str | None
    format: str | None
    fault: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "served_count": self.served_count,
            "last_status": self.last_status,
            "served_at": self.served_at,
            "price": None if self.price is None else str(self.price),
            "currency": self.currency,
            "in_stock": self.in_stock,
            "title": self.title,
            "format": self.format,
            "fault": self.fault,
        }


class GzipSplicer:
    """gzip bodies without recompressing cached padding on every request.

    Cacheable parts (>= `static_min` bytes, the same object every time) are deflated once; the
    per-request parts are compressed with full flushes around them, so no back-reference crosses
    a splice point. The result is one ordinary gzip member.
    """

    _HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

    def __init__(self, level: int = 6, static_min: int = 4096, max_cached: int = 64) -> None:
        self._level, self._static_min, self._max_cached = level, static_min, max_cached
        self._cache: dict[int, tuple[bytes, bytes]] = {}

    def _static(self, part: bytes) -> bytes:
        hit = self._cache.get(id(part))
        if hit is not None and hit[0] is part:
            return hit[1]
        comp = zlib.compressobj(self._level, zlib.DEFLATED, -15)
        data = comp.compress(part) + comp.flush(zlib.Z_FULL_FLUSH)
        if len(self._cache) >= self._max_cached:
            self._cache.clear()
        self._cache[id(part)] = (part, data)
        return data

    def compress(self, parts: Sequence[bytes], *, cacheable: bool = True) -> bytes:
        out, crc, size = [self._HEADER], 0, 0
        comp = zlib.compressobj(self._level, zlib.DEFLATED, -15)
        for part in parts:
            crc, size = zlib.crc32(part, crc), size + len(part)
            if cacheable and len(part) >= self._static_min:
                out += (comp.flush(zlib.Z_FULL_FLUSH), self._static(part))
            else:
                out.append(comp.compress(part))
        out += (comp.flush(zlib.Z_FINISH), struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(out)


class ShopState:
    """Counters and the last-served truth (one packed int per id actually served)."""

    def __init__(self, cfg: ShopConfig, clock: Clock = time.time) -> None:
        self.cfg, self.clock = cfg, clock
        self.started_at = clock()
        self.by_status: Counter[int] = Counter()
        self.gzip = GzipSplicer()
        self._served: dict[int, int] = {}  # id -> (price_epoch + 1) << 40 | count << 10 | status
        self._flaky_epoch: dict[int, int] = {}
        # When product pages were requested (monotonic seconds), for politeness tests.
        self.request_times: deque[float] = deque(maxlen=100_000)

    def epoch(self) -> int:
        return self.cfg.epoch_at(self.clock())

    def first_in_epoch(self, product_id: int, epoch: int) -> bool:
        previous = self._flaky_epoch.get(product_id)
        self._flaky_epoch[product_id] = epoch
        return previous != epoch

    def record(self, product_id: int, status: int, epoch: int, has_price: bool) -> None:
        old = self._served.get(product_id, 0)
        price_epoch = epoch + 1 if has_price else old >> 40
        count = min(((old >> 10) & _COUNT_MASK) + 1, _COUNT_MASK)
        self._served[product_id] = (price_epoch << 40) | (count << 10) | (status & 0x3FF)

    def truth(self, product_id: int) -> ProductTruth:
        fault = fault_of(self.cfg, product_id)
        packed = self._served.get(product_id, 0)
        count = (packed >> 10) & _COUNT_MASK
        status = (packed & 0x3FF) or None
        if packed >> 40 == 0:  # never served a usable price
            return ProductTruth(
                product_id, count, status, None, None, None, None, None, None, fault
            )
        epoch, p, seed = (packed >> 40) - 1, product(self.cfg, product_id), self.cfg.seed
        price = price_at(product_id, epoch, seed=seed)
        stock = in_stock_at(product_id, epoch, seed=seed)
        return ProductTruth(
            product_id,
            count,
            status,
            epoch,
            price,
            p.currency,
            stock,
            p.title,
            p.kind or p.format,
            fault,
        )

    def stats(self) -> dict[str, object]:
        by_status = dict(self.by_status)
        return {
            "requests": sum(by_status.values()),
            "by_status": {str(k): v for k, v in sorted(by_status.items())},
            "products_served": len(self._served),
            "epoch": self.epoch(),
            "uptime_s": round(self.clock() - self.started_at, 3),
        }
