"""Does a page need a browser? Pure judgements on static HTML (no I/O).

A script shell is what single-page storefronts send: little visible text, an empty mount
point for the app, and scripts that draw the rest. Only such pages without a static price are
re-checked in a browser, so ordinary pages that merely lack a price (a removed product, a
category page) do not cost a render each.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.price_text import decode_html

# Mount points of the common frameworks (React, Next.js, Nuxt, Vue, Angular, Svelte, Gatsby).
APP_ROOT_SELECTORS = (
    "#app",
    "#root",
    "#__next",
    "#__nuxt",
    "#___gatsby",
    "#svelte",
    "[data-reactroot]",
    "[ng-app]",
    "[ng-version]",
    "app-root",
)
SHELL_MAX_TEXT_CHARS = 600  # visible text of a shell: a title, a "loading…", a footer line
NO_APP_ROOT_MAX_TEXT_CHARS = 120  # without a mount point, only an almost empty page counts
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg")
_SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")


def _executable(node: LexborNode) -> bool:
    """A script the browser runs (JSON-LD and other data blocks draw nothing)."""
    kind = (node.attributes.get("type") or "").strip().lower()
    return kind in _SCRIPT_TYPES


def looks_like_script_shell(html: str | bytes) -> bool:
    """True for an HTML shell whose content is drawn by scripts."""
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text.strip():
        return False
    doc = LexborHTMLParser(text)
    if doc.body is None or not any(_executable(node) for node in doc.css("script")):
        return False
    has_root = any(doc.css_first(sel) is not None for sel in APP_ROOT_SELECTORS)
    doc.strip_tags(list(_INVISIBLE))
    visible = len(" ".join((doc.body.text(separator=" ") if doc.body else "").split()))
    limit = SHELL_MAX_TEXT_CHARS if has_root else NO_APP_ROOT_MAX_TEXT_CHARS
    return visible <= limit
