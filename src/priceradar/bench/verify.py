"""Correctness of a benchmark run: every stored price against what the shop served."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from priceradar.demo_shop.catalog import ShopConfig, in_stock_at, price_at

CHUNK = 50_000


def count_wrong_prices(engine: Engine, shop: ShopConfig | None = None) -> tuple[int, int]:
    """(products verified, wrong ones). Prices depend only on (id, epoch): recompute them."""
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
            verified += 1
            wrong += 0 if matches_shop(cfg, url, price, in_stock, float(checked)) else 1
            last_id = pid


def matches_shop(
    cfg: ShopConfig, url: str, price: Decimal | None, in_stock: bool | None, checked_s: float
) -> bool:
    """Whether a stored (price, stock) is what the shop served for `url` around `checked_s`.

    A check near an epoch boundary may have seen either side of it, so both are accepted. A
    stock the extractor could not read (None: e.g. a page that states it only in prose) is not
    held against the price; a price is never excused.
    """
    shop_id = int(url.rsplit("/", 1)[1])
    epoch = cfg.epoch_at(checked_s)
    seen = {
        (price_at(shop_id, e, seed=cfg.seed), in_stock_at(shop_id, e, seed=cfg.seed))
        for e in (epoch, epoch - 1)
    }
    if price is None:  # out of stock without a price: only availability to compare
        return any(not s for _, s in seen) and not in_stock
    stored = Decimal(price).quantize(Decimal("0.01"))
    return any(stored == p and in_stock in (None, s) for p, s in seen)
