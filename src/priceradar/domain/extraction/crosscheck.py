"""The cross-check: does the page show the price its structured data states?

Structured data can be stale (a cached JSON-LD block, a price meta tag from another variant or
currency) while the page shows the current price. A cheap text test runs on every structured
result; only when the stated amount appears nowhere in the page's text does the visible scorer
run, and a confident, different visible price turns the page into a refusal rather than a
price we cannot stand behind.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from priceradar.domain.price_text import parse_price_text

_MAX_SIGHTINGS = 20
_GROUP = r"[.,'\u00a0\u202f\u2009 ]?"  # what shops put between thousands


def shown(price: Decimal, html: str) -> bool:
    """True when `price`'s whole part appears in text between tags (any digit grouping),
    outside JSON-LD blocks. Amounts under 10 are too common to tell anything: True."""
    if int(price) < 10:
        return True
    return next(_shown_at(price, html), None) is not None


def shown_currency(price: Decimal, html: str, hint: str | None) -> str | None:
    """The currency the page prints next to `price` (all its sightings agreeing), else None.

    A mark several currencies share ("$", "kr") takes `hint`, the page locale's currency."""
    if int(price) < 10:
        return None
    found = set()
    for start, end in itertools.islice(_shown_at(price, html), _MAX_SIGHTINGS):
        # The text node around the sighting, a dozen characters either side.
        left = max(html.rfind(">", 0, start) + 1, start - 12)
        right = html.find("<", end)
        snippet = html[left : min(right if right >= 0 else len(html), end + 12)]
        marked = parse_price_text(snippet)
        if marked is not None and marked[1] is not None:
            resolved = parse_price_text(snippet, hint)
            found.add(resolved[1] if resolved is not None else marked[1])
    return found.pop() if len(found) == 1 else None


def _shown_at(price: Decimal, html: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sighting of `price`'s whole part in the page's text."""
    whole = int(price)
    digits = str(whole)
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    # Literal first, so the scan runs at C speed; the left boundary is checked by hand.
    number = re.compile(_GROUP.join(re.escape(g) for g in groups) + r"(?!\d)")
    for match in number.finditer(html):
        start = match.start()
        if start and html[start - 1] in "0123456789.,":
            continue  # the tail of a longer number
        if html.rfind(">", 0, start) < html.rfind("<", 0, start):
            continue  # inside a tag (an attribute value)
        opened = html.rfind("<script", 0, start)
        if opened > html.rfind("</script", 0, start) and "ld+json" in html[opened : opened + 200]:
            continue  # inside a JSON-LD block: the statement we are checking
        yield start, match.end()
