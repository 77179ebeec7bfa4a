"""Alert messages, as pure functions: Telegram HTML and plain text from one template.

Every piece of product text is escaped with `html.escape` before it meets the template; only
the operator's template itself may carry markup, and `validate_template` refuses templates
Telegram would reject (unknown tags, unbalanced tags, stray `&` or `<`, unknown placeholders).
Telegram measures its limits in UTF-16 code units of the text *after* entity parsing, so
lengths here count visible characters that way; an over-long message loses the end of its
title first (price and link survive), and only a pathological template is cut at the tail,
always between whole entities and with every open tag closed again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from string import Template
from typing import Any
from urllib.parse import urlsplit

TEXT_LIMIT = 4096  # sendMessage text, after entity parsing
CAPTION_LIMIT = 1024  # sendPhoto caption, after entity parsing
ELLIPSIS = "…"

# The tags Telegram's HTML parse mode accepts (core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"blockquote", "tg-spoiler", "span", "tg-emoji"}
)
PLACEHOLDERS = frozenset(
    {"headline", "title", "price", "old_price", "discount", "discount_percent", "price_line"}
    | {"lowest", "url", "domain", "reference"}
)
DEFAULT_TEMPLATE = '$headline\n<b>$title</b>\n$price_line\n$lowest\n<a href="$url">$domain</a>'
HEADLINES = {
    "deal": "🔥 Deal",
    "deal_deeper": "🔥 Even lower",
    "target_price": "🎯 Target price reached",
    "price_drop": "📉 Price drop",
    "back_in_stock": "✅ Back in stock",
}

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);|[\s\S]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>\Z")
_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.S)
_NAMED_ENTITIES = frozenset({"&lt;", "&gt;", "&amp;", "&quot;"})  # all Telegram knows


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What an alert says. Stored as the outbox row's JSON payload, rendered at send time."""

    kind: str
    title: str
    url: str
    domain: str
    currency: str | None = None
    price: Decimal | None = None
    old_price: Decimal | None = None
    discount_amount: Decimal | None = None
    discount_percent: Decimal | None = None
    lowest: Mapping[int, bool | None] = field(default_factory=dict)
    image_url: str | None = None
    reference: str | None = None  # what a deal is measured against: "lowest price in 30 days"

    def to_payload(self) -> dict[str, Any]:
        money = ("price", "old_price", "discount_amount", "discount_percent")
        out: dict[str, Any] = {k: getattr(self, k) for k in ("kind", "title", "url", "domain")}
        out |= {k: None if getattr(self, k) is None else str(getattr(self, k)) for k in money}
        out |= {"currency": self.currency, "image_url": self.image_url}
        out["reference"] = self.reference
        out["lowest"] = {str(n): flag for n, flag in self.lowest.items()}
        return out

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> MessageFacts:
        def dec(key: str) -> Decimal | None:
            value = data.get(key)
            return None if value is None else Decimal(str(value))

        return cls(
            kind=str(data.get("kind", "")),
            title=str(data.get("title") or ""),
            url=str(data.get("url") or ""),
            domain=str(data.get("domain") or ""),
            currency=data.get("currency"),
            price=dec("price"),
            old_price=dec("old_price"),
            discount_amount=dec("discount_amount"),
            discount_percent=dec("discount_percent"),
            lowest={int(n): flag for n, flag in (data.get("lowest") or {}).items()},
            image_url=data.get("image_url"),
            reference=data.get("reference"),
        )


def escape_text(text: str) -> str:
    """Any product text: &, <, > and both quotes, so it is safe in text and in a single- or
    double-quoted attribute alike (a template decides where a placeholder goes). Telegram
    knows only a few named entities: &quot; is one, the apostrophe is numeric."""
    return html.escape(text, quote=False).replace('"', "&quot;").replace("'", "&#39;")


escape_attr = escape_text


def format_money(amount: Decimal, currency: str | None) -> str:
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def _values(facts: MessageFacts) -> dict[str, str]:
    cur = facts.currency
    price = format_money(facts.price, cur) if facts.price is not None else ""
    old = format_money(facts.old_price, cur) if facts.old_price is not None else ""
    discount = format_money(facts.discount_amount, cur) if facts.discount_amount is not None else ""
    percent = f"{facts.discount_percent:.0f}" if facts.discount_percent is not None else ""
    reference = facts.reference or ""
    if price and old:
        line = f"<s>{escape_text(old)}</s> → <b>{escape_text(price)}</b>"
        # Say what the discount is measured against: users judge a deal channel by that.
        vs = f" vs. {escape_text(reference)}" if reference else ""
        line += f" (-{percent}%{vs})" if percent else ""
    else:
        line = f"<b>{escape_text(price)}</b>" if price else ""
    lowest = [n for n, flag in sorted(facts.lowest.items()) if flag]
    url = facts.url if urlsplit(facts.url).scheme in ("http", "https") else ""
    return {
        "headline": escape_text(HEADLINES.get(facts.kind, facts.kind.replace("_", " "))),
        "title": escape_text(facts.title),
        "price": escape_text(price),
        "old_price": escape_text(old),
        "discount": escape_text(discount),
        "discount_percent": escape_text(percent),
        "price_line": line,
        "lowest": escape_text(f"Lowest price in {lowest[-1]} days") if lowest else "",
        "url": escape_attr(url),
        "domain": escape_text(facts.domain),
        "reference": escape_text(reference),
    }


