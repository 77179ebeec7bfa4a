"""Message templates may put placeholders in single- or double-quoted attributes: product text
(title, URL, domain: all chosen by the shop or the submitter) never breaks out of either."""

from __future__ import annotations

import html
import re

import pytest

from priceradar.domain.messages import render_html, validate_template
from tests.support.factories import message_facts

HOSTILE = "x' onmouseover='alert(1)\" data-x=\"<b>"


@pytest.mark.parametrize("quote", ["'", '"'])
@pytest.mark.parametrize("field", ["url", "title", "domain"])
def test_placeholders_in_quoted_attributes_stay_inside_them(quote: str, field: str) -> None:
    template = f"<a href={quote}${{{field}}}{quote}>link</a>"
    validate_template(template)
    facts = message_facts(
        **{field: f"https://shop.example/{HOSTILE}" if field == "url" else HOSTILE}
    )
    rendered = render_html(facts, template)
    # Then the attribute holds the whole value, and the tag nothing else
    match = re.fullmatch(f"<a href={quote}([^{quote}]*){quote}>link</a>", rendered)
    assert match is not None, rendered
    assert HOSTILE in html.unescape(match.group(1))
