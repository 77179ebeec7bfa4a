"""The demo shop's real-shop page kinds: off by default, truthful, never a wrong price."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from decimal import Decimal

import pytest

from priceradar.bench.runner import DEMO_SITE_RULE
from priceradar.bench.verify import shop_verdict
from priceradar.demo_shop import RunningShop, ShopConfig, price_at, product, render_product_page
from priceradar.demo_shop.catalog import (
    FAULT_IDS,
    FORMAT_IDS,
    KIND_IDS,
    RESERVED_ID_BASE,
    PageFormat,
    PageKind,
    in_stock_at,
    kind_of,
)
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct

BASE = "http://127.0.0.1:8099"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
DEMO_RULE = SiteRule(**DEMO_SITE_RULE)  # as `priceradar bench` configures its shop


def _page(cfg: ShopConfig, pid: int, epoch: int = 7) -> tuple[str, Decimal | None]:
    page = render_product_page(cfg, pid, epoch, base_url=BASE)
    return page.body.decode(), page.price


def test_kinds_are_off_by_default_so_the_classic_mix_is_unchanged() -> None:
    default, on = ShopConfig(), ShopConfig(real_kind_share=0.3)
    assert all(kind_of(default, i) is None for i in range(1, 3000))
    assert all(product(default, i).format == product(on, i).format for i in range(1, 500))
    assert kind_of(default, FORMAT_IDS["plain"]) is None
    assert kind_of(on, FAULT_IDS["ambiguous"]) is None  # reserved ids keep their own role


def test_share_picks_every_kind_and_fixed_ids_always_have_theirs() -> None:
    cfg = ShopConfig(real_kind_share=0.3)
    kinds = Counter(kind_of(cfg, i) for i in range(1, 5001))
    assert 0.25 < (5000 - kinds[None]) / 5000 < 0.35
    assert set(kinds) - {None} == set(PageKind)
    assert {kind_of(ShopConfig(), KIND_IDS[k.value]) for k in PageKind} == set(PageKind)
    assert all(i > RESERVED_ID_BASE for i in KIND_IDS.values())
    with pytest.raises(ValueError, match="real_kind_share"):
        ShopConfig(real_kind_share=1.5)


@pytest.mark.parametrize("kind", list(PageKind))
def test_each_kind_has_its_shape_and_shows_the_truth(kind: PageKind) -> None:
    pid = KIND_IDS[kind.value]
    body, price = _page(ShopConfig(), pid)
    assert price == price_at(pid, 7)
    structured = "application/ld+json" in body or "itemprop" in body or "og:price" in body
    assert structured == (kind is PageKind.VARIANTS)
    assert ("__NEXT_DATA__" in body) == (kind is PageKind.NEXT_DATA)
    assert ("__INITIAL_STATE__" in body) == (kind is PageKind.INITIAL_STATE)
    assert 'class="recommendations"' in body  # priced noise next to the product
    if kind is PageKind.LOCALE_SPLIT:
        assert re.search(r'price-int">[\d.,]+</span>[,]?<sup class="price-dec">', body)


def test_variants_default_is_the_cheapest_so_default_and_range_agree() -> None:
    body, price = _page(ShopConfig(), KIND_IDS["variants"])
    ld = json.loads(body.split('<script type="application/ld+json">')[1].split("</script>")[0])
    prices = [Decimal(v["offers"]["price"]) for v in ld["hasVariant"]]
    assert ld["@type"] == "ProductGroup" and prices[0] == price == min(prices)
    assert len(set(prices)) == 3
    assert "selected>S - " in body


def test_no_kind_page_ever_yields_a_wrong_price() -> None:
    """Precision first: the real extractor reads these pages right or refuses them."""
    cfg = ShopConfig(real_kind_share=1.0)
    read: Counter[str] = Counter()
    for pid in range(1, 401):
        for epoch in (3, 41):
            page = render_product_page(cfg, pid, epoch, base_url=BASE)
            out = extract_product(page.body, f"{BASE}/p/{pid}")
            if isinstance(out, ExtractedProduct) and out.price is not None:
                assert (out.price, out.currency) == (page.price, page.currency), (pid, epoch)
                read[str(page.format)] += 1
    for kind in (PageKind.NEXT_DATA, PageKind.INITIAL_STATE, PageKind.VARIANTS):
        assert read[kind.value] > 100, read  # ~160 pages each: these kinds are read, not refused


@pytest.mark.parametrize("rule", [None, DEMO_RULE], ids=["no-rule", "bench-rule"])
def test_every_kind_reads_its_stock_sold_out_and_in_stock(rule: SiteRule | None) -> None:
    """A sold-out page is never read as in stock (the benchmark's `wrong_stock`), and an in-stock
    page never as sold out, for every kind and the benchmark's 60 KB padding and site rule."""
    cfg = ShopConfig(real_kind_share=1.0, page_padding_bytes=60_000)
    read: Counter[tuple[str, bool, bool | None]] = Counter()
    for pid in range(1, 301):
        sold_out = next(e for e in range(1000) if not in_stock_at(pid, e))
        for epoch in (sold_out, sold_out + 1):
            page = render_product_page(cfg, pid, epoch, base_url=BASE)
            out = extract_product(page.body, f"{BASE}/p/{pid}", rule)
            got = out.in_stock if isinstance(out, ExtractedProduct) else None
            read[(str(page.format), page.in_stock, got)] += 1
    wrong = {k: n for k, n in read.items() if k[2] is not None and k[2] != k[1]}
    unread = {k: n for k, n in read.items() if k[2] is None}
    assert not wrong, wrong
    assert not unread, unread
    assert {k[0] for k in read} == {k.value for k in PageKind}


def test_the_served_kind_page_is_recorded_in_the_truth_oracle() -> None:
    with RunningShop(ShopConfig(real_kind_share=0.5)) as shop:
        pid = KIND_IDS["locale_split"]
        with _OPENER.open(shop.product_url(pid), timeout=10) as resp:
            assert resp.status == 200
        truth = shop.truth(pid)
        assert truth.format == "locale_split"
        assert truth.price == price_at(pid, shop.epoch())


def test_verify_tells_a_wrong_price_from_a_wrong_availability() -> None:
    cfg = ShopConfig(price_period_s=3600)
    url, at = f"{BASE}/p/42", 3600 * 10 + 5.0
    right, stock = price_at(42, 10), in_stock_at(42, 10)
    assert shop_verdict(cfg, url, right, None, at) == "ok"  # the page's stock was not read
    assert shop_verdict(cfg, url, right, stock, at) == "ok"
    assert shop_verdict(cfg, url, right, not stock, at) == "wrong_stock"
    assert shop_verdict(cfg, url, right + 1, stock, at) == "wrong_price"  # never excused
    sold_out = any(not in_stock_at(42, e) for e in (9, 10))  # either side of the boundary
    assert shop_verdict(cfg, url, None, False, at) == ("ok" if sold_out else "wrong_stock")


def test_classic_formats_are_untouched_by_the_kinds() -> None:
    body, _ = _page(ShopConfig(real_kind_share=1.0), FORMAT_IDS["jsonld"])
    assert product(ShopConfig(), FORMAT_IDS["jsonld"]).format is PageFormat.JSONLD
    assert "application/ld+json" in body and "__NEXT_DATA__" not in body
