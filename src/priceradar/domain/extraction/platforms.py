"""Shop-platform recognizers: where Shopify, WooCommerce, Magento … put the product's price.

Each recognizer is a pure function `(doc, scripts, url) -> list[Candidate]`, empty when the
page is not that platform's product page. Script-state platforms (Shopify, BigCommerce,
PrestaShop, WooCommerce variations) are read from their JSON; DOM platforms from the product
block's *current* price element only (never the old/regular one), so these are as precise as
structured data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from priceradar.domain.extraction import embedded_values as ev
from priceradar.domain.extraction._common import Candidate
from priceradar.domain.extraction.state import literal_after, load_json
from priceradar.domain.price_text import clean_title, parse_price_text, parse_price_value

Scripts = list[tuple[dict[str, str | None], str]]  # (attributes, text) of every <script>
Recognizer = Callable[[LexborHTMLParser, Scripts, str], list[Candidate]]

_SHOPIFY_META = re.compile(r"(?:\bvar\s+meta|ShopifyAnalytics\.meta)\s*=\s*(?=\{)")
_SHOPIFY_CURRENCY = re.compile(r"Shopify\.currency\s*=\s*(?=\{)")
_BCDATA = re.compile(r"\bvar\s+BCData\s*=\s*(?=\{)")
_RUN_PARAMS = re.compile(r"\brunParams\s*=\s*(?=\{)")
_PRESTASHOP = re.compile(r"\bvar\s+prestashop\s*=\s*(?=\{)")
_CENTS = Decimal(100)


def _assigned(scripts: Scripts, pattern: re.Pattern[str]) -> Any:
    for _, text in scripts:
        match = pattern.search(text)
        if match is not None:
            value = literal_after(text, match.end())
            if value is not None:
                return value
    return None


def shopify(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """Shopify: the theme's product JSON, else `ShopifyAnalytics.meta`; prices in cents."""
    currency_state = _assigned(scripts, _SHOPIFY_CURRENCY)
    currency = (
        ev.node_currency({"currency": currency_state.get("active")})
        if isinstance(currency_state, dict)
        else None
    )
    product: Any = None
    for attrs, text in scripts:
        script_id = attrs.get("id") or ""
        if "data-product-json" in attrs or script_id.startswith(("ProductJson", "product-json")):
            product = load_json(text)
            if isinstance(product, dict):
                break
    if not isinstance(product, dict):
        meta = _assigned(scripts, _SHOPIFY_META)
        if not isinstance(meta, dict) or not isinstance(meta.get("product"), dict):
            return []
        product = meta["product"]
        currency = currency or ev.node_currency(meta)
    cand = Candidate(title=clean_title(product.get("title") or product.get("name")))
    variants = product.get("variants")
    for variant in variants[:200] if isinstance(variants, list) else []:
        if not isinstance(variant, dict):
            continue
        cents = parse_price_value(variant.get("price"), currency)
        if cents is not None and _is_cents(variant.get("price")):
            stock = variant.get("available") if isinstance(variant.get("available"), bool) else None
            ev.add_offer(cand, cents[0] / _CENTS, currency, stock, ev.offer_ids(variant))
    return [cand] if cand.offers else []


def _is_cents(value: Any) -> bool:
    """Shopify's JSON prices are integer cents ("12900"); "129.00" is a formatted amount."""
    return (isinstance(value, int | Decimal) and value == int(value)) or (
        isinstance(value, str) and value.strip().isdigit()
    )


