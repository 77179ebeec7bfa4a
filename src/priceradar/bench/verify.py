"""Correctness of a benchmark run: every stored price against what the shop served."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, text

from priceradar.demo_shop.catalog import ShopConfig, in_stock_at, price_at

CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class Verification:
    verified: int = 0
    wrong_prices: int = 0  # the stored price is not what the shop served
    wrong_stock: int = 0  # the price is right, the availability is not


def verify_stored(engine: Engine, shop: ShopConfig | None = None) -> Verification:
    """Every checked product against the shop. Prices depend only on (id, epoch): recompute them."""
    cfg = shop or ShopConfig(price_period_s=3600)
    tally: Counter[str] = Counter()
    last_id = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, url, price, in_stock, extract(epoch FROM last_checked_at)"
                    " FROM products WHERE id > :last AND last_outcome IN ('ok', 'out_of_stock')"
                    " ORDER BY id LIMIT :n"
                ),
                {"last": last_id, "n": CHUNK},
            ).all()
        if not rows:
            return Verification(sum(tally.values()), tally["wrong_price"], tally["wrong_stock"])
        for pid, url, price, in_stock, checked in rows:
            tally[shop_verdict(cfg, url, price, in_stock, float(checked))] += 1
            last_id = pid


def shop_verdict(
    cfg: ShopConfig, url: str, price: Decimal | None, in_stock: bool | None, checked_s: float
) -> str:
    """ "ok", "wrong_price" or "wrong_stock" for a stored (price, stock) of `url` at `checked_s`.

    A check near an epoch boundary may have seen either side of it, so both are accepted. A
    stock the extractor could not read (None) is not held against a right price.
    """
    shop_id = int(url.rsplit("/", 1)[1])
    epoch = cfg.epoch_at(checked_s)
    seen = {
        (price_at(shop_id, e, seed=cfg.seed), in_stock_at(shop_id, e, seed=cfg.seed))
        for e in (epoch, epoch - 1)
    }
    if price is None:  # out of stock without a price: only availability to compare
        return "ok" if any(not s for _, s in seen) and not in_stock else "wrong_stock"
    stored = Decimal(price).quantize(Decimal("0.01"))
    if any(stored == p and in_stock in (None, s) for p, s in seen):
        return "ok"
    return "wrong_stock" if any(stored == p for p, _ in seen) else "wrong_price"
