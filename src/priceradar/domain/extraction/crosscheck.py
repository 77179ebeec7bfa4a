"""The cross-check: does the page show the price its structured data states?

Structured data can be stale (a cached JSON-LD block, a price meta tag from another variant or
currency) while the page shows the current price. A cheap text test runs on every structured
result; only when the stated amount appears nowhere in the page's text does the visible scorer
run, and a confident, different visible price turns the page into a refusal rather than a
price we cannot stand behind.
"""

from __future__ import annotations

import re
from decimal import Decimal

_GROUP = r"[.,'\u00a0\u202f\u2009 ]?"  # what shops put between thousands


def shown(price: Decimal, html: str) -> bool:
    """True when `price`'s whole part appears in text between tags (any digit grouping),
    outside JSON-LD blocks. Amounts under 10 are too common to tell anything: True."""
    whole = int(price)
    if whole < 10:
        return True
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
        return True
    return False