def bigcommerce(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """BigCommerce: `var BCData = {product_attributes: {price: {with_tax|without_tax}}}`."""
    data = _assigned(scripts, _BCDATA)
    attrs = data.get("product_attributes") if isinstance(data, dict) else None
    if not isinstance(attrs, dict) or not isinstance(attrs.get("price"), dict):
        return []
    price = attrs["price"]
    # The shop shows what it is configured to show; with_tax is present only when shown.
    shown = price.get("with_tax") or price.get("without_tax")
    if not isinstance(shown, dict):
        return []
    parsed = ev.price_value(shown, ev.node_currency(shown))
    if parsed is None:
        return []
    cand = Candidate(title=_h1(doc), ids=ev.offer_ids(attrs))
    stock = attrs.get("instock") if isinstance(attrs.get("instock"), bool) else None
    ev.add_offer(cand, parsed[0], parsed[1], stock, cand.ids)
    return [cand]


def prestashop(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """PrestaShop 1.7+/8: the `data-product` JSON of the product details block."""
    node = doc.css_first("#product-details[data-product], .product-details[data-product]")
    if node is None:
        return []
    data = load_json(node.attributes.get("data-product") or "")
    if not isinstance(data, dict):
        return []
    shop = _assigned(scripts, _PRESTASHOP)
    currency = ev.node_currency(shop) if isinstance(shop, dict) else None
    parsed = ev.price_value(data.get("price_amount"), currency)
    if parsed is None:
        return []
    cand = Candidate(title=clean_title(data.get("name")) or _h1(doc))
    stock = data.get("availability")
    in_stock = None if not isinstance(stock, str) else stock == "available"
    ev.add_offer(cand, parsed[0], parsed[1], in_stock, ev.offer_ids(data))
    return [cand]


def aliexpress(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """AliExpress: `window.runParams.data.priceComponent` (the discount price when there is one)."""
    params = _assigned(scripts, _RUN_PARAMS)
    data = params.get("data") if isinstance(params, dict) else None
    prices = data.get("priceComponent") if isinstance(data, dict) else None
    if not isinstance(prices, dict):
        return []
    parsed = None
    for key, amount in (("discountPrice", "minActivityAmount"), ("origPrice", "minAmount")):
        block = prices.get(key)
        value = block.get(amount) if isinstance(block, dict) else None
        parsed = ev.price_value(value, ev.node_currency(value)) if isinstance(value, dict) else None
        if parsed is not None:
            break
    if parsed is None:
        return []
    info = data.get("productInfoComponent") if isinstance(data, dict) else None
    title = clean_title(info.get("subject")) if isinstance(info, dict) else None
    cand = Candidate(title=title or _h1(doc))
    ev.add_offer(cand, parsed[0], parsed[1], None, frozenset())
    return [cand]


def woocommerce(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """WooCommerce: variation JSON of a variable product, else the summary's current price."""
    form = doc.css_first("form.variations_form[data-product_variations]")
    if form is not None:
        variations = load_json(form.attributes.get("data-product_variations") or "")
        cand = Candidate(title=_h1(doc))
        for item in variations[:200] if isinstance(variations, list) else []:
            if isinstance(item, dict):
                parsed = ev.price_value(item.get("display_price"), None)
                stock = item.get("is_in_stock")
                if parsed is not None:
                    ids = ev.offer_ids({"sku": item.get("sku"), "id": item.get("variation_id")})
                    ev.add_offer(
                        cand, parsed[0], None, stock if isinstance(stock, bool) else None, ids
                    )
        if cand.offers:
            return [cand]
    return _dom_price(
        doc,
        "div.product div.summary p.price ins .woocommerce-Price-amount, "
        "div.product div.summary p.price > .woocommerce-Price-amount",
    )


def magento(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """Magento 2: the final price of the product-info block's price box."""
    return _dom_price(
        doc, ".product-info-main .price-box [data-price-type=finalPrice][data-price-amount]"
    )


def sfcc(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """Salesforce Commerce Cloud (SFRA): the `sales` price of the product detail block."""
    return _dom_price(doc, ".product-detail .prices .sales .value")


def shopware(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """Shopware 6 (`product-detail-price`) and 5 (`product--buybox` price content)."""
    return _dom_price(
        doc, ".product-detail-buy .product-detail-price, .product--buybox .price--content"
    )


def opencart(doc: LexborHTMLParser, scripts: Scripts, url: str) -> list[Candidate]:
    """OpenCart 3/4: the product's new price, else the default theme's price heading."""
    if (
        "route=product/product" not in url
        and doc.css_first("#product-product, #product-info") is None
    ):
        return []
    return _dom_price(doc, "#content .price-new, #content ul.list-unstyled li h2")


def _dom_price(doc: LexborHTMLParser, selector: str) -> list[Candidate]:
    """The first node's price (its `content`/`data-price-amount` or text) as one Candidate."""
    nodes = doc.css(selector)
    if not nodes:
        return []
    prices: set[Decimal] = set()
    cand = Candidate(title=_h1(doc))
    for node in nodes[:5]:
        parsed = _node_price(node)
        if parsed is not None and parsed[0] not in prices:
            prices.add(parsed[0])
            ev.add_offer(cand, parsed[0], parsed[1], None, frozenset())
    # Two different "current" prices in the product block: not ours to pick.
    return [cand] if len(prices) == 1 else []


def _node_price(node: LexborNode) -> tuple[Decimal, str | None] | None:
    attrs = node.attributes
    text = node.text(deep=True, separator="")
    text_price = parse_price_text(text) if text.strip() else None
    for key in ("data-price-amount", "content"):
        raw = attrs.get(key)
        if raw:
            parsed = parse_price_value(raw, text_price[1] if text_price else None)
            if parsed is not None:
                return parsed
    return text_price


def _h1(doc: LexborHTMLParser) -> str | None:
    node = doc.css_first("h1")
    return clean_title(node.text(deep=True, separator=" ")) if node is not None else None


# (name, recognizer, markers): a recognizer runs only on pages whose HTML contains one of its
# markers, so a page pays for the platforms it could be (a substring test costs microseconds,
# a CSS query over a 60 KB page ~50 µs).
PLATFORMS: tuple[tuple[str, Recognizer, tuple[str, ...]], ...] = (
    ("shopify", shopify, ("Shopify", "ProductJson", "product-json", "var meta")),
    ("bigcommerce", bigcommerce, ("BCData",)),
    ("aliexpress", aliexpress, ("runParams",)),
    ("prestashop", prestashop, ("data-product=",)),
    ("woocommerce", woocommerce, ("variations_form", "woocommerce")),
    ("magento", magento, ("data-price-type",)),
    ("sfcc", sfcc, ("product-detail",)),
    ("shopware", shopware, ("product-detail-price", "price--content")),
    ("opencart", opencart, ("route=product/product", "product-product", "product-info")),
)
