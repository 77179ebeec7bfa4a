"""Which static pages are script shells worth a browser re-check; host:port allow entries."""

from __future__ import annotations

import pytest

from priceradar.demo_shop.catalog import FAULT_IDS, ShopConfig, render_product_page
from priceradar.demo_shop.script_pages import delayed_page, fetched_page
from priceradar.domain.rendering import looks_like_script_shell
from priceradar.domain.urls import host_allowed_private

CFG = ShopConfig()


@pytest.mark.parametrize(
    "html",
    [
        '<html><body><div id="root"></div><script src="/main.js"></script></body></html>',
        '<html><body><div id="__next"></div><script>self.__next_f=[]</script></body></html>',
        "<html><body><app-root></app-root><script src=main.js></script></body></html>",
        "<html><head><script src=a.js></script></head><body><noscript>You need to enable "
        "JavaScript to run this app. " + "x" * 300 + "</noscript></body></html>",
        delayed_page(CFG, 5, 1).decode(),
        fetched_page(5).decode(),
    ],
)
def test_script_shells_are_recognised(html: str) -> None:
    assert looks_like_script_shell(html)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><div id=app></div></body></html>",  # no script: nothing will draw it
        "<html><body><div id=app>" + "A real server-rendered page. " * 40 + "</div>"
        "<script>hydrate()</script></body></html>",
        "<html><body><p>Product discontinued, see our other offers.</p><p>"
        + "More text. " * 20
        + "</p><script>track()</script></body></html>",
        render_product_page(CFG, 5, 1).body.decode(),
        *(render_product_page(CFG, i, 1).body.decode("latin-1") for i in FAULT_IDS.values()),
    ],
)
def test_pages_with_content_are_not_shells(html: str) -> None:
    assert not looks_like_script_shell(html)


@pytest.mark.parametrize(
    ("host", "port", "allowed", "ok"),
    [
        ("127.0.0.1", 8080, ("127.0.0.1",), True),
        ("127.0.0.1", 8080, ("127.0.0.1:8080",), True),
        ("127.0.0.1", 9090, ("127.0.0.1:8080",), False),
        ("127.0.0.1", None, ("127.0.0.1:8080",), False),  # port unknown: a port entry is no help
        ("::1", 8080, ("[::1]:8080",), True),
        ("[::1]", 8081, ("[::1]:8080",), False),
        ("localhost", 1, ("*",), True),
    ],
)
def test_allow_entries_may_name_a_port(
    host: str, port: int | None, allowed: tuple[str, ...], ok: bool
) -> None:
    assert host_allowed_private(host, allowed, port) is ok
