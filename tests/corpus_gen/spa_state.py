"""Headless shops whose data ships as embedded state: Next.js (pages and app router), Nuxt 2/3,
Redux `__INITIAL_STATE__` / `__PRELOADED_STATE__`, Apollo `__APOLLO_STATE__`, GA4 dataLayer."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.corpus_gen.common import (
    GTM,
    Page,
    cookie_banner,
    currency_of,
    doc,
    esc,
    js,
    money,
    related_prices,
    related_titles,
    script,
)

D = Decimal


def _shell(host: str, title: str, price_html: str, price: Decimal, loc: str, button: str) -> str:
    recs = "".join(
        f'<li class="product-card"><a href="/products/{t.lower().replace(" ", "-")}"><h3 class="'
        f'product-card__name">{esc(t)}</h3><p class="product-card__price">{money(p, loc)}</p></a>'
        "</li>"
        for t, p in zip(related_titles(4, len(host)), related_prices(price, 4), strict=True)
    )
    return (
        cookie_banner()
        + f'<header class="site-header"><a href="/" class="logo">{esc(host)}</a><a href="/cart" '
        f'class="cart-link" aria-label="Cart">Cart <span class="cart-total">{money(D(0), loc)}'
        "</span></a></header>\n"
        '<main class="pdp"><div class="pdp__gallery"><img src="/images/main.webp" alt=""></div>'
        f'<div class="pdp__info"><h1 class="pdp__title">{esc(title)}</h1>{price_html}'
        f'<button class="pdp__add-to-cart" type="button">{button}</button></div></main>\n'
        f'<section class="recommendations"><h2>You might also like</h2><ul>{recs}</ul></section>\n'
        f'<footer class="site-footer">© 2024 {esc(host)}</footer>\n'
    )


def nextjs_commerce(name: str, host: str, title: str, variants: list[tuple[str, Decimal]], *,
                    loc: str = "en_US", select: int = 0) -> Page:  # fmt: skip
    cur = currency_of(loc)
    ids = [f"gid://shopify/ProductVariant/4{len(name)}0{i}" for i in range(len(variants))]
    product = {
        "id": f"gid://shopify/Product/8{len(name)}01", "handle": name, "availableForSale": True,
        "title": title,
        "priceRange": {"maxVariantPrice": {"amount": f"{max(v[1] for v in variants)}",
                                           "currencyCode": cur},
                       "minVariantPrice": {"amount": f"{min(v[1] for v in variants)}",
                                           "currencyCode": cur}},
        "variants": [{"id": ids[i], "title": t, "availableForSale": True,
                      "selectedOptions": [{"name": "Size", "value": t}],
                      "price": {"amount": f"{p}", "currencyCode": cur}}
                     for i, (t, p) in enumerate(variants)],
    }  # fmt: skip
    state = {"props": {"pageProps": {"product": product}, "__N_SSG": True},
             "page": "/product/[handle]", "query": {"handle": name}, "buildId": "x7Yd2",
             "isFallback": False}  # fmt: skip
    url = f"https://{host}/product/{name}"
    if select:
        url += f"?size={variants[select][0].lower()}"
    price = variants[select][1]
    price_html = (
        '<div class="mr-auto w-auto rounded-full bg-blue-600 p-2 text-sm text-white"><p suppress'
        f'HydrationWarning="">{money(price, loc)}<span class="ml-1 inline">{cur}</span></p></div>'
    )
    body = (
        '<div id="__next">'
        + _shell(host, title, price_html, price, loc, "Add To Cart")
        + "</div>\n"
        + f'<script id="__NEXT_DATA__" type="application/json">{js(state)}</script>\n'
    )
    html = doc("en", title, f'<meta property="og:title" content="{esc(title)}">\n' + GTM, body)
    note = "variant chosen by ?size= in the URL" if select else ""
    return Page("nextjs_commerce", name, url, html, f"{price}", cur, None, note=note)


def next_app_router(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_US",
                    was: Decimal | None = None) -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/products/{name}"
    rsc = json.dumps(
        ["$", "div", None, {"children": [
            ["$", "h1", None, {"className": "text-2xl", "children": title}],
            ["$", "$L7", None, {"product": {"slug": name, "name": title,
                                            "price": {"value": float(price), "currency": cur},
                                            "compareAt": float(was) if was else None}}]]}],
        ensure_ascii=False,
    )  # fmt: skip
    pushes = (
        script('(self.__next_f=self.__next_f||[]).push([0]);self.__next_f.push([2,null])')
        + script("self.__next_f.push([1," + json.dumps("7:I[4512,[],\"ProductView\"]\n")
                 + "])")
        + script("self.__next_f.push([1," + json.dumps(f"8:{rsc}\n") + "])")
    )  # fmt: skip
    old = f'<s class="text-neutral-500">{money(was, loc)}</s> ' if was else ""
    price_html = f'<p class="text-xl font-medium" data-testid="price">{old}{money(price, loc)}</p>'
    body = _shell(host, title, price_html, price, loc, "Add to bag") + pushes
    html = doc("en", title, "", body)
    return Page("next_app_router", name, url, html, f"{price}", cur, None)


def nuxt2(name: str, host: str, title: str, price: Decimal, old: Decimal | None, *,
          loc: str = "de_DE", in_stock: bool = True, lang: str = "de") -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/p/{name}"
    args = f'{price},{old if old else "null"},{"true" if in_stock else "false"},null,"{cur}"'
    state = (
        'window.__NUXT__=(function(a,b,c,d,e){return {layout:"default",data:[{product:{id:'
        f'{len(name) * 97},slug:"{name}",name:{json.dumps(title, ensure_ascii=False)},price:a,'
        "regularPrice:b,currency:e,inStock:c,images:[]}}],fetch:{},error:d,state:{cart:{items:[],"
        f'total:0}},currency:e}},serverRendered:!0,routePath:"/p/{name}"}}}}({args}));'
    )
    old_html = f'<span class="product-price__old">{money(old, loc)}</span>' if old else ""
    tax = "IVA inclusa" if lang == "it" else "inkl. MwSt., zzgl. Versand"
    buy = "Aggiungi al carrello" if lang == "it" else "In den Warenkorb"
    price_html = (
        f'<div class="product-price">{old_html}<span class="product-price__current">'
        f"{money(price, loc)}</span><small>{tax}</small></div>"
    )
    body = (
        '<div id="__nuxt"><div id="__layout">'
        + _shell(host, title, price_html, price, loc,
                 buy if in_stock else "Ausverkauft")
        + "</div></div>\n" + script(state)
    )  # fmt: skip
    html = doc(lang, title, "", body)
    stock = "in_stock" if in_stock else "out_of_stock"
    return Page("nuxt2_state", name, url, html, f"{price}", cur, stock)


def nuxt3(name: str, host: str, title: str, price: Decimal, *, loc: str = "fr_FR",
          lang: str = "fr") -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/{'producto' if lang == 'es' else 'produit'}/{name}"
    payload = [
        ["ShallowReactive", 1], {"data": 2, "state": 8, "once": 9, "_errors": 10,
                                 "serverRendered": 11, "path": 12},
        ["ShallowReactive", 3], {f"product-{name}": 4},
        {"id": 5, "title": 6, "price": 7, "currency": 13},
        len(name) * 31, title, float(price), {}, ["Set"], ["ShallowReactive", 8], True,
        url.split(host)[1], cur,
    ]  # fmt: skip
    price_html = f'<p class="price" aria-label="Prix">{money(price, loc)}</p>'
    body = (
        '<div id="__nuxt">'
        + _shell(
            host,
            title,
            price_html,
            price,
            loc,
            "Añadir a la cesta" if lang == "es" else "Ajouter au panier",
        )
        + "</div>\n"
        + f'<script type="application/json" data-nuxt-data="nuxt-app" data-ssr="true" id="__NUXT_'
        f'DATA__">{js(payload)}</script>\n'
        + script('window.__NUXT__={};window.__NUXT__.config={public:{},app:{baseURL:"/"}}')
    )
    html = doc(lang, title, "", body)
    return Page("nuxt3_payload", name, url, html, f"{price}", cur, None)


def redux(name: str, host: str, title: str, price: Decimal, *, loc: str = "en_GB",
          var: str = "__INITIAL_STATE__", sale: Decimal | None = None,
          lang: str = "en") -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/p/{name}"
    current = sale or price
    state = {
        "router": {"location": {"pathname": f"/p/{name}"}},
        "product": {"byId": {"77120": {"id": "77120", "name": title, "sku": "77120-BLK",
                                       "prices": {"regular": {"value": float(price), "currency": cur},
                                                  "sale": {"value": float(sale), "currency": cur}
                                                  if sale else None},
                                       "stock": {"status": "IN_STOCK", "quantity": 14}}},
                    "current": "77120"},
        "basket": {"count": 0, "total": {"value": 0, "currency": cur}},
    }  # fmt: skip
    old = f'<span class="price price--was">{money(price, loc)}</span>' if sale else ""
    price_html = (
        f'<div class="price-wrap">{old}<span class="price price--now">{money(current, loc)}</span>'
        "</div>"
    )
    body = (
        '<div id="app">' + _shell(host, title, price_html, current, loc, "Add to basket")
        + "</div>\n" + script(f"window.{var} = {js(state)};")
    )  # fmt: skip
    html = doc(lang, title, "", body)
    return Page("redux_state", name, url, html, f"{current}", cur, "in_stock")


def apollo(name: str, host: str, title: str, price: Decimal, *, loc: str = "nl_NL",
           lang: str = "nl") -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/product/{name}"
    state = {
        f"Product:{len(name)}88": {"__typename": "Product", "id": f"{len(name)}88", "name": title,
                                   "price": {"__ref": f"Money:{len(name)}88"},
                                   "stockStatus": "IN_STOCK"},
        f"Money:{len(name)}88": {"__typename": "Money", "amount": float(price), "currency": cur},
        "Product:9001": {"__typename": "Product", "id": "9001", "name": "Bijpassende hoes",
                         "price": {"__typename": "Money", "amount": 14.95, "currency": cur}},
        "ROOT_QUERY": {"__typename": "Query",
                       f'product({{"slug":"{name}"}})': {"__ref": f"Product:{len(name)}88"},
                       "cart": {"__typename": "Cart", "total": 0}},
    }  # fmt: skip
    price_html = f'<span class="sales-price" data-test="price">{money(price, loc)}</span>'
    body = (
        '<div id="root">' + _shell(host, title, price_html, price, loc, "In winkelwagen")
        + "</div>\n" + script(f"window.__APOLLO_STATE__={js(state)};")
    )  # fmt: skip
    html = doc(lang, title, "", body)
    return Page("apollo_state", name, url, html, f"{price}", cur, "in_stock")


def datalayer(name: str, host: str, title: str, price: Decimal, *, loc: str = "it_IT",
              was: Decimal | None = None, lang: str = "it") -> Page:  # fmt: skip
    cur = currency_of(loc)
    url = f"https://{host}/prodotto/{name}.html"
    event = {"event": "view_item", "ecommerce": {"currency": cur, "value": float(price),
             "items": [{"item_id": f"IT{len(name)}", "item_name": title, "price": float(price),
                        "discount": float(was - price) if was else 0, "quantity": 1}]}}  # fmt: skip
    old = f'<span class="prezzo-barrato">{money(was, loc)}</span> ' if was else ""
    price_html = (
        f'<div class="prezzo">{old}<span class="prezzo-attuale">{money(price, loc)}</span></div>'
    )
    body = (
        _shell(host, title, price_html, price, loc, "Aggiungi al carrello")
        + script(f"window.dataLayer = window.dataLayer || [];\ndataLayer.push({js(event)});")
        + GTM
    )
    html = doc(lang, title, "", body)
    return Page("datalayer_only", name, url, html, f"{price}", cur, None)


def pages() -> list[Page]:
    return [
        nextjs_commerce("acme-hoodie", "demo.vercel.store", "Acme Hoodie",
                        [("S", D("50.00")), ("M", D("50.00")), ("XL", D("55.00"))]),
        nextjs_commerce("acme-cap", "demo.vercel.store", "Acme Baseball Cap", [("OS", D("20.00"))]),
        nextjs_commerce("acme-jacket", "demo.vercel.store", "Acme Rain Jacket",
                        [("S", D("120.00")), ("L", D("130.00"))], select=1),
        nextjs_commerce("zelt-2p", "outdoor-direkt.de", "Trekkingzelt 2 Personen",
                        [("Grün", D("1249.00"))], loc="de_DE"),
        next_app_router("studio-desk", "hausandhome.com", "Studio Standing Desk", D("649.00"),
                        was=D("799.00")),
        next_app_router("oak-stool", "hausandhome.com", "Oak Bar Stool", D("189.00")),
        next_app_router("sofa-modular", "hausandhome.co.uk", "Modular Sofa 3 Seater",
                        D("1899.00"), loc="en_GB"),
        nuxt2("stehlampe-nordic", "lichthaus.de", "Stehlampe Nordic Eiche", D("89.90"),
              D("119.00")),
        nuxt2("tischleuchte", "lichthaus.de", "Tischleuchte Messing", D("49.00"), None,
              in_stock=False),
        nuxt2("lampada-da-terra", "casaluce.it", "Lampada da terra ad arco", D("1299.00"),
              None, loc="it_IT", lang="it"),
        nuxt3("bougie-parfumee", "maison-cire.fr", "Bougie parfumée Figuier 220 g", D("34.90")),
        nuxt3("plaid-laine", "maison-cire.fr", "Plaid en laine 130 x 170", D("1249.00")),
        nuxt3("vela-aromatica", "casa-velas.es", "Vela aromática Higuera", D("19.95"),
              loc="es_ES", lang="es"),
        redux("running-shoe", "sportsdirect-like.co.uk", "Pegasus Running Shoe", D("119.99"),
              sale=D("89.99")),
        redux("trail-sock", "sportsdirect-like.co.uk", "Trail Sock 3 Pack", D("14.00"),
              var="__PRELOADED_STATE__"),
        redux("regenjacke", "wetterfest.de", "Regenjacke Damen", D("1299.00"), loc="de_DE",
              var="__PRELOADED_STATE__", lang="de"),
        apollo("koptelefoon", "elektroshop.nl", "Draadloze Koptelefoon Noise Cancelling",
               D("129.95")),
        apollo("stofzuiger", "elektroshop.nl", "Steelstofzuiger Snoerloos", D("1299.00")),
        datalayer("borsa-pelle", "pelletteria-roma.it", "Borsa in pelle a tracolla",
                  D("149.00"), was=D("189.00")),
        datalayer("sciarpa-cashmere", "pelletteria-roma.it", "Sciarpa in cashmere", D("89.50")),
        datalayer("zaino-urbano", "zaini-milano.it", "Zaino urbano 22 L", D("1249.90")),
    ]  # fmt: skip
