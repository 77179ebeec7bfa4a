"""Script-only product pages: the static HTML is an empty shell, the price is drawn by JavaScript.

`/js/delayed/{id}`: the product (base64 JSON inside the script, so no extractor can read it
statically) is drawn 1.5 s after load — after the network went idle.
`/js/fetched/{id}`: the product is loaded by `fetch()` from `/js/api/product/{id}` and drawn.
Both draw schema.org microdata plus `<span class="price">`, as a storefront would.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from aiohttp import web

from priceradar.demo_shop.catalog import ShopConfig, format_price, in_stock_at, price_at, product
from priceradar.demo_shop.pages import HTML_TYPE

DRAW_DELAY_MS = 1500

_DRAW = """
function draw(p) {
  var app = document.getElementById('app');
  var box = document.createElement('div');
  box.setAttribute('itemscope', ''); box.setAttribute('itemtype', 'https://schema.org/Product');
  var h1 = document.createElement('h1');
  h1.className = 'product-title'; h1.setAttribute('itemprop', 'name'); h1.textContent = p.title;
  var offer = document.createElement('div');
  offer.setAttribute('itemprop', 'offers'); offer.setAttribute('itemscope', '');
  offer.setAttribute('itemtype', 'https://schema.org/Offer');
  var price = document.createElement('span');
  price.className = 'price'; price.setAttribute('itemprop', 'price');
  price.setAttribute('content', p.price); price.textContent = p.display;
  var cur = document.createElement('meta');
  cur.setAttribute('itemprop', 'priceCurrency'); cur.setAttribute('content', p.currency);
  var stock = document.createElement('link');
  stock.setAttribute('itemprop', 'availability');
  stock.setAttribute('href', 'https://schema.org/' + (p.in_stock ? 'InStock' : 'OutOfStock'));
  var stockText = document.createElement('div');
  stockText.className = 'stock'; stockText.textContent = p.in_stock ? 'In stock' : 'Sold out';
  offer.append(price, cur, stock, stockText); box.append(h1, offer); app.replaceChildren(box);
}
"""


def product_json(cfg: ShopConfig, pid: int, epoch: int) -> dict[str, Any]:
    p = product(cfg, pid)
    price = price_at(pid, epoch, seed=cfg.seed)
    return {
        "id": pid,
        "title": p.title,
        "price": str(price),
        "display": format_price(price, p.currency),
        "currency": p.currency,
        "in_stock": in_stock_at(pid, epoch, seed=cfg.seed),
    }


def shell_page(script: str) -> bytes:
    """An SPA shell: a title, an empty mount point, a loading line and the app's script."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>DemoShop</title>"
        '</head><body><div id="app"><p class="loading">Loading…</p></div>'
        "<noscript>You need to enable JavaScript to run this shop.</noscript>"
        f"<script>{_DRAW}{script}</script></body></html>"
    ).encode()


def delayed_page(cfg: ShopConfig, pid: int, epoch: int) -> bytes:
    data = json.dumps(product_json(cfg, pid, epoch)).encode()
    encoded = base64.b64encode(data).decode()
    return shell_page(
        f"setTimeout(function () {{ draw(JSON.parse(new TextDecoder().decode("
        f"Uint8Array.from(atob('{encoded}'), function (c) {{ return c.charCodeAt(0); }})))); "
        f"}}, {DRAW_DELAY_MS});"
    )


def fetched_page(pid: int) -> bytes:
    url = html.escape(f"/js/api/product/{pid}")
    return shell_page(f"fetch('{url}').then(function (r) {{ return r.json(); }}).then(draw);")


def register(app: web.Application, state_key: web.AppKey[Any]) -> None:
    """Add the script-only routes; `state_key` finds the shop's ShopState on the app."""

    def served(request: web.Request) -> tuple[Any, int, int]:
        state = request.app[state_key]
        pid = int(request.match_info["id"])
        if pid < 1:
            raise web.HTTPNotFound()
        epoch = state.epoch()
        state.record(pid, 200, epoch, True)  # the truth oracle knows what was shown
        return state, pid, epoch

    async def delayed(request: web.Request) -> web.Response:
        state, pid, epoch = served(request)
        return web.Response(body=delayed_page(state.cfg, pid, epoch), content_type="text/html",
                            charset="utf-8")  # fmt: skip

    async def fetched(request: web.Request) -> web.Response:
        pid = int(request.match_info["id"])
        return web.Response(body=fetched_page(pid), headers={"Content-Type": HTML_TYPE})

    async def api(request: web.Request) -> web.Response:
        state, pid, epoch = served(request)
        return web.json_response(product_json(state.cfg, pid, epoch))

    app.router.add_get(r"/js/delayed/{id:\d{1,15}}", delayed)
    app.router.add_get(r"/js/fetched/{id:\d{1,15}}", fetched)
    app.router.add_get(r"/js/api/product/{id:\d{1,15}}", api)