def render_html(facts: MessageFacts, template: str = DEFAULT_TEMPLATE) -> str:
    """The template filled in; lines whose placeholders all came out empty are dropped."""
    values = _values(facts)
    lines = []
    for line in template.split("\n"):
        out = Template(line).substitute(values)
        if out.strip() or not Template(line).get_identifiers():
            lines.append(out)
    return "\n".join(lines).strip("\n")


def render_telegram(
    facts: MessageFacts, template: str = DEFAULT_TEMPLATE, limit: int = TEXT_LIMIT
) -> str:
    """Telegram HTML within `limit` visible UTF-16 units: shorten the title, then the tail."""
    text = render_html(facts, template)
    over = visible_length(text) - limit
    if over > 0 and facts.title:
        units = utf16_len(facts.title) - over - utf16_len(ELLIPSIS)
        title = _cut_units(facts.title, max(0, units)) + ELLIPSIS
        text = render_html(replace(facts, title=title), template)
    return truncate_html(text, limit)


def render_plain(facts: MessageFacts, template: str = DEFAULT_TEMPLATE) -> str:
    """The same message as plain text (Apprise channels): links become "text (url)"."""
    return to_plain(render_html(facts, template))


def plain_title(facts: MessageFacts) -> str:
    return f"{HEADLINES.get(facts.kind, facts.kind)}: {facts.title}"


def utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _cut_units(text: str, units: int) -> str:
    """The longest prefix within `units` UTF-16 units (never half a surrogate pair)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return text[:i]
    return text


def _visible(token: str) -> str:
    if token.startswith("<") and len(token) > 1 and _TAG.match(token):
        return ""
    return html.unescape(token) if token.startswith("&") and len(token) > 1 else token


def text_of(markup: str) -> str:
    """What the reader sees: tags removed, entities decoded."""
    return "".join(_visible(t) for t in _TOKEN.findall(markup))


def visible_length(markup: str) -> int:
    """Characters Telegram counts: tags are invisible, an entity is one character."""
    return sum(utf16_len(_visible(t)) for t in _TOKEN.findall(markup))


def truncate_html(markup: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Cut to `limit` visible units between whole tokens, append `ellipsis`, close open tags."""
    if visible_length(markup) <= limit:
        return markup
    budget = limit - utf16_len(ellipsis)
    out: list[str] = []
    open_tags: list[str] = []
    for token in _TOKEN.findall(markup):
        tag = _TAG.match(token) if token.startswith("<") else None
        if tag is None:
            size = utf16_len(_visible(token))
            if size > budget:
                break
            budget -= size
        elif tag.group(1):
            if open_tags and open_tags[-1] == tag.group(2).lower():
                open_tags.pop()
        else:
            open_tags.append(tag.group(2).lower())
        out.append(token)
    out.append(escape_text(ellipsis))
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)


def to_plain(markup: str) -> str:
    def link(m: re.Match[str]) -> str:
        href, text = html.unescape(m.group(1)), m.group(2)
        shown = html.unescape(re.sub(r"<[^<>]*>", "", text))
        return shown if not href or href == shown else f"{text} ({escape_text(href)})"

    with_links = _LINK.sub(link, markup)
    return html.unescape(re.sub(r"<[^<>]*>", "", with_links))


def html_problem(markup: str) -> str | None:
    """Why Telegram would refuse this HTML, or None."""
    stack: list[str] = []
    for piece in _TOKEN.findall(markup):
        if piece in ("<", "&"):
            return f"a raw {piece!r} (write {escape_text(piece)})"
        named = piece.startswith("&") and not piece.startswith("&#")
        if named and piece not in _NAMED_ENTITIES:
            return f"entity {piece} (Telegram knows only &lt; &gt; &amp; &quot;)"
        if not piece.startswith("<"):
            continue
        tag = _TAG.match(piece)
        if tag is None:
            return f"malformed tag {piece!r}"
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in ALLOWED_TAGS:
            return f"tag <{name}> (Telegram allows {', '.join(sorted(ALLOWED_TAGS))})"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"unbalanced </{name}>"
    return f"unclosed <{stack[-1]}>" if stack else None


SAMPLE = MessageFacts(
    kind="deal",
    title='Sample <b>"Title"</b> & more',
    url="https://shop.example/p/1",
    domain="shop.example",
    currency="USD",
    price=Decimal("70"),
    old_price=Decimal("100"),
    discount_amount=Decimal("30"),
    discount_percent=Decimal("30"),
    lowest={14: True, 30: True, 90: None, 180: None},
    reference="lowest price in 30 days",
)


def validate_template(template: str) -> None:
    """Raise ValueError with a one-line reason when Telegram could not use this template."""
    tpl = Template(template)
    if not tpl.is_valid():
        raise ValueError("invalid '$' use (write $$ for a literal dollar sign)")
    unknown = sorted(set(tpl.get_identifiers()) - PLACEHOLDERS)
    if unknown:
        known = ", ".join(f"${p}" for p in sorted(PLACEHOLDERS))
        raise ValueError(f"unknown placeholder ${unknown[0]} (known: {known})")
    rendered = render_html(SAMPLE, template)
    problem = html_problem(rendered)
    if problem:
        raise ValueError(f"Telegram would reject it: {problem}")
    if not text_of(rendered).strip():
        raise ValueError("renders to an empty message")
