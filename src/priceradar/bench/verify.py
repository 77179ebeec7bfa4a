"""Correctness of a benchmark run: every stored price against what the shop served."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from priceradar.demo_shop.catalog import ShopConfig, in_stock_at, price_at

CHUNK = 50_000


def count_wrong_prices(engine: Engine, shop: ShopConfig | None = None) -> tuple[int, int]:
    """(products verified, wrong ones). Prices depend only on (id, epoch): recompute them.

    A check near an epoch boundary may have seen either side of it, so both are accepted.
    """
    cfg = shop or ShopConfig(price_period_s=3600)
    verified = wrong = 0
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
            return verified, wrong
        for pid, url, price, in_stock, checked in rows:
            shop_id = int(url.rsplit("/", 1)[1])
            epoch = cfg.epoch_at(float(checked))
            seen = {
                (price_at(shop_id, e, seed=cfg.seed), in_stock_at(shop_id, e, seed=cfg.seed))
                for e in (epoch, epoch - 1)
            }
            verified += 1
            if price is None:  # out of stock without a price: only availability to compare
                ok = any(not s for _, s in seen) and not in_stock
            else:
                stored = Decimal(price).quantize(Decimal("0.01"))
                ok = any(stored == p and bool(in_stock) == s for p, s in seen)
            wrong += 0 if ok else 1
            last_id = pid
