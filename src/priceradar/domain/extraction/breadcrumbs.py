"""Breadcrumb trails drawn in the HTML, the last category fallback.

Used when neither the winning source nor a JSON-LD BreadcrumbList names a category. Microdata
BreadcrumbLists are read here too: their crumbs are links like any other trail's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction.signals import Crumb

# "readcrumb" matches "breadcrumb", "Breadcrumbs" and schema.org's "BreadcrumbList" alike,
# without the case-insensitive selector flag that doubles lexbor's cost (~20 µs on 60 KB).
_MARK = "readcrumb"
_MARKED_ATTRS = ("class", "id", "aria-label", "itemtype")  # id: Yoast's <p id="breadcrumbs">
_SELECTOR = ", ".join(f"[{a}*={_MARK}]" for a in _MARKED_ATTRS)
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]{0,20})")
_MAX_CONTAINERS = 20  # breadcrumb-like elements we try; the trail is among the first few
_MAX_LINKS = 12  # more links than a trail ever has: a page-wide wrapper such as <body class=...>


def html_trail(doc: LexborHTMLParser, text: str, *, css_started: bool) -> list[Crumb]:
    """(link text, href) of the first breadcrumb-like element's links, root first.

    An element is breadcrumb-like when its class, id, aria-label or itemtype contains
    "readcrumb". `css_started`: lexbor's CSS engine already ran on this page (the microdata
    pass does); its first use costs ~30 µs, more than locating the element from the raw text.
    """
    # A page without the mark is the costly case for any lookup: this scan (~19 µs on 60 KB)
    # beats a selector's full walk (~28 µs); with the mark, it stops where the trail starts.
    pos = text.find(_MARK)
    if pos < 0:
        return []
    found = _by_selector(doc) if css_started else _by_text(doc, text, pos)
    for tried, node in enumerate(found):
        crumbs = _links(node)
        if crumbs or tried == _MAX_CONTAINERS:
            return crumbs or []
    return []


def _by_selector(doc: LexborHTMLParser) -> Iterator[LexborNode]:
    first = doc.css_first(_SELECTOR)  # stops at the match: ~4 µs against ~9 µs for css()
    if first is not None:
        yield first
        yield from doc.css(_SELECTOR)[1:]


def _by_text(doc: LexborHTMLParser, text: str, pos: int) -> Iterator[LexborNode]:
    """Marked elements of each tag name that carries the mark in the raw text (from `pos`).

    `tags()` walks the tree without the CSS engine (~6 µs); the text says which names to ask for.
    """
    seen: set[str] = set()
    while pos >= 0 and len(seen) < _MAX_CONTAINERS:
        start = text.rfind("<", 0, pos)
        name = _TAG_NAME.match(text, start) if start > text.rfind(">", 0, pos) else None
        tag = name.group(1).lower() if name else None
        if tag is not None and tag not in seen:
            seen.add(tag)
            for node in doc.tags(tag):
                attrs = node.attributes
                if any(_MARK in (attrs.get(a) or "") for a in _MARKED_ATTRS):
                    yield node
        pos = text.find(_MARK, pos + len(_MARK))


def _links(node: LexborNode) -> list[Crumb] | None:
    crumbs: list[Crumb] = []
    for child in node.traverse():
        href = child.attributes.get("href") if child.tag == "a" else None
        if href is not None:
            if len(crumbs) == _MAX_LINKS:
                return None
            crumbs.append((child.text(deep=True, separator=" "), href))
    return crumbs
