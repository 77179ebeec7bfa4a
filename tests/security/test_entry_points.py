"""Every way a URL gets in, times every internal spelling (tests/security/spellings.py): the
canary on loopback sees zero requests.

Entry points: the API (add, import, Apprise watch destinations), the CLI (add, import: the
operator may store names offline; what they resolve to is checked when a worker connects, so
each stored URL is then fetched the way a worker does), and the browser fetcher (directly and
through a redirect from an allowed page). Discovery, redirects from tracked pages and Apprise
sends are in test_fetch_hops.py and test_apprise_hops.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from priceradar.adapters.browser.renderer import BrowserConfig, BrowserRenderer
from priceradar.adapters.http.fetcher import FetchConfig
from tests.api.conftest import API_KEY
from tests.security.canary import SHOP_HOST, Canary, Shop
from tests.security.spellings import canary_urls
from tests.security.test_fetch_hops import assert_all_refused, fetch_all
from tests.security.test_imports import cli
from tests.support.browser import require_chromium


@pytest.fixture(scope="module")
def api(make_api: Callable[..., TestClient]) -> TestClient:
    return make_api(headers={"X-API-Key": API_KEY}, allowed_private_hosts=SHOP_HOST)


def test_api_add_refuses_every_spelling(api: TestClient, canary: Canary) -> None:
    statuses = {
        url: api.post("/api/v1/products", json={"url": url}).status_code
        for url in canary_urls(canary.port)
    }
    assert {u: s for u, s in statuses.items() if s != 422} == {}
    assert canary.hits == []


def test_api_import_refuses_every_spelling(api: TestClient, canary: Canary) -> None:
    body = "url\n" + "".join(f'"{u}"\n' for u in canary_urls(canary.port))
    response = api.post(
        "/api/v1/products/import", content=body, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 0
    assert canary.hits == []


def test_api_watch_destinations_refuse_every_spelling(api: TestClient, canary: Canary) -> None:
    for url in canary_urls(canary.port):
        target = "json://" + url.split("://", 1)[1]
        response = api.post("/api/v1/watches", json={"channel": "apprise", "target": target})
        assert response.status_code == 422, (target, response.text)
    assert canary.hits == []


def test_cli_add_and_import_then_a_worker_fetch_never_reach_the_canary(
    tmp_path: Path, canary: Canary
) -> None:
    urls = canary_urls(canary.port)
    env_dir = tmp_path
    assert cli(env_dir, "db", "upgrade").returncode == 0
    added = cli(env_dir, "products", "add", *urls)
    (env_dir / "in.csv").write_text("url\n" + "".join(f'"{u}"\n' for u in urls))
    imported = cli(env_dir, "products", "import", "in.csv")
    assert added.returncode == 0 and imported.returncode == 0, added.stderr + imported.stderr
    with sqlite3.connect(env_dir / "priceradar.sqlite3") as conn:
        stored = [row[0] for row in conn.execute("SELECT url FROM products")]
    # Literal spellings are refused when added; names pass offline and must fail at connect.
    assert len(stored) <= 6, stored
    assert_all_refused(fetch_all(stored, allowed=()), canary)


def render_all(urls: list[str]) -> list[object]:
    executable = require_chromium()
    renderer = BrowserRenderer(
        FetchConfig(timeout_s=10, allowed_private_hosts=(SHOP_HOST,)),
        BrowserConfig(executable=executable, settle_s=1),
    )

    async def go() -> list[object]:
        try:
            return list(await renderer.fetch_many(urls))
        finally:
            await renderer.close()

    return asyncio.run(go())


def test_the_browser_fetcher_never_reaches_the_canary(canary: Canary, tracked: Shop) -> None:
    urls = canary_urls(canary.port)
    direct = render_all(urls)
    redirected = render_all(
        [f"{tracked.base}/go?{urlencode({'to': u, 'status': 302})}" for u in urls]
    )
    assert len(direct) == len(redirected) == len(urls)
    assert canary.hits == []
