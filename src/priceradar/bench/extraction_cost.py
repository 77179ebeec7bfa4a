"""What extraction costs: per page by method on a corpus, and on the benchmark's page mix.

`corpus_cost` times `extract_product` on every corpus page (thread CPU time, `repeat` runs,
the median per page, so a busy machine's neighbours and outliers do not decide) and groups
pages by the method that answered.
`mix_cost` renders demo-shop product pages the way `priceradar bench` serves them (same
padding) once without and once with the real-shop page kinds, and compares the mean time per
page: the difference is what the new methods (embedded state, the visible scorer) add to the
benchmark's mix.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from priceradar.bench.extraction_eval import corpus_pages, percentile
from priceradar.bench.runner import DEMO_SITE_RULE
from priceradar.demo_shop.catalog import ShopConfig
from priceradar.demo_shop.pages import render_product_page
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct

NO_METHOD = "none"


@dataclass(frozen=True, slots=True)
class MethodCost:
    method: str
    pages: int
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class MixCost:
    pages: int
    padding: int
    real_kinds: float
    base_mean_ms: float  # classic mix (structured data only)
    mix_mean_ms: float  # with the real-shop kinds
    by_method: list[MethodCost]

    @property
    def added_share(self) -> float:
        """Extra extraction time per page on the mix, relative to the classic mix."""
        return self.mix_mean_ms / self.base_mean_ms - 1 if self.base_mean_ms else 0.0


def _timed(body: bytes, url: str, repeat: int, rule: SiteRule | None = None) -> tuple[str, float]:
    """(method, median ms) of `repeat` extractions of one page."""
    times = []
    method = NO_METHOD
    for _ in range(max(1, repeat)):
        # CPU time of this thread: on a shared machine wall time mostly measures the neighbours.
        started = time.thread_time()
        outcome = extract_product(body, url, rule)
        times.append((time.thread_time() - started) * 1000)
        method = outcome.source if isinstance(outcome, ExtractedProduct) else NO_METHOD
    return method, statistics.median(times)


def _by_method(samples: Iterable[tuple[str, float]]) -> list[MethodCost]:
    groups: dict[str, list[float]] = {}
    for method, ms in samples:
        groups.setdefault(method, []).append(ms)
    return [
        MethodCost(m, len(v), percentile(v, 50), percentile(v, 99))
        for m, v in sorted(groups.items(), key=lambda mv: -len(mv[1]))
    ]


def corpus_cost(corpus_dir: Path, repeat: int = 5) -> list[MethodCost]:
    """p50/p99 ms per page by the method that answered, over a labelled corpus."""
    samples = [
        _timed(html.read_bytes(), truth.url, repeat) for html, truth in corpus_pages(corpus_dir)
    ]
    return _by_method(samples)


def mix_cost(pages: int, padding: int, real_kinds: float, repeat: int = 3) -> MixCost:
    """Mean extraction ms per demo-shop page without and with the real-shop kinds."""

    rule = SiteRule(  # as `priceradar bench` configures its shop
        price=DEMO_SITE_RULE["price"],
        title=DEMO_SITE_RULE["title"],
        availability=DEMO_SITE_RULE["availability"],
    )

    def run(share: float) -> list[tuple[str, float]]:
        cfg = ShopConfig(page_padding_bytes=padding, real_kind_share=share)
        out = []
        for product_id in range(1, pages + 1):
            page = render_product_page(cfg, product_id, 0, base_url="http://127.0.0.1:8000")
            url = f"http://127.0.0.1:8000/p/{product_id}"
            out.append(_timed(page.body, url, repeat, rule))
        return out

    base = run(0.0)
    mix = run(real_kinds)
    return MixCost(
        pages,
        padding,
        real_kinds,
        statistics.fmean(ms for _, ms in base),
        statistics.fmean(ms for _, ms in mix),
        _by_method(mix),
    )


def render(corpus: list[MethodCost], mix: MixCost | None) -> str:
    """Markdown tables for BENCHMARKS.md."""
    lines = ["| method | pages | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {c.method} | {c.pages} | {c.p50_ms:.2f} | {c.p99_ms:.2f} |" for c in corpus]
    if mix is not None:
        lines += [
            "",
            f"Benchmark mix: {mix.pages} demo-shop pages of ~{mix.padding:,} bytes, "
            f"real-shop kinds {mix.real_kinds:.0%}.",
            "",
            "| method | pages | p50 ms | p99 ms |",
            "|---|---:|---:|---:|",
            *(
                f"| {c.method} | {c.pages} | {c.p50_ms:.2f} | {c.p99_ms:.2f} |"
                for c in mix.by_method
            ),
            "",
            f"Mean per page: {mix.base_mean_ms:.2f} ms classic mix, {mix.mix_mean_ms:.2f} ms with "
            f"the real-shop kinds ({mix.added_share:+.1%} extraction time).",
        ]
    return "\n".join(lines)
