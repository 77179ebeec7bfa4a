"""Extraction quality on a labelled corpus: `evaluate(corpus_dir)` then `render(report)`.

The corpus is `<dir>/<structure>/<name>.html` plus `<name>.json` with the truth: `url` (the
address the page was served at: its TLD and query decide locale and variant), `price` (decimal
string, or null when the right answer is "no price"), `currency` (ISO 4217 or null),
`availability` ("in_stock", "out_of_stock" or null), `structure`, `source`, `licence`.

Scoring (exact decimal match, so "24990" equals "24990.00"):
- precision = correct prices / prices emitted; a wrong price and a price emitted on a page
  whose truth is null both count against it;
- recall = correct prices / pages whose truth has a price; a refusal there counts against it;
- currency accuracy is judged on pages where a price was emitted and the truth has one;
  availability accuracy on pages where the extractor answered and the truth states it.
Timings are CPU time per page in `extract_product` (the least of `TIMING_REPEATS` runs),
grouped by the method that answered ("none" for a refusal).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from priceradar.domain.extraction import extract_product
from priceradar.domain.outcome import ExtractedProduct

AVAILABILITY = frozenset({"in_stock", "out_of_stock"})
TRUTH_KEYS = frozenset(
    {"url", "price", "currency", "availability", "structure", "source", "licence"}
)
NO_METHOD = "none"
# Each page is extracted this many times and timed by its least CPU time: on a shared machine
# that measures the extractor, not the scheduler (a single wall-clock run varied 3x here).
TIMING_REPEATS = 3
_CURRENCY = re.compile(r"[A-Z]{3}")


class CorpusError(ValueError):
    """A corpus file is missing or its truth is malformed; the message names the file."""


@dataclass(frozen=True, slots=True)
class Truth:
    url: str
    price: Decimal | None
    currency: str | None
    availability: str | None
    structure: str
    source: str
    licence: str


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page: what the truth says and what the extractor answered."""

    name: str  # "<structure>/<name>"
    truth: Truth
    method: str
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    answered: bool  # the extractor returned a product (possibly without a price)
    elapsed_ms: float
    reason: str = ""  # the failure reason when it refused

    @property
    def verdict(self) -> str:
        """correct | wrong | false_positive | missed | refused_ok."""
        expected = self.truth.price
        if self.price is None:
            return "refused_ok" if expected is None else "missed"
        if expected is None:
            return "false_positive"
        return "correct" if self.price == expected else "wrong"


@dataclass(slots=True)
class Counts:
    """Price, currency and availability tallies for one group of pages."""

    pages: int = 0
    with_price: int = 0
    emitted: int = 0
    correct: int = 0
    wrong: int = 0
    false_positive: int = 0
    missed: int = 0
    currency_checked: int = 0
    currency_ok: int = 0
    availability_checked: int = 0
    availability_ok: int = 0

    def add(self, r: PageResult) -> None:
        self.pages += 1
        self.with_price += r.truth.price is not None
        verdict = r.verdict
        self.emitted += verdict in ("correct", "wrong", "false_positive")
        self.correct += verdict == "correct"
        self.wrong += verdict == "wrong"
        self.false_positive += verdict == "false_positive"
        self.missed += verdict == "missed"
        if r.price is not None and r.truth.price is not None:
            self.currency_checked += 1
            self.currency_ok += r.currency == r.truth.currency
        if r.answered and r.truth.availability is not None:
            self.availability_checked += 1
            self.availability_ok += r.in_stock == (r.truth.availability == "in_stock")

    @property
    def precision(self) -> float | None:
        return self.correct / self.emitted if self.emitted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.with_price if self.with_price else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def currency_accuracy(self) -> float | None:
        return self.currency_ok / self.currency_checked if self.currency_checked else None

    @property
    def availability_accuracy(self) -> float | None:
        checked = self.availability_checked
        return self.availability_ok / checked if checked else None


@dataclass(frozen=True, slots=True)
class Timing:
    pages: int
    p50_ms: float
    p99_ms: float


@dataclass(slots=True)
class EvalReport:
    corpus_dir: Path
    results: list[PageResult]
    overall: Counts = field(default_factory=Counts)
    by_method: dict[str, Counts] = field(default_factory=dict)
    by_structure: dict[str, Counts] = field(default_factory=dict)
    timing_by_method: dict[str, Timing] = field(default_factory=dict)

    @property
    def structures(self) -> int:
        return len(self.by_structure)


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sample")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def load_truth(path: Path, structure: str) -> Truth:
    """Read and validate one truth file; `structure` is the folder it sits in."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path}: unreadable truth file ({exc})") from exc
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: truth must be a JSON object")
    missing = TRUTH_KEYS - raw.keys()
    if missing:
        raise CorpusError(f"{path}: missing keys {sorted(missing)}")
    url, price, currency, stock = raw["url"], raw["price"], raw["currency"], raw["availability"]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise CorpusError(f"{path}: url must be an http(s) URL")
    amount = None
    if price is not None:
        try:
            amount = Decimal(price) if isinstance(price, str) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise CorpusError(f"{path}: price must be a decimal string or null, not {price!r}")
    if currency is not None and not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        raise CorpusError(f"{path}: currency must be an ISO 4217 code or null, not {currency!r}")
    if stock is not None and stock not in AVAILABILITY:
        raise CorpusError(f"{path}: availability must be in_stock, out_of_stock or null")
    if raw["structure"] != structure:
        raise CorpusError(f"{path}: structure {raw['structure']!r} is not its folder {structure!r}")
    for key in ("source", "licence"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise CorpusError(f"{path}: {key} must be a non-empty string")
    return Truth(url, amount, currency, stock, structure, raw["source"], raw["licence"])


def corpus_pages(corpus_dir: Path) -> list[tuple[Path, Truth]]:
    """Every (html path, truth) pair, sorted; an HTML page without truth (or the reverse) fails."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: not a directory")
    pairs = []
    for folder in sorted(p for p in corpus_dir.iterdir() if p.is_dir()):
        pages = {p.stem for p in folder.glob("*.html")}
        truths = {p.stem for p in folder.glob("*.json")}
        if pages != truths:
            odd = sorted(pages ^ truths)
            raise CorpusError(f"{folder}: pages and truth files do not pair up: {odd}")
        for stem in sorted(pages):
            pairs.append(
                (folder / f"{stem}.html", load_truth(folder / f"{stem}.json", folder.name))
            )
    if not pairs:
        raise CorpusError(f"{corpus_dir}: no pages")
    return pairs


