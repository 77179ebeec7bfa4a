"""Site rules: CSS and XPath selectors, fixed currencies, stock text and rule errors."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from priceradar.domain.extraction import SiteRule
from priceradar.domain.outcome import ExtractedProduct
from tests.domain.extraction.builders import fail, meta, ok, page

RULE_BODY = (
    '<h1 class="name">  Çay Süzgeci  </h1><img class="main" data-src="/c.jpg">'
    '<div class="price"><span>1.299</span><sup>,90</sup> TL</div>'
    '<div class="stock">Tükendi</div>'
)


def test_css_rule_with_all_fields() -> None:
    rule = SiteRule(price="div.price", title="h1.name", availability="div.stock", image="img.main")

    assert ok(page(body=RULE_BODY), rule) == ExtractedProduct(
        price=Decimal("1299.90"), currency="TRY", in_stock=False, title="Çay Süzgeci",
        image_url="https://shop.example/c.jpg", source="rule",
    )  # fmt: skip


@pytest.mark.parametrize(
    "price_selector",
    [
        "xpath://div[@class='price']",
        "xpath:string(//div[@class='price'])",
        "xpath://div[@class='price']//text()",  # first text node: "1.299"
    ],
)
def test_xpath_rule(price_selector: str) -> None:
    rule = SiteRule(price=price_selector, title="xpath://h1", currency="TRY")

    result = ok(page(body=RULE_BODY), rule)

    assert result.price in (Decimal("1299.90"), Decimal("1299"))
    assert (result.currency, result.title, result.in_stock) == ("TRY", "Çay Süzgeci", None)


def test_xpath_rule_attribute_results() -> None:
    body = '<meta itemprop="price" content="12.5"><img class="m" data-src="/a.jpg">'
    rule = SiteRule(
        price="xpath://meta[@itemprop='price']/@content",
        image="xpath://img[@class='m']/@data-src",
        currency="EUR",
    )

    result = ok(page(body=body), rule)

    assert (result.price, result.currency, result.image_url) == (
        Decimal("12.5"),
        "EUR",
        "https://shop.example/a.jpg",
    )


def test_lxml_is_imported_only_for_xpath_rules() -> None:
    code = (
        "import sys\n"
        "from priceradar.domain.extraction import SiteRule, extract_product\n"
        "extract_product('<b>1</b>', 'https://x/', SiteRule(price='b'))\n"
        "before = 'lxml' in sys.modules\n"
        "extract_product('<b>1</b>', 'https://x/', SiteRule(price='xpath://b'))\n"
        "print(before, 'lxml' in sys.modules)\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.split() == ["False", "True"]


def test_rule_fixed_currency_applies_only_without_symbol() -> None:
    body = '<b class="p">45,00</b><i class="q">€45,00</i>'

    assert ok(page(body=body), SiteRule(price="b.p", currency="TRY")).currency == "TRY"
    assert ok(page(body=body), SiteRule(price="i.q", currency="TRY")).currency == "EUR"


def test_rule_content_attribute_and_in_stock_text() -> None:
    body = '<meta class="pr" content="19.99"><p class="st">In stock, ships today</p>'
    rule = SiteRule(price="meta.pr", availability="p.st", currency="USD")

    result = ok(page("<title>T</title>" + meta("og:image", "https://cdn/x.jpg"), body), rule)

    assert (result.price, result.in_stock, result.title) == (Decimal("19.99"), True, "T")
    assert result.image_url == "https://cdn/x.jpg"


@pytest.mark.parametrize(
    "sold_out", ["Ausverkauft", "Agotado", "Esaurito", "Niet op voorraad", "Brak w magazynie"]
)
def test_rule_stock_text_in_the_shops_languages(sold_out: str) -> None:
    """The default pattern knows the sold-out words the visible stock reader knows."""
    body = f'<div class="price">49,90 €</div><div class="stock">{sold_out}</div>'
    rule = SiteRule(price="div.price", availability="div.stock")

    assert ok(page(body=body), rule).in_stock is False


def test_rule_sold_out_in_price_slot_is_out_of_stock() -> None:
    result = ok(page(body='<div class="price">Sold out</div>'), SiteRule(price="div.price"))

    assert (result.price, result.in_stock) == (None, False)


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (SiteRule(price=".missing"), "site rule matched nothing"),
        (
            SiteRule(price="div.price", availability="div.stock", out_of_stock_pattern="("),
            "site rule error",
        ),
        (SiteRule(price="div[["), "site rule error: SelectolaxError"),
        (SiteRule(price="xpath://div[@class="), "site rule error: XPathEvalError"),
        (SiteRule(price="div.call"), "rule price unusable ('Call for price')"),
    ],
)
def test_rule_failures(rule: SiteRule, reason: str) -> None:
    body = '<div class="price">12</div><div class="call">Call for price</div>'

    result = fail(page(body=body), rule)

    assert reason in result.reason and not result.ambiguous
