"""The embedded-state source: product objects in framework state and shop-platform scripts.

Platform recognizers (`platforms`) run first: they know where Shopify, WooCommerce, Magento …
put the product. Then framework states (`state`) are searched for product-shaped objects: a
name plus a current price (never a list/old/compare-at price). A state usually also holds
related products, so the page's product is the one named like the page's `h1`/`og:title`, or
whose id is in the URL; several candidates with different prices and no such match are not
guessed.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from priceradar.domain.extraction._common import Candidate, Outcome, decide
from priceradar.domain.extraction.embedded_values import state_products
from priceradar.domain.extraction.platforms import PLATFORMS, Scripts
from priceradar.domain.extraction.state import read_states
from priceradar.domain.extraction.variants import url_tokens
from priceradar.domain.outcome import ExtractionFailure

SOURCE = "embedded-state"
_WORDS = re.compile(r"\W+")


def from_embedded(
    doc: LexborHTMLParser, scripts: Scripts, url: str, page_names: list[str], html: str = ""
) -> tuple[Outcome, str]:
    """The embedded-state verdict and which recognizer gave it (for `--explain`).

    `html` is the page's text: platforms whose markers it lacks are not tried (empty: all are).
    """
    for name, recognize, markers in PLATFORMS:
        if html and not any(marker in html for marker in markers):
            continue
        candidates = recognize(doc, scripts, url)
        if candidates:
            return decide(candidates, SOURCE, f"no product in {name}", url), name
    tried: list[str] = []
    for state in read_states(scripts):
        tried.append(state.kind)
        found = state_products(state.data)
        if not found:
            continue
        outcome = _main_product(found, url, page_names, state.kind)
        if outcome is not None:
            return outcome, state.kind
    if not tried:
        return ExtractionFailure("no embedded state"), "state"
    kinds = ", ".join(dict.fromkeys(tried))
    return ExtractionFailure(f"no product in embedded state ({kinds})"), "state"


def _main_product(
    found: list[Candidate], url: str, page_names: list[str], kind: str
) -> Outcome | None:
    """The page's own product among a state's products, or None when it cannot be told."""
    names = [_key(n) for n in page_names if n and _key(n)]
    named = [c for c in found if c.title and _same_name(_key(c.title), names)]
    if not named:
        _, tokens = url_tokens(url)
        named = [c for c in found if c.ids & tokens]
    if named:
        return decide(_one_product(named), SOURCE, f"no product in {kind}", url)
    return None  # products that are not named like the page are someone else's (related)


def _same_name(name: str, page_names: list[str]) -> bool:
    """Equal, or one contains the other (the <title> adds " | Shop"), or mostly the same words."""
    for page in page_names:
        if name == page or (len(name) >= 8 and name in page) or (len(page) >= 8 and page in name):
            return True
        mine, theirs = set(name.split()), set(page.split())
        if len(mine) >= 3 and len(mine & theirs) / len(mine | theirs) >= 0.7:
            return True
    return False


def _one_product(same: list[Candidate]) -> list[Candidate]:
    """Copies of one product (a normalized cache repeats it): the one with the most offers."""
    return [max(same, key=lambda c: len(c.offers))]


def _key(name: str) -> str:
    return _WORDS.sub(" ", name.casefold()).strip()
