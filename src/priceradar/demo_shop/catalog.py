"""Deterministic fake marketplace: catalog, price evolution, faults and page rendering (pure).

Every id >= 1 is a product; all facts derive from (seed, id[, epoch]) so nothing is stored.
Ids from `RESERVED_ID_BASE` up are never picked at random as faulty; the fixed ids in
`FAULT_IDS` and `FORMAT_IDS` live there. Titles of ids divisible by 7 are hostile to HTML/JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from priceradar.demo_shop.web_model import CLEAN, WebModel


class Fault(StrEnum):
    NOT_FOUND = "not_found"  # 404
    GONE = "gone"  # 410
    RATE_LIMITED = "rate_limited"  # 429 + Retry-After: 7
    FORBIDDEN = "forbidden"  # 403
    SERVER_ERROR = "server_error"  # 500
    SLOW = "slow"  # sleeps slow_delay_s, then a normal page
    MALFORMED = "malformed"  # truncated, garbled HTML without a parseable price
    NOT_HTML = "not_html"  # application/pdf
    TOO_LARGE = "too_large"  # 12 MiB of HTML, streamed
    AMBIGUOUS = "ambiguous"  # two Product JSON-LD objects with different prices
    FLAKY = "flaky"  # 500 on the first request of each epoch, then a normal page


class PageFormat(StrEnum):
    JSONLD = "jsonld"
    JSONLD_GRAPH = "jsonld_graph"
    JSONLD_OFFERS_LIST = "jsonld_offers_list"
    JSONLD_AGGREGATE = "jsonld_aggregate"
    MICRODATA = "microdata"
    OPENGRAPH = "opengraph"
    PLAIN = "plain"  # price only in <span class="price">


class PageKind(StrEnum):
    """Page shapes of real shops beyond the classic formats (rendered by `kinds`). Ordinary ids
    get one only when `ShopConfig.real_kind_share` > 0; the fixed ids in `KIND_IDS` always do."""

    VISIBLE_ONLY = "visible_only"  # no structured data: the price only in the visible HTML
    NEXT_DATA = "next_data"  # Next.js __NEXT_DATA__ state plus the visible price
    INITIAL_STATE = "initial_state"  # window.__INITIAL_STATE__ plus the visible price
    VARIANTS = "variants"  # JSON-LD ProductGroup with several variant prices, default selected
    LOCALE_SPLIT = "locale_split"  # no structured data, locale format split: 1.299,<sup>99</sup>


RESERVED_ID_BASE = 900_000_000
FAULT_IDS: dict[str, int] = {f.value: RESERVED_ID_BASE + 1 + i for i, f in enumerate(Fault)}
"""not_found=900_000_001, gone=..02, rate_limited=..03, forbidden=..04, server_error=..05,
slow=..06, malformed=..07, not_html=..08, too_large=..09, ambiguous=..10, flaky=..11."""
FORMAT_IDS: dict[str, int] = {f.value: RESERVED_ID_BASE + 101 + i for i, f in enumerate(PageFormat)}
"""Healthy products with a fixed page format: jsonld=900_000_101 ... plain=900_000_107."""
KIND_IDS: dict[str, int] = {k.value: RESERVED_ID_BASE + 201 + i for i, k in enumerate(PageKind)}
"""Healthy products with a fixed real-shop page kind: visible_only=900_000_201 ... ..._205."""
TOO_LARGE_BYTES = 12 * 1024 * 1024
RETRY_AFTER_S = 7
CURRENCIES = ("TRY", "USD", "EUR")
CATEGORY_PAGE_SIZE = 24  # 20 own products + 4 cross-listed from the next category

_FAULT_BY_ID = {i: Fault(k) for k, i in FAULT_IDS.items()}
_FORMAT_BY_ID = {i: PageFormat(k) for k, i in FORMAT_IDS.items()}
_FORMATS = tuple(PageFormat)
_KIND_BY_ID = {i: PageKind(k) for k, i in KIND_IDS.items()}
_KINDS = tuple(PageKind)
_RANDOM_FAULTS = tuple(
    Fault(k)
    for k, w in (
        ("not_found", 15), ("gone", 5), ("rate_limited", 15), ("forbidden", 5),
        ("server_error", 15), ("slow", 8), ("malformed", 10), ("not_html", 5),
        ("too_large", 1), ("ambiguous", 8), ("flaky", 13),
    )
    for _ in range(w)
)  # fmt: skip
# slug, nouns, USD price range (whole dollars)
_CATEGORIES: tuple[tuple[str, tuple[str, ...], int, int], ...] = (
    (
        "headphones",
        ("Wireless Headphones", "Noise-Cancelling Earbuds", "Studio Headphones"),
        19,
        399,
    ),
    ("laptops", ("Ultrabook", "Gaming Laptop", "Convertible Notebook"), 399, 2499),
    ("phones", ("Smartphone", "Rugged Phone", "Foldable Phone"), 149, 1499),
    ("cameras", ("Mirrorless Camera", "Action Camera", "Instant Camera"), 89, 1999),
    ("watches", ("Smartwatch", "Chronograph Watch", "Fitness Tracker"), 29, 799),
    ("shoes", ("Running Shoes", "Leather Sneakers", "Hiking Boots"), 29, 249),
    ("coffee-machines", ("Espresso Machine", "Drip Coffee Maker", "Milk Frother"), 39, 899),
    ("books", ("Cookbook", "Sci-Fi Novel", "Travel Guide"), 5, 59),
    ("toys", ("Building Blocks Set", "Remote Control Car", "Plush Bear"), 7, 149),
    ("kitchen", ("Chef's Knife", "Cast Iron Skillet", "Stand Mixer"), 9, 499),
    ("monitors", ("4K Monitor", "Curved Gaming Monitor", "Portable Monitor"), 99, 1199),
    ("backpacks", ("Travel Backpack", "Laptop Backpack", "Hydration Pack"), 19, 199),
)
CATEGORIES: tuple[str, ...] = tuple(c[0] for c in _CATEGORIES)
_BRAND_TEXT = "Acme Globex Initech Umbrella Stark Hooli Vandelay Tyrell Cyberdyne Wonka Aperture"
_BRANDS = tuple(f"{_BRAND_TEXT} Oscorp Nakatomi Soylent Duff Zorg".split())
_EDITIONS = ("Pro", "Lite", "Max", "Plus", "Air", "Ultra", "Mini", "Classic", "Neo", "Prime")
_HOSTILE = (
    '{b} & Sons {n} "Deluxe" {m}',
    "<b>{b}</b> {n} {m}",
    "{b} {n} </script><script>alert('x')</script> {m}",
    "{b} {n} 🎧✨ Édition Spéciale {m}",
    "{b} O'Neill {n} <!-- {m} --> &amp; more",
    "{b} {n} <i>50% off?</i> 'Limited' {m}",
)
_CURRENCY_RATE = {"USD": (1, 1), "EUR": (92, 100), "TRY": (34, 1)}  # cents multiplier as a fraction
_ENDINGS = (99, 99, 99, 99, 90, 0, 50)
_LEVELS = (950, 970, 980, 990, 1000, 1000, 1000, 1010, 1020, 1030, 1050)  # per-mille of base
_CHANGE_PCT, _ANCHOR = 10, 48  # a price level may change in 10% of epochs; redrawn every 48
_DEAL_PER_MILLE, _DEAL_MAX_LEN = 20, 5  # deals start in 2% of epochs and last 2..5 epochs
_OUT_OF_STOCK_PER_MILLE = 40
_M64 = (1 << 64) - 1


@dataclass(frozen=True)
class ShopConfig:
    seed: int = 1
    price_period_s: float = 30.0  # prices may change every period ("epoch")
    page_padding_bytes: int = 0  # pad product pages with price-free boilerplate to ~this size
    fault_rate: float = 0.0  # share of ordinary ids (< RESERVED_ID_BASE) that are faulty
    slow_delay_s: float = 2.0
    catalog_size: int = 10_000  # ids 1..catalog_size are listed in sitemaps and categories
    sitemap_page_size: int = 1000
    web: WebModel = CLEAN  # latency and faults drawn per request (see web_model.py)
    real_kind_share: float = 0.0  # share of ordinary ids served as a real-shop PageKind page

    def __post_init__(self) -> None:
        if self.price_period_s <= 0 or not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("price_period_s must be > 0 and fault_rate within [0, 1]")
        if not 0.0 <= self.real_kind_share <= 1.0:
            raise ValueError("real_kind_share must be within [0, 1]")
        if self.catalog_size < 0 or self.sitemap_page_size < 1 or self.page_padding_bytes < 0:
            raise ValueError("catalog_size/page_padding_bytes >= 0 and sitemap_page_size >= 1")

    def epoch_at(self, t: float) -> int:
        return int(t // self.price_period_s)


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    title: str
    brand: str
    category: str
    currency: str
    format: PageFormat
    base_price: Decimal
    fault: Fault | None
    kind: PageKind | None = None  # set: the page is rendered by `kinds`, not by `format`


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A response plus the truth it carries. `price` is None when the page carries no usable price.

    `parts` joined is the body; parts of >= 4 KiB are cached padding (same object every call).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    product_id: int
    price: Decimal | None = None
    currency: str | None = None
    in_stock: bool | None = None
    title: str | None = None
    format: PageFormat | PageKind | None = None
    fault: Fault | None = None
    delay_s: float = 0.0

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)


def _h(seed: int, pid: int, salt: int, epoch: int = 0) -> int:
    x = (
        seed * 0x9E3779B97F4A7C15
        + pid * 0xBF58476D1CE4E5B9
        + salt * 0x94D049BB133111EB
        + epoch * 0xD6E8FEB86659FD93
    ) & _M64
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def category_index(product_id: int) -> int:
    return (product_id - 1) % len(_CATEGORIES)


@lru_cache(maxsize=16384)
def _base(seed: int, pid: int) -> tuple[int, int, str]:
    """(base price in cents, cents ending, currency)."""
    _, _, low, high = _CATEGORIES[category_index(pid)]
    h = _h(seed, pid, 11)
    usd_cents = low * 100 + (h % ((high - low) * 100)) * ((h >> 20) % 3 + 1) // 3  # skew cheap
    currency = CURRENCIES[(h >> 40) % 3]
    num, den = _CURRENCY_RATE[currency]
    return usd_cents * num // den, _ENDINGS[(h >> 50) % len(_ENDINGS)], currency


def _with_ending(cents: int, ending: int) -> int:
    value = cents // 100 * 100 + ending
    return value if value >= 100 else 99


def _deal_pct(seed: int, pid: int, epoch: int) -> int:
    for start in range(epoch, epoch - _DEAL_MAX_LEN, -1):
        h = _h(seed, pid, 13, start)
        if h % 1000 < _DEAL_PER_MILLE and epoch < start + 2 + (h >> 10) % (_DEAL_MAX_LEN - 1):
            return 30 + (h >> 20) % 21
    return 0


def _price_state(seed: int, pid: int, epoch: int) -> tuple[int, int, int]:
    """(price cents, regular price cents, deal percentage or 0)."""
    base, ending, _ = _base(seed, pid)
    c, floor = epoch, epoch - epoch % _ANCHOR
    while c > floor and _h(seed, pid, 12, c) % 100 >= _CHANGE_PCT:
        c -= 1
    regular = _with_ending(base * _LEVELS[_h(seed, pid, 14, c) % len(_LEVELS)] // 1000, ending)
    deal = _deal_pct(seed, pid, epoch)
    return (_with_ending(regular * (100 - deal) // 100, ending) if deal else regular), regular, deal


def _dec(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def price_at(product_id: int, epoch: int, *, seed: int = 1) -> Decimal:
    """Price during `epoch` (= int(t // price_period_s)); 2-decimal Decimal."""
    return _dec(_price_state(seed, product_id, epoch)[0])


def in_stock_at(product_id: int, epoch: int, *, seed: int = 1) -> bool:
    return _h(seed, product_id, 15, epoch) % 1000 >= _OUT_OF_STOCK_PER_MILLE


def is_deal_at(product_id: int, epoch: int, *, seed: int = 1) -> bool:
    return _deal_pct(seed, product_id, epoch) > 0


def _money(cents: int, currency: str) -> str:
    units, rest = divmod(cents, 100)
    grouped = f"{units:,}"
    if currency == "TRY":
        return f"{grouped.replace(',', '.')},{rest:02d} TL"
    if currency == "EUR":
        return f"{grouped.replace(',', ' ')},{rest:02d} €"
    return f"${grouped}.{rest:02d}"


def format_price(price: Decimal, currency: str) -> str:
    """Locale display string: "1.299,99 TL", "$1,299.99", "1 299,99 €"."""
    return _money(int(price.scaleb(2)), currency)


def fault_of(cfg: ShopConfig, product_id: int) -> Fault | None:
    fixed = _FAULT_BY_ID.get(product_id)
    if fixed is not None or cfg.fault_rate <= 0 or product_id >= RESERVED_ID_BASE:
        return fixed
    h = _h(cfg.seed, product_id, 16)
    if h % 1_000_000 >= cfg.fault_rate * 1_000_000:
        return None
    return _RANDOM_FAULTS[(h >> 24) % len(_RANDOM_FAULTS)]


def kind_of(cfg: ShopConfig, product_id: int) -> PageKind | None:
    """The real-shop page kind of an id, or None for a classic `PageFormat` page."""
    fixed = _KIND_BY_ID.get(product_id)
    if fixed is not None or cfg.real_kind_share <= 0 or product_id >= RESERVED_ID_BASE:
        return fixed
    h = _h(cfg.seed, product_id, 17)
    if h % 1_000_000 >= cfg.real_kind_share * 1_000_000:
        return None
    return _KINDS[(h >> 24) % len(_KINDS)]


def product(cfg: ShopConfig, product_id: int) -> Product:
    seed, pid = cfg.seed, product_id
    slug, nouns, _, _ = _CATEGORIES[category_index(pid)]
    h = _h(seed, pid, 10)
    brand, noun = _BRANDS[h % len(_BRANDS)], nouns[(h >> 8) % len(nouns)]
    model = f"{chr(65 + (h >> 16) % 26)}{chr(65 + (h >> 24) % 26)}-{(h >> 32) % 900 + 100}"
    if pid % 7 == 0:
        title = _HOSTILE[(pid // 7) % len(_HOSTILE)].format(b=brand, n=noun, m=model)
    else:
        title = f"{brand} {noun} {_EDITIONS[(h >> 44) % len(_EDITIONS)]} {model}"
    cents, ending, currency = _base(seed, pid)
    fmt = _FORMAT_BY_ID.get(pid) or _FORMATS[(h >> 52) % len(_FORMATS)]
    base = _dec(_with_ending(cents, ending))
    return Product(
        pid, title, brand, slug, currency, fmt, base, fault_of(cfg, pid), kind_of(cfg, pid)
    )


# Rendering lives in pages.py (which imports this module); re-exported here for convenience.
from priceradar.demo_shop.pages import render_product_page as render_product_page  # noqa: E402
