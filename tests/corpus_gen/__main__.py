"""Write every template's pages and truth files under tests/corpus/<structure>/.

`python -m tests.corpus_gen [--out DIR] [--modules a,b]` (defaults: tests/corpus, MODULES).
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from tests.corpus_gen.common import Page

MODULES = (
    "shopify",
    "woocommerce",
    "magento",
    "prestashop_opencart",
    "bigcommerce_shopware_sfcc",
    "amazon_ebay",
    "retail_spa",
    "regional",
    "spa_state",
    "generic",
    "fresh",
    "fresh2",
    "fresh3",
)
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def all_pages(modules: tuple[str, ...] = MODULES) -> list[Page]:
    out: list[Page] = []
    for name in modules:
        out += importlib.import_module(f"tests.corpus_gen.{name}").pages()
    return out


def write(pages: list[Page], out: Path) -> int:
    seen: set[tuple[str, str]] = set()
    for page in pages:
        key = (page.structure, page.name)
        if key in seen:
            raise SystemExit(f"duplicate page {key}")
        seen.add(key)
        folder = out / page.structure
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page.name}.html").write_text(page.html, encoding="utf-8")
        truth = json.dumps(page.truth(), indent=2, ensure_ascii=False) + "\n"
        (folder / f"{page.name}.json").write_text(truth, encoding="utf-8")
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus_gen")
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--modules", default=",".join(MODULES))
    args = parser.parse_args()
    pages = all_pages(tuple(args.modules.split(",")))
    count = write(pages, args.out)
    print(f"wrote {count} pages in {len({p.structure for p in pages})} structures under {args.out}")


if __name__ == "__main__":
    main()
