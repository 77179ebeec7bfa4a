"""Write every template's pages and truth files under tests/corpus/<structure>/."""

from __future__ import annotations

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
)
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def all_pages() -> list[Page]:
    out: list[Page] = []
    for name in MODULES:
        out += importlib.import_module(f"tests.corpus_gen.{name}").pages()
    return out


def main() -> None:
    seen: set[tuple[str, str]] = set()
    for page in all_pages():
        key = (page.structure, page.name)
        if key in seen:
            raise SystemExit(f"duplicate page {key}")
        seen.add(key)
        folder = CORPUS / page.structure
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page.name}.html").write_text(page.html, encoding="utf-8")
        truth = json.dumps(page.truth(), indent=2, ensure_ascii=False) + "\n"
        (folder / f"{page.name}.json").write_text(truth, encoding="utf-8")
    print(f"wrote {len(seen)} pages in {len({s for s, _ in seen})} structures under {CORPUS}")


if __name__ == "__main__":
    main()
