"""Message rendering: escaping hostile text, Telegram's length limits, template validation."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from decimal import Decimal

import pytest

from priceradar.domain.messages import (
    CAPTION_LIMIT,
    DEFAULT_TEMPLATE,
    SAMPLE,
    TEXT_LIMIT,
    MessageFacts,
    escape_text,
    html_problem,
    render_html,
    render_plain,
    render_telegram,
    to_plain,
    truncate_html,
    utf16_len,
    validate_template,
    visible_length,
)
from tests.support.factories import message_facts

FACTS = message_facts(
    url="https://shop.example/p/1?a=1&b=2",
    price=Decimal("70.5"),
    old_price=Decimal("1299.99"),
    discount_amount=Decimal("1229.49"),
    discount_percent=Decimal("94.58"),
    lowest={14: True, 30: True, 90: False, 180: None},
    image_url="https://shop.example/i/1.jpg",
)
HOSTILE = [
    "<b>Bold</b> & Sons",
    "</script><script>alert('x')</script>",
    'O\'Neill "Deluxe" <!-- x --> &amp; more',
    "🎧✨ Édition Spéciale <i>50% off?</i>",
    "a < b > c & d",
    "&lt;already escaped&gt;",
]


def text_only(markup: str) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def test_default_message() -> None:
    # Given a deal, when rendered with the default template, then every part is there
    assert render_html(FACTS) == (
        "🔥 Deal\n"
        "<b>Acme Headphones</b>\n"
        "<s>1,299.99 USD</s> → <b>70.50 USD</b> (-95%)\n"
        "Lowest price in 30 days\n"
        '<a href="https://shop.example/p/1?a=1&amp;b=2">shop.example</a>'
    )


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_are_escaped_and_valid(title: str) -> None:
    # Given a title full of markup, when rendered for Telegram
    out = render_telegram(replace(FACTS, title=title))
    # Then Telegram would accept it and shows the title exactly as the shop wrote it
    assert html_problem(out) is None
    assert f"<b>{escape_text(title)}</b>" in out  # quotes too: safe in any attribute
    assert title in text_only(out)


def test_lines_with_empty_placeholders_are_dropped() -> None:
    # Given a back-in-stock alert: no old price, no discount, no lowest flags
    facts = MessageFacts("back_in_stock", "Thing", "https://s.example/p", "s.example",
                         "EUR", Decimal("10"))  # fmt: skip
    # Then only lines with content remain
    assert render_html(facts) == (
        '✅ Back in stock\n<b>Thing</b>\n<b>10.00 EUR</b>\n<a href="https://s.example/p">s.example</a>'
    )


def test_non_http_links_are_dropped() -> None:
    out = render_html(replace(FACTS, url="javascript:alert(1)"))
    assert "javascript" not in out and 'href=""' in out


@pytest.mark.parametrize(
    ("title_unit", "limit"),
    [
        ("<b>x</b> & ", TEXT_LIMIT),
        ("<b>x</b> & ", CAPTION_LIMIT),
        ("🎧", TEXT_LIMIT),  # two UTF-16 units each
        ("🎧a", CAPTION_LIMIT),
        ("&amp;", CAPTION_LIMIT),
        ("é", CAPTION_LIMIT),
    ],
)
def test_long_titles_are_cut_to_the_limit_keeping_price_and_link(
    title_unit: str, limit: int
) -> None:
    # Given a title far longer than Telegram allows
    facts = replace(FACTS, title=title_unit * 5000)
    # When rendered for that limit
    out = render_telegram(facts, limit=limit)
    # Then it fits exactly, stays valid HTML, ends the title with an ellipsis and keeps the rest
    assert visible_length(out) <= limit
    assert visible_length(out) >= limit - 2
    assert html_problem(out) is None
    assert "…</b>\n<s>1,299.99 USD</s>" in out
    assert out.endswith('<a href="https://shop.example/p/1?a=1&amp;b=2">shop.example</a>')
    assert "\ud83c" not in text_only(out)  # never half a surrogate pair


def test_short_messages_are_untouched() -> None:
    out = render_telegram(FACTS, limit=CAPTION_LIMIT)
    assert out == render_html(FACTS)


@pytest.mark.parametrize(
    ("markup", "limit", "expected"),
    [
        ("<b>abcdef</b>", 4, "<b>abc…</b>"),
        ("<b>ab&amp;cd</b>", 4, "<b>ab&amp;…</b>"),
        ("<b>ab&amp;cd</b>", 3, "<b>ab…</b>"),
        ('<a href="https://x">link text</a> tail', 5, '<a href="https://x">link…</a>'),
        ("<b><i>abcdef</i></b>", 3, "<b><i>ab…</i></b>"),
        ("ab🎧cd", 4, "ab…"),  # the emoji needs 2 units and does not fit with the ellipsis
        ("ab🎧cd", 5, "ab🎧…"),
        ("short", 10, "short"),
    ],
)
def test_truncate_html_never_breaks_entities_or_tags(
    markup: str, limit: int, expected: str
) -> None:
    out = truncate_html(markup, limit)
    assert out == expected
    assert visible_length(out) <= limit
    assert html_problem(out) is None


@pytest.mark.parametrize(
    ("text", "units"),
    [("abc", 3), ("🎧", 2), ("é", 1), ("👩‍💻", 5)],
)
def test_utf16_length(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_visible_length_counts_entities_once_and_tags_not_at_all() -> None:
    assert visible_length('<b>a&amp;b</b> <a href="https://x">c</a>') == 5


def test_plain_text_for_apprise() -> None:
    # Given a hostile title, when rendered as plain text, then it is shown verbatim, links
    # become "text (url)" and no markup or entity is left
    facts = replace(FACTS, title="<b>Bold</b> & Sons")
    out = render_plain(facts)
    assert "<b>Bold</b> & Sons" in out
    assert "shop.example (https://shop.example/p/1?a=1&b=2)" in out
    assert "<s>" not in out and "&amp;" not in out


def test_to_plain_link_with_same_text() -> None:
    assert to_plain('<a href="https://x.example">https://x.example</a>') == "https://x.example"


def test_payload_round_trip() -> None:
    assert MessageFacts.from_payload(FACTS.to_payload()) == FACTS
    assert MessageFacts.from_payload(SAMPLE.to_payload()) == SAMPLE


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (DEFAULT_TEMPLATE, None),
        ("$title", None),
        ("<b>$title</b> costs $$5 $price", None),
        ("<b>$title", "unclosed <b>"),
        ("<b>$title</i>", "unbalanced </i>"),
        ("<div>$title</div>", "tag <div>"),
        ("$title & co", "raw '&'"),
        ("$title &nbsp; x", "entity &nbsp;"),
        ("$title < 5", "raw '<'"),
        ("$titel", "unknown placeholder $titel"),
        ("price: $", "invalid '$' use"),
        ("${title", "invalid '$' use"),
        ("   ", "empty message"),
        ("\n<b> </b>\n", "empty message"),
    ],
)
def test_template_validation(template: str, problem: str | None) -> None:
    # Given an operator's template, when validated, then broken ones are refused with a reason
    if problem is None:
        validate_template(template)
        return
    with pytest.raises(ValueError, match=re.escape(problem)):
        validate_template(template)


def test_custom_template_and_atomic_placeholders() -> None:
    template = "$headline: <i>$title</i> $old_price → $price, -$discount ($discount_percent%)"
    out = render_html(FACTS, template)
    assert out == ("🔥 Deal: <i>Acme Headphones</i> 1,299.99 USD → 70.50 USD, -1,229.49 USD (95%)")


def test_a_deal_says_what_its_discount_is_measured_against() -> None:
    # Given a deal measured against the lowest price held in 30 days
    facts = message_facts(reference="lowest price in 30 days")
    # When rendered, then the price line names that reference, in HTML and in plain text
    assert "(-30% vs. lowest price in 30 days)" in render_html(facts)
    assert "(-30% vs. lowest price in 30 days)" in render_plain(facts)
    assert MessageFacts.from_payload(facts.to_payload()) == facts