def run_page(html_path: Path, truth: Truth, repeats: int = TIMING_REPEATS) -> PageResult:
    """Extract one page; its time is the least CPU time of `repeats` runs (see the module doc)."""
    body = html_path.read_bytes()
    elapsed_ms = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        outcome = extract_product(body, truth.url)
        elapsed_ms = min(elapsed_ms, (time.process_time() - started) * 1000)
    name = f"{truth.structure}/{html_path.stem}"
    if isinstance(outcome, ExtractedProduct):
        method = str(getattr(outcome, "method", None) or outcome.source)
        return PageResult(
            name, truth, method, outcome.price, outcome.currency, outcome.in_stock, True,
            elapsed_ms,
        )  # fmt: skip
    return PageResult(name, truth, NO_METHOD, None, None, None, False, elapsed_ms, outcome.reason)


def summarize(corpus_dir: Path, results: list[PageResult]) -> EvalReport:
    """Fold page results into the overall, per-method and per-structure tallies and timings."""
    report = EvalReport(corpus_dir, results)
    times: dict[str, list[float]] = {}
    for r in results:
        report.overall.add(r)
        report.by_method.setdefault(r.method, Counts()).add(r)
        report.by_structure.setdefault(r.truth.structure, Counts()).add(r)
        times.setdefault(r.method, []).append(r.elapsed_ms)
    report.timing_by_method = {
        m: Timing(len(v), percentile(v, 50), percentile(v, 99)) for m, v in sorted(times.items())
    }
    return report


def evaluate(corpus_dir: Path) -> EvalReport:
    """Run the real extractor over every page of the corpus and score it against the truth."""
    return summarize(corpus_dir, [run_page(p, t) for p, t in corpus_pages(corpus_dir)])


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(report: EvalReport) -> str:
    """A Markdown summary: totals, the tables by method and by structure, then every mistake."""
    o = report.overall
    lines = [
        f"Corpus {report.corpus_dir}: {o.pages} pages, {report.structures} structures, "
        f"{o.with_price} with a price.",
        "",
        f"Price: precision {_f(o.precision)}, recall {_f(o.recall)}, F1 {_f(o.f1)} "
        f"({o.correct} correct, {o.wrong} wrong, {o.false_positive} false positives, "
        f"{o.missed} missed, {o.pages - o.with_price - o.false_positive} correct refusals).",
        f"Currency accuracy {_f(o.currency_accuracy)} ({o.currency_ok}/{o.currency_checked}); "
        f"availability accuracy {_f(o.availability_accuracy)} "
        f"({o.availability_ok}/{o.availability_checked}).",
        "",
        "| method | pages | prices | correct | wrong | false pos. | precision | CPU ms p50 | p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for method, c in sorted(report.by_method.items(), key=lambda kv: (-kv[1].pages, kv[0])):
        t = report.timing_by_method[method]
        lines.append(
            f"| {method} | {c.pages} | {c.emitted} | {c.correct} | {c.wrong} | "
            f"{c.false_positive} | {_f(c.precision)} | {t.p50_ms:.2f} | {t.p99_ms:.2f} |"
        )
    lines += [
        "",
        "| structure | pages | with price | correct | wrong | false pos. | missed | precision "
        "| recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in sorted(report.by_structure.items()):
        lines.append(
            f"| {name} | {c.pages} | {c.with_price} | {c.correct} | {c.wrong} | "
            f"{c.false_positive} | {c.missed} | {_f(c.precision)} | {_f(c.recall)} | {_f(c.f1)} |"
        )
    mistakes = [r for r in report.results if r.verdict in ("wrong", "false_positive", "missed")]
    if mistakes:
        lines += ["", "Mistakes (page: verdict, expected -> got [method] reason):"]
        for r in mistakes:
            got = "no price" if r.price is None else f"{r.price} {r.currency}"
            lines.append(
                f"- {r.name}: {r.verdict}, {r.truth.price} {r.truth.currency} -> {got} "
                f"[{r.method}] {r.reason}".rstrip()
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`python -m priceradar.bench.extraction_eval [DIR]` (default: tests/corpus)."""
    args = sys.argv[1:] if argv is None else argv
    print(render(evaluate(Path(args[0] if args else "tests/corpus"))), end="")


if __name__ == "__main__":
    main()
